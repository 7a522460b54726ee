/**
 * The influence study in the worker: the CLI's option definitions and parser
 * (`relevance study influence`), the table read in the page, runInfluenceCore
 * on the backend the options name (auto: WebGPU on a hardware adapter, else wasm), and the run folder's files (every table as Arrow,
 * metrics.json, config.json, manifest.json, model.relevance) posted back.
 * --model and --where read files or need DuckDB: the page refuses them by name.
 */
import type { Backend } from '@relevance/core-wasm';
import { saveModel, type Model } from '@relevance/methods';
import { parseArgs } from '@relevance/pipelines/src/cli/args.js';
import { influenceOptions, studyInfluenceCommand } from '@relevance/pipelines/src/cli/commands/study-influence.js';
import { UsageError } from '@relevance/pipelines/src/cli/usage-error.js';
import { tableToArrowBytes } from '@relevance/pipelines/src/io/arrow-ipc.js';
import { validateOptions, withDefaults } from '@relevance/pipelines/src/studies/influence/options.js';
import { influenceMetrics, runInfluenceCore } from '@relevance/pipelines/src/studies/influence/run-influence-study.js';
import type { Progress } from '@relevance/pipelines/src/progress/progress.js';
import { browserManifest, sha256Hex } from './adapters/browser-manifest.js';
import { tableFromBytes } from './adapters/read-file.js';
import { studyBackend } from './backend.js';
import type { RunRequest, WorkerMessage } from './protocol.js';

/** The folder inside the downloaded zip (and config.json's `out`). */
export const INFLUENCE_FOLDER = 'relevance-influence-run';

/** Options of `study influence` that the page cannot honour, with the reason. */
const NOT_IN_PAGE: Record<string, string> = {
  model: 'explaining a given model file is a CLI feature; the page trains the classifier (use "Explain a model" for an ONNX model)',
  where: 'needs DuckDB, which the page does not load; filter the table before dropping it, or use the CLI',
};

export async function runInfluence(request: RunRequest, post: (m: WorkerMessage) => void, progress: Progress, json: (v: unknown) => Uint8Array): Promise<void> {
  const args = parseArgs({ name: 'study influence', options: studyInfluenceCommand.options }, request.argv);
  for (const [name, why] of Object.entries(NOT_IN_PAGE)) if (args.has(name)) throw new UsageError(`--${name}: not available in the browser app: ${why}`);
  if (!request.file) throw new UsageError('--data: the influence study needs a labelled table; pick a file first');
  const parsed = influenceOptions(args);
  // config.json records --out: the page's run folder is the zip's folder
  const options = withDefaults({ ...parsed, out: args.has('out') ? parsed.out : INFLUENCE_FOLDER });
  validateOptions(options);
  const table = await tableFromBytes(request.file.bytes, request.file.name);
  const be: Backend = await studyBackend(options.backend, options.threads, (line) => post({ type: 'log', line }));
  let model: Model | null = null;
  try {
    const core = await runInfluenceCore(options, be, { progress, log: (line) => post({ type: 'log', line }) }, table);
    model = core.model;
    const files: Record<string, Uint8Array> = {};
    if (core.modelMetadata) files['model.relevance'] = await saveModel(model, core.modelMetadata);
    for (const [name, t] of core.tables) files[`${name}.arrow`] = tableToArrowBytes(t);
    core.clock.lap('write');
    const metrics = influenceMetrics(core);
    files['metrics.json'] = json(metrics);
    files['config.json'] = json(core.config);
    const { data, classes } = core;
    const inputs = [{ path: request.file.name, sha256: await sha256Hex(new Uint8Array(request.file.bytes)), rows: data.tableRows, columns: data.tableColumns }];
    const timings = { ...core.clock.timings, ...(core.epochSeconds ? { epochs_s: core.epochSeconds } : {}) };
    const used = { features: data.features, classes, rows: data.rows, analysed: data.analysed.length, slice: options.slice };
    files['manifest.json'] = json(await browserManifest({ study: 'influence', inputs, seed: options.seed, backend: be.name, backendBuild: be.build, threads: be.threads, timings, used, files: { ...files } }));
    post({ type: 'done', files, metrics, backend: be.name, threads: be.threads });
  } finally {
    model?.dispose();
    be.destroy();
  }
}
