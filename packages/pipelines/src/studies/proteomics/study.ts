/**
 * `relevance study proteomics`: the protein-influence network study (after
 * Keyl et al. 2022, npj Precision Oncology 6:35), with a disjoint seeded
 * train/test split, baselines in the same run, and a reproducible run folder.
 * See docs/ARCHITECTURE.md for the data flow and docs/RUN-FOLDERS.md for the outputs.
 */
import { createBackend, type Backend, type BackendName } from '@relevance/core-wasm';
import { parseRuleSelection, saveModelFile, saveOnnxFile, type Model } from '@relevance/methods';
import { sha256File, writeJsonAtomic } from '../../io/atomic-write.js';
import { writeTable } from '../../io/write-table.js';
import { makeTable, numberColumn, stringColumn } from '../../io/table.js';
import { inRunFolder, stopwatch, writeStudyReport, yieldToEventLoop, type StudyIO } from '../study-io.js';
import { runManifest, type ManifestInput } from '../manifest.js';
import { loadStudyData, type Standardize, type StudyData, type Transform } from './data.js';
import { readEdgeList, type EdgeList } from './edge-files.js';
import { finalize, writeTables, type InstanceRecord } from './finalize.js';
import { BASELINE_METHODS, BASELINE_NAMES } from './baselines.js';
import { instanceNetwork, type RelevanceOptions } from './instance-networks.js';
import { trainMaskedModel, type MaskedModelOptions } from './masked-model.js';
import { instanceNetworkBytes } from './masks.js';
import * as check from '../option-checks.js';
import { embedInstanceNetworks } from './embedding.js';
import { SYNTHETIC_DEFAULTS, type SyntheticCohortOptions } from './synthetic.js';

/** Every option of the study: the stage options (model, relevance) plus data, evaluation and run settings. */
export interface ProteomicsOptions extends MaskedModelOptions, RelevanceOptions {
  /** A table file; omit (with `sql`) for the built-in synthetic cohort. */
  data?: string;
  sql?: string;
  idColumn?: string;
  classColumn?: string;
  features?: string;
  maxMissing: number;
  transform: Transform;
  testFraction: number;
  standardize: Standardize;
  minInstanceCorrelation: number | null;
  truth?: string;
  knownEdges?: string;
  directed: boolean;
  topK: number[];
  /** Baselines computed next to the network (BASELINE_NAMES). */
  baselines: string[];
  instanceTopK: number | null;
  shard: { index: number; count: number } | null;
  out: string;
  /** Replace a non-empty `out` once the new run is complete. */
  force?: boolean;
  backend: 'auto' | BackendName;
  threads?: number;
  synthetic: Required<SyntheticCohortOptions>;
  tsne: boolean;
}

export const PROTEOMICS_DEFAULTS: Omit<ProteomicsOptions, 'out'> = {
  maxMissing: 0.5,
  transform: 'none',
  testFraction: 0.3,
  standardize: 'global',
  hidden: [256, 256],
  epochs: 400,
  batchSize: 64,
  lr: 1e-3,
  optimizer: 'adam',
  momentum: 0.9,
  weightDecay: 0,
  patience: 60,
  validationFraction: 0.1,
  masks: 100,
  rule: 'gamma',
  gamma: 0.01,
  epsilon: 1e-6,
  minInstanceCorrelation: null,
  directed: false,
  topK: [36, 100],
  baselines: [...BASELINE_NAMES],
  instanceTopK: null,
  shard: null,
  seed: 1,
  backend: 'auto',
  synthetic: { ...SYNTHETIC_DEFAULTS },
  tsne: true,
};

export type { StudyIO } from '../study-io.js';

export interface ProteomicsResult {
  outDir: string;
  metrics: Record<string, unknown>;
  reportPath: string | null;
}

/** Option checks before any work: UsageError (exit 2) naming the option, the range and why. */
function validate(o: ProteomicsOptions): void {
  const bad = check.badOption;
  if (o.data && o.sql) bad('sql', 'give either --data or --sql, not both');
  if (!(o.maxMissing >= 0 && o.maxMissing <= 1)) bad('max-missing', `must be between 0 and 1, got ${o.maxMissing}`);
  check.fraction('test-fraction', o.testFraction, true);
  check.fraction('validation-fraction', o.validationFraction, false);
  check.hiddenSizes(o.hidden, '256x256');
  check.positiveInteger('masks', o.masks, MAX_MASKS, 'more masks than this do not change the averaged relevance measurably but multiply the run time');
  check.seed(o.seed);
  for (const b of o.baselines) if (!BASELINE_NAMES.includes(b)) bad('baselines', `unknown baseline '${b}'; choose from ${BASELINE_NAMES.join(', ')} (or none)`);
  check.positiveInteger('epochs', o.epochs, 1e6);
  check.positiveInteger('batch-size', o.batchSize);
  check.positiveInteger('patience', o.patience);
  check.positiveNumber('learning-rate', o.lr);
  check.nonNegativeNumber('weight-decay', o.weightDecay);
  if (!(o.momentum >= 0 && o.momentum < 1)) bad('momentum', `must lie in [0, 1), got ${o.momentum}`);
  try {
    parseRuleSelection(o.rule);
  } catch (e) {
    bad('rule', e instanceof Error ? e.message : String(e));
  }
  check.nonNegativeNumber('gamma', o.gamma);
  check.positiveNumber('epsilon', o.epsilon);
  if (o.instanceTopK !== null) check.positiveInteger('instance-top-k', o.instanceTopK);
  for (const k of o.topK) check.positiveInteger('known-top-k', k);
  if (o.minInstanceCorrelation !== null && !(o.minInstanceCorrelation >= -1 && o.minInstanceCorrelation <= 1)) bad('min-instance-correlation', `must lie in [-1, 1] (a correlation), got ${o.minInstanceCorrelation}`);
  check.threads(o.threads);
  if (!o.data && !o.sql) {
    check.positiveInteger('synthetic-proteins', o.synthetic.proteins, 10000, 'a synthetic cohort of more proteins does not fit in memory');
    check.positiveInteger('synthetic-classes', o.synthetic.classes, 1000);
    check.positiveInteger('synthetic-instances-per-class', o.synthetic.instancesPerClass, 1e6);
    checkMasksFit(o, o.synthetic.proteins);
  }
  if (o.shard && o.instanceTopK !== null) bad('instance-top-k', 'cannot be combined with --shard: relevance merge needs every pair of every instance');
  if (o.shard && (!Number.isInteger(o.shard.index) || !Number.isInteger(o.shard.count) || o.shard.count < 1 || o.shard.index < 0 || o.shard.index >= o.shard.count)) {
    bad('shard', `must be i/n with 0 <= i < n, got ${o.shard.index}/${o.shard.count}`);
  }
}

/** Masks beyond this are refused up front (2 * masks forward passes per patient). */
const MAX_MASKS = 100000;

/** --masks x proteins x layer sizes must fit in memory for one patient's network. */
function checkMasksFit(o: ProteomicsOptions, proteins: number): void {
  const bytes = instanceNetworkBytes(o.masks, proteins, o.hidden);
  if (bytes > check.memoryBudget()) {
    check.badOption('masks', `${o.masks} masks for ${proteins} proteins and hidden layers ${o.hidden.join('x')} need about ${check.formatBytes(bytes)} per patient, more than half of this machine's memory (${check.formatBytes(2 * check.memoryBudget())}); use fewer masks (Keyl et al. used 100)`);
  }
}

/** The resolved configuration written to config.json. */
export function resolvedConfig(o: ProteomicsOptions): Record<string, unknown> {
  return {
    study: 'proteomics',
    data: o.data ?? null,
    sql: o.sql ?? null,
    synthetic: o.data || o.sql ? null : o.synthetic,
    id_column: o.idColumn ?? null,
    class_column: o.classColumn ?? (o.data || o.sql ? null : 'class'),
    features: o.features ?? null,
    max_missing: o.maxMissing,
    transform: o.transform,
    test_fraction: o.testFraction,
    standardize: o.standardize,
    model: { hidden: o.hidden, activation: 'relu', input: '[x*m, (1-x)*m]' },
    training: { epochs: o.epochs, batch_size: o.batchSize, lr: o.lr, optimizer: o.optimizer, momentum: o.optimizer === 'sgd' ? o.momentum : null, weight_decay: o.weightDecay, patience: o.patience, validation_fraction: o.validationFraction, visibility: 'U(0.01, 0.99) per row, Bernoulli per protein, fresh every epoch' },
    relevance: { rule: o.rule, gamma: o.rule === 'gamma' ? o.gamma : null, epsilon: o.rule === 'epsilon' ? o.epsilon : null, masks_per_target: o.masks, mask_design: 'complementary pairs (2*masks masks per instance; each observed target hidden in exactly masks of them)', output_relevance: 'predicted value of the target', channels: 'summed' },
    aggregation: { instance: 'mean of |R(s->t)| and |R(t->s)|', class: 'mean over the class test instances less 1/2 x the strongest two-step path (median and IQR beside it)', cohort: 'mean over test instances less 1/2 x the strongest two-step path (median and IQR beside it)', min_instance_correlation: o.minInstanceCorrelation },
    truth: o.truth ?? null,
    known_edges: o.knownEdges ?? null,
    directed: o.directed,
    top_k: o.topK,
    baselines: o.baselines,
    instance_top_k: o.instanceTopK,
    shard: o.shard ? `${o.shard.index}/${o.shard.count}` : null,
    seed: o.seed,
    backend: o.backend,
    tsne: o.tsne,
  };
}

/** Test rows this run computes instance networks for (every n-th with --shard i/n). */
export function shardRows(test: readonly number[], shard: ProteomicsOptions['shard']): number[] {
  return shard ? test.filter((_, k) => k % shard.count === shard.index) : [...test];
}

async function synthesizedTruth(data: StudyData, outDir: string): Promise<string> {
  const cohort = data.synthetic!;
  const src: string[] = [], tgt: string[] = [], cls: string[] = [];
  for (const e of cohort.edges) for (const c of e.classes) {
    src.push(e.source);
    tgt.push(e.target);
    cls.push(c);
  }
  const path = `${outDir}/synthetic_truth.csv`;
  await writeTable(path, makeTable('synthetic_truth', [stringColumn('source', src), stringColumn('target', tgt), stringColumn('class', cls)]));
  const p = cohort.proteins.length;
  const cols = cohort.proteins.map((name, j) => numberColumn(name, Float64Array.from({ length: cohort.ids.length }, (_, r) => cohort.values[r * p + j]!)));
  await writeTable(`${outDir}/synthetic_cohort.parquet`, makeTable('synthetic_cohort', [stringColumn('id', cohort.ids), stringColumn('class', cohort.labels), ...cols]));
  return path;
}

export async function runProteomicsStudy(options: ProteomicsOptions, io: StudyIO): Promise<ProteomicsResult> {
  validate(options);
  return inRunFolder(options.out, options.force, (outDir) => writeProteomicsRun(options, io, outDir));
}

/** The study, written into `outDir` (a temporary folder that inRunFolder moves onto --out). */
async function writeProteomicsRun(options: ProteomicsOptions, io: StudyIO, outDir: string): Promise<ProteomicsResult> {
  const clock = stopwatch();
  const { timings } = clock;
  const lap = clock.lap;

  // ---- data
  const source = options.data ?? (options.sql ? { sql: options.sql } : null);
  const data = await loadStudyData({
    source,
    idColumn: options.idColumn,
    classColumn: options.classColumn,
    features: options.features,
    maxMissing: options.maxMissing,
    transform: options.transform,
    testFraction: options.testFraction,
    standardize: options.standardize,
    seed: options.seed,
    synthetic: options.synthetic,
  });
  for (const w of data.warnings) io.log(`warning: ${w}`);
  checkMasksFit(options, data.proteins.length);
  const missingTotal = data.missing.reduce((a, b) => a + b, 0);
  io.log(`data: ${data.rows} rows, ${data.proteins.length} proteins${data.classNames.length ? `, ${data.classNames.length} classes (${data.classNames.join(', ')})` : ''}, ${missingTotal} missing values; train ${data.train.length}, test ${data.test.length}`);
  const truthPath = options.truth ?? (data.synthetic ? await synthesizedTruth(data, outDir) : undefined);
  const truth: EdgeList | null = truthPath ? await readEdgeList(truthPath, data.proteins, 'truth', data.dropped.map((d) => d.protein)) : null;
  const known: EdgeList | null = options.knownEdges ? await readEdgeList(options.knownEdges, data.proteins, 'known') : null;
  lap('load');

  // ---- masked predictor
  const be: Backend = await createBackend(options.backend, options.threads ? { threads: options.threads } : {});
  let model: Model | null = null;
  try {
    const epochSeconds: number[] = [];
    io.progress.start('training', options.epochs);
    const trained = await trainMaskedModel(be, data, { ...options }, (e) => {
      epochSeconds.push(e.seconds);
      io.progress.tick(1, `loss ${e.trainLoss.toFixed(4)}${e.valLoss !== null ? ` val ${e.valLoss.toFixed(4)}` : ''}`);
    });
    model = trained.model;
    const h = trained.history;
    io.progress.done(`best epoch ${h.bestEpoch + 1} of ${h.epochs.length}, hidden-entry validation MSE ${h.bestLoss.toFixed(4)}${h.stoppedEarly ? ' (stopped early)' : ''}`);
    await saveModelFile(model, `${outDir}/model.relevance`, { study: 'proteomics', proteins: data.proteins, input: '[x*m, (1-x)*m]', seed: options.seed });
    await saveOnnxFile(model, `${outDir}/model.onnx`);
    lap('train');

    // ---- instance networks
    const rows = shardRows(data.test, options.shard);
    const p = data.proteins.length;
    const instances: InstanceRecord[] = [];
    io.progress.start('instance networks', rows.length);
    for (const row of rows) {
      const x = Float64Array.from(data.values.subarray(row * p, (row + 1) * p));
      const net = await instanceNetwork(model, be, x, row, options);
      instances.push({ row, directed: net.directed, mseHidden: net.mseHidden, predictionCorrelation: net.predictionCorrelation });
      io.progress.tick(1);
      await yieldToEventLoop(); // Ctrl-C is handled between instances
    }
    io.progress.done(`${rows.length} instance networks, ${(2 * options.masks)} masks each`);
    lap('relevance');

    // ---- embedding, aggregation, baselines, evaluation, tables
    const embedding = options.tsne ? await embedInstanceNetworks(be, instances, p, options.seed) : null;
    const classesWithBaselines = data.classNames.filter((c) => data.train.filter((r) => data.labels![r] === c).length > data.proteins.length + 2).length;
    const chosen = BASELINE_METHODS.filter((m) => options.baselines.includes(m.name));
    io.progress.start('baselines', chosen.length + classesWithBaselines * chosen.filter((m) => m.perClass).length);
    const training = h.epochs.map((e) => ({ epoch: e.epoch, train_loss: e.trainLoss, val_loss: e.valLoss, lr: e.lr }));
    const onBaseline = (name: string, scope: string, seconds: number): void => io.progress.tick(1, `${name} (${scope}) ${seconds.toFixed(1)} s`);
    const result = finalize({ data, instances, truth, known, directed: options.directed, topK: options.topK, baselines: options.baselines, instanceTopK: options.instanceTopK, minInstanceCorrelation: options.minInstanceCorrelation, training, embedding, seed: options.seed, onBaseline });
    io.progress.done(chosen.map((m) => `${m.name} ${(result.metrics[`timing_s.methods.${m.name}`] as number).toFixed(1)} s`).join(', '));
    lap('baselines');
    const files = await writeTables(outDir, result.tables);
    timings.total = clock.total();
    const metrics = { ...result.metrics, 'timing_s.load': timings.load, 'timing_s.train': timings.train, 'timing_s.relevance': timings.relevance, 'timing_s.baselines': timings.baselines, 'timing_s.total': timings.total };
    const nested = nest(metrics);
    await writeJsonAtomic(`${outDir}/metrics.json`, nested);
    await writeJsonAtomic(`${outDir}/config.json`, resolvedConfig(options));
    const inputs: ManifestInput[] = [];
    if (options.data) inputs.push({ path: options.data, sha256: await sha256File(options.data), rows: data.tableRows, columns: data.tableColumns });
    if (options.sql) inputs.push({ path: 'sql', query: options.sql, rows: data.tableRows, columns: data.tableColumns });
    if (!options.data && !options.sql) inputs.push({ path: 'synthetic_cohort.parquet', sha256: await sha256File(`${outDir}/synthetic_cohort.parquet`), rows: data.tableRows, columns: data.tableColumns });
    if (options.truth) inputs.push({ path: options.truth, sha256: await sha256File(options.truth) });
    if (options.knownEdges) inputs.push({ path: options.knownEdges, sha256: await sha256File(options.knownEdges) });
    await writeJsonAtomic(
      `${outDir}/manifest.json`,
      await runManifest({
        study: 'proteomics',
        outDir,
        inputs,
        seed: options.seed,
        backend: be.name,
        threads: be.threads,
        timings: { ...timings, epochs_s: epochSeconds.map((s) => Number(s.toFixed(3))) },
        used: { proteins: data.proteins, dropped: data.dropped, rows: data.rows, train: data.train.length, test: data.test.length, instances: instances.length },
        files: ['model.relevance', 'model.onnx', ...files, 'metrics.json', 'config.json'],
      }),
    );
    const reportPath = await writeStudyReport(io, outDir, 'proteomics');
    return { outDir, metrics: nested, reportPath };
  } finally {
    model?.dispose();
    be.destroy();
  }
}

/** {'a.b.c': 1} -> {a: {b: {c: 1}}} (metrics.json is nested; keys are written flat in code). */
export function nest(flat: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    const parts = key.split('.');
    let node = out;
    for (const part of parts.slice(0, -1)) {
      if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]!] = value;
  }
  return out;
}
