/**
 * The study worker: parses the options with the CLI's parser and option
 * definitions, reads the table in memory, runs runProteomicsCore on the
 * backend --backend names (auto: WebGPU on a hardware adapter, else wasm with
 * threads when the page is cross-origin isolated, one otherwise; backend.ts)
 * and posts the run folder's files back. Cancel = the page terminates this
 * worker. At start it tells the page what WebGPU adapter the browser offers.
 */
import type { Backend } from '@relevance/core-wasm';
import { exportOnnx, saveModel, type Model } from '@relevance/methods';
import { parseArgs } from '@relevance/pipelines/src/cli/args.js';
import { proteomicsOptions, studyProteomicsCommand } from '@relevance/pipelines/src/cli/commands/study-proteomics.js';
import { tableToArrowBytes } from '@relevance/pipelines/src/io/arrow-ipc.js';
import { csvChunks } from '@relevance/pipelines/src/io/csv-text.js';
import { stableStringify } from '@relevance/pipelines/src/io/stable-json.js';
import type { Progress } from '@relevance/pipelines/src/progress/progress.js';
import { runProteomicsCore, syntheticTruthTable, type ProteomicsCoreResult } from '@relevance/pipelines/src/studies/proteomics/core.js';
import { dataFingerprint } from '@relevance/pipelines/src/studies/proteomics/fingerprint.js';
import { modelInputMetadata } from '@relevance/pipelines/src/studies/proteomics/masked-model.js';
import { replicateModelMetadata } from '@relevance/pipelines/src/studies/proteomics/replicates.js';
import { INDEX_FILE, instanceIndex, NETWORKS_FILE, symmetricRows } from '@relevance/pipelines/src/studies/proteomics/instance-files.js';
import { pairCount } from '@relevance/pipelines/src/studies/proteomics/networks.js';
import { npyBytes } from '@relevance/pipelines/src/io/npy.js';
import { checkSchema } from '@relevance/pipelines/src/io/run-format.js';
import { edgeListFromTable } from '@relevance/pipelines/src/studies/proteomics/edge-files.js';
import { proteomicsMetrics, resolvedConfig, shardRows, validateProteomicsOptions, type ProteomicsOptions } from '@relevance/pipelines/src/studies/proteomics/study.js';
import { browserManifest, sha256Hex } from './adapters/browser-manifest.js';
import { probeWebGpu, studyBackend } from './backend.js';
import { tableFromBytes } from './adapters/read-file.js';
import { explain } from './explain.js';
import { runInfluence } from './influence.js';
import type { ExplainRequest, RunRequest, WorkerMessage } from './protocol.js';

const post = (m: WorkerMessage): void => (self as unknown as Worker).postMessage(m);

class PostedProgress implements Progress {
  private label = '';
  private total = 0;
  private count = 0;
  start(label: string, total = 0): void {
    this.label = label;
    this.total = total;
    this.count = 0;
    post({ type: 'progress', label, done: 0, total });
  }
  tick(n = 1, detail?: string): void {
    this.count += n;
    post({ type: 'progress', label: this.label, done: this.count, total: this.total, ...(detail ? { detail } : {}) });
  }
  done(summary?: string): void {
    post({ type: 'progress', label: this.label, done: this.total, total: this.total, ...(summary ? { detail: summary } : {}) });
    if (summary) post({ type: 'log', line: `${this.label}: ${summary}` });
  }
}

const json = (v: unknown): Uint8Array => new TextEncoder().encode(`${stableStringify(v, 2)}\n`);

/** model.relevance as the CLI saves it: with the data fingerprint (hashed with WebCrypto) and the training curve. */
async function modelFiles(core: ProteomicsCoreResult, options: ProteomicsOptions, request: RunRequest, files: Record<string, Uint8Array>): Promise<void> {
  const hashes = { text: (text: string) => sha256Hex(new TextEncoder().encode(text)), ...(request.file ? { file: await sha256Hex(new Uint8Array(request.file.bytes)) } : {}) };
  const fingerprint = await dataFingerprint(core.data, options, hashes);
  files['model.relevance'] = await saveModel(core.model, { study: 'proteomics', proteins: core.data.proteins, ...modelInputMetadata(core.model, core.data), seed: options.seed, ...replicateModelMetadata(options.replicates, 1), fingerprint, training: core.training });
  files['model.onnx'] = await exportOnnx(core.model);
}

/** The run's tables as the CLI writes them, but Arrow for every table (the CLI's Parquet comes from DuckDB, which the page does not load). */
function tableFiles(core: ProteomicsCoreResult, files: Record<string, Uint8Array>): void {
  for (const [name, t] of core.result.tables) {
    checkSchema(t);
    files[`${name}.arrow`] = tableToArrowBytes(t);
  }
  files[NETWORKS_FILE] = npyBytes([core.records.length, pairCount(core.data.proteins.length)], symmetricRows(core.data, core.records));
  files[INDEX_FILE] = json(instanceIndex(core.data, core.records));
}

async function run(request: RunRequest): Promise<void> {
  const args = parseArgs({ name: 'study proteomics', options: studyProteomicsCommand.options }, request.argv);
  const options: ProteomicsOptions = proteomicsOptions(args);
  validateProteomicsOptions(options);
  const table = request.file ? await tableFromBytes(request.file.bytes, request.file.name) : null;
  const be: Backend = await studyBackend(options.backend, options.threads, (line) => post({ type: 'log', line }));
  const files: Record<string, Uint8Array> = {};
  let model: Model | null = null;
  try {
    const core = await runProteomicsCore(table, options, be, {
      progress: new PostedProgress(),
      log: (line) => post({ type: 'log', line }),
      async edges(data) {
        if (!data.synthetic) return { truth: null, known: null };
        const truthTable = syntheticTruthTable(data.synthetic);
        files['synthetic_truth.csv'] = new TextEncoder().encode([...csvChunks(truthTable, ',')].join(''));
        return { truth: edgeListFromTable(truthTable, 'synthetic_truth.csv', data.proteins, 'truth', data.dropped.map((d) => d.protein)), known: null };
      },
    }, (test) => shardRows(test, options.shard));
    model = core.model;
    await modelFiles(core, options, request, files);
    tableFiles(core, files);
    core.timings.total = core.total();
    const metrics = proteomicsMetrics(core.result.metrics, core.timings);
    files['metrics.json'] = json(metrics);
    files['config.json'] = json(resolvedConfig(options));
    const { data } = core;
    const inputs = request.file ? [{ path: request.file.name, sha256: await sha256Hex(new Uint8Array(request.file.bytes)), rows: data.tableRows, columns: data.tableColumns }] : [{ path: 'synthetic cohort (in the page)', rows: data.tableRows, columns: data.tableColumns }];
    const used = { proteins: data.proteins, dropped: data.dropped, rows: data.rows, train: data.train.length, test: data.test.length, instances: core.instances };
    files['manifest.json'] = json(await browserManifest({ study: 'proteomics', inputs, seed: options.seed, backend: be.name, backendBuild: be.build, threads: be.threads, timings: { ...core.timings, epochs_s: core.epochSeconds.map((s) => Number(s.toFixed(3))) }, used, files: { ...files } }));
    post({ type: 'done', files, metrics, backend: be.name, threads: be.threads });
  } finally {
    model?.dispose();
    be.destroy();
  }
}

self.onmessage = (e: MessageEvent<RunRequest | ExplainRequest>) => {
  const work = e.data.type === 'explain' ? explain(e.data).then(post) : e.data.study === 'influence' ? runInfluence(e.data, post, new PostedProgress(), json) : run(e.data);
  work.catch((err: unknown) => {
    const error = err instanceof Error ? err : new Error(String(err));
    post({ type: 'failed', message: error.message, name: error.name });
  });
};
post({ type: 'ready' });
void probeWebGpu().then((info) => post({ type: 'webgpu', info }));
