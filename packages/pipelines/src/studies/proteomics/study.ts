/**
 * `relevance study proteomics`: the protein-influence network study (after
 * Keyl et al. 2022, npj Precision Oncology 6:35), with a disjoint seeded
 * train/test split, baselines in the same run, and a reproducible run folder.
 * See docs/ARCHITECTURE.md for the data flow and docs/RUN-FOLDERS.md for the outputs.
 */
import { createBackend, type Backend, type BackendName } from '@relevance/core-wasm';
import { loadModelFile, parseRuleSelection, saveModelFile, saveOnnxFile, type Model } from '@relevance/methods';
import { copyFile, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { sha256File, writeJsonAtomic } from '../../io/atomic-write.js';
import { DataError } from '../../io/data-error.js';
import { stableStringify } from '../../io/stable-json.js';
import { dataFingerprint, dataSelection, fingerprintDifferences, type DataFingerprint } from './fingerprint.js';
import { INDEX_FILE, readShardInstances, writeInstanceFiles } from './instance-files.js';
import { writeTable } from '../../io/write-table.js';
import { makeTable, numberColumn, stringColumn } from '../../io/table.js';
import { inRunFolder, stopwatch, writeStudyReport, type StudyIO } from '../study-io.js';
import { runManifest, type ManifestInput } from '../manifest.js';
import type { DataSettings, StudyData } from './data.js';
import { readEdgeList, type EdgeList } from './edge-files.js';
import type { FinalizeInputs, InstanceRecord } from './finalize.js';
import { nest, writeMetrics, writeRunTables } from '../../io/run-format.js';
import { analysisPhase, lapReplicates, loadProteomicsData, relevancePhase, replicatePhase, trainPhase } from './core.js';
import { addReplicates, MAX_REPLICATES, replicateLabel, replicateModelFile, replicateModelMetadata, replicateOptions, replicateSubfolder, type ReplicateAgreement } from './replicates.js';

export type Stage = 'all' | 'train' | 'networks' | 'merge';
export const STAGES: readonly Stage[] = ['all', 'train', 'networks', 'merge'];
import { BASELINE_NAMES } from './baselines.js';
import type { RelevanceOptions } from './instance-networks.js';
import { modelInputMetadata, type MaskedModelOptions } from './masked-model.js';
import { instanceNetworkBytes } from './masks.js';
import * as check from '../option-checks.js';
import { SYNTHETIC_DEFAULTS, type SyntheticCohortOptions } from './synthetic.js';

/** Every option of the study: the stage options (model, relevance) plus data, evaluation and run settings. */
export interface ProteomicsOptions extends MaskedModelOptions, RelevanceOptions, DataSettings {
  /** A table file; omit (with `sql`) for the built-in synthetic cohort. */
  data?: string;
  sql?: string;
  minInstanceCorrelation: number | null;
  truth?: string;
  knownEdges?: string;
  /** The source and target columns of --known-edges (default 'source','target'). */
  knownEdgesColumns?: [string, string];
  /** A name-mapping table for --known-edges (list name, data name). */
  knownEdgesMap?: string;
  directed: boolean;
  topK: number[];
  /** Baselines computed next to the network (BASELINE_NAMES). */
  baselines: string[];
  instanceTopK: number | null;
  shard: { index: number; count: number } | null;
  /** Masked predictors trained with seeds seed .. seed + replicates - 1, their relevance averaged (replicates.ts). */
  replicates: number;
  /** Which part of the study this run does (docs/SCALE-OUT.md): everything, or one stage. */
  stage: Stage;
  /** --stage networks / merge: the model.relevance written by --stage train. */
  model?: string;
  /** --stage merge: the folders written by --stage networks (or a folder holding them). */
  shards?: string[];
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
  classInput: 'auto',
  epochs: 400,
  batchSize: 64,
  lr: 1e-3,
  optimizer: 'adam',
  momentum: 0.9,
  weightDecay: 0,
  averageDecay: 0.9,
  patience: 60,
  validationFraction: 0.1,
  masks: 34,
  maskGroups: 4,
  rule: 'gamma',
  gamma: 0.01,
  epsilon: 1e-6,
  minInstanceCorrelation: null,
  directed: false,
  topK: [36, 100],
  baselines: [...BASELINE_NAMES],
  instanceTopK: 50,
  shard: null,
  replicates: 3,
  stage: 'all',
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
export function validateProteomicsOptions(o: ProteomicsOptions): void {
  const bad = check.badOption;
  if (o.data && o.sql) bad('sql', 'give either --data or --sql, not both');
  if (!(o.maxMissing >= 0 && o.maxMissing <= 1)) bad('max-missing', `must be between 0 and 1, got ${o.maxMissing}`);
  check.fraction('test-fraction', o.testFraction, true);
  check.fraction('validation-fraction', o.validationFraction, false);
  check.hiddenSizes(o.hidden, '256x256');
  if (o.classInput !== 'auto' && o.classInput !== 'off') bad('class-input', `must be auto or off, got '${o.classInput}'`);
  check.positiveInteger('masks', o.masks, MAX_MASKS, 'more masks than this do not change the averaged relevance measurably but multiply the run time');
  if (!(Number.isInteger(o.maskGroups) && o.maskGroups >= 2 && o.maskGroups <= MAX_MASK_GROUPS)) {
    bad('mask-groups', `must be an integer from 2 to ${MAX_MASK_GROUPS}, got ${o.maskGroups} (2: half of the other proteins visible, as Keyl et al.; 4: three quarters, the default)`);
  }
  check.seed(o.seed);
  check.positiveInteger('replicates', o.replicates, MAX_REPLICATES, 'each replicate is a whole training and relevance pass');
  if (o.replicates > 1 && o.shard && o.stage === 'all') bad('replicates', `is ${o.replicates}${o.replicates === PROTEOMICS_DEFAULTS.replicates ? ' (the default)' : ''}, but a one-command --shard run explains part of the test set with one predictor; run the stages instead (--stage train, --stage networks --shard i/n, --stage merge, each with --replicates, or --slurm), or give --replicates 1 (with --masks 100 for one predictor's relevance at the default's cost)`);
  for (const b of o.baselines) if (!BASELINE_NAMES.includes(b)) bad('baselines', `unknown baseline '${b}'; choose from ${BASELINE_NAMES.join(', ')} (or none)`);
  check.positiveInteger('epochs', o.epochs, 1e6);
  check.positiveInteger('batch-size', o.batchSize);
  check.positiveInteger('patience', o.patience);
  check.positiveNumber('learning-rate', o.lr);
  check.nonNegativeNumber('weight-decay', o.weightDecay);
  if (!(o.averageDecay >= 0 && o.averageDecay < 1)) bad('average-decay', `must lie in [0, 1) (0 turns the weight average off), got ${o.averageDecay}`);
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
  if ((o.stage === 'networks' || o.stage === 'merge') && !o.model) bad('model', `--stage ${o.stage} needs --model <train run>/model.relevance (written by --stage train)`);
  if (o.stage !== 'networks' && o.stage !== 'merge' && o.model) bad('model', 'is read by --stage networks and --stage merge only');
  if (o.stage === 'merge' && !o.shards?.length) bad('shards', '--stage merge needs --shards <folders written by --stage networks>');
  if (o.stage !== 'merge' && o.shards?.length) bad('shards', 'is read by --stage merge only');
  if ((o.stage === 'train' || o.stage === 'merge') && o.shard) bad('shard', `applies to --stage networks (or the one-command study), not --stage ${o.stage}`);
  if (o.shard && (!Number.isInteger(o.shard.index) || !Number.isInteger(o.shard.count) || o.shard.count < 1 || o.shard.index < 0 || o.shard.index >= o.shard.count)) {
    bad('shard', `must be i/n with 0 <= i < n, got ${o.shard.index}/${o.shard.count}`);
  }
}

/** Masks beyond this are refused up front (maskGroups * masks forward passes per patient). */
const MAX_MASKS = 100000;
/** More groups than this leave almost every mask with one protein hidden (leave-one-out, which loses on redundant regulators: docs/BENCHMARKS.md section 1). */
const MAX_MASK_GROUPS = 64;

/** --masks x proteins x layer sizes must fit in memory for one patient's network. */
function checkMasksFit(o: ProteomicsOptions, proteins: number): void {
  const bytes = instanceNetworkBytes(o.masks * o.maskGroups, proteins, o.hidden);
  if (bytes > check.memoryBudget()) {
    check.badOption('masks', `${o.masks} masks per target (${o.masks * o.maskGroups} per patient, --mask-groups ${o.maskGroups}) for ${proteins} proteins and hidden layers ${o.hidden.join('x')} need about ${check.formatBytes(bytes)} per patient, more than half of this machine's memory (${check.formatBytes(2 * check.memoryBudget())}); use fewer masks (Keyl et al. used 100)`);
  }
}

/** The resolved configuration written to config.json. */
export function resolvedConfig(o: ProteomicsOptions): Record<string, unknown> {
  return {
    study: 'proteomics',
    data: o.data ?? null,
    ...dataSelection(o),
    class_column: o.classColumn ?? (o.data || o.sql ? null : 'class'),
    test_fraction: o.testFraction,
    model: { hidden: o.hidden, activation: 'relu', input: o.classInput === 'auto' ? '[x*m, (1-x)*m, class one-hot] (the class part only with two or more classes)' : '[x*m, (1-x)*m]', class_input: o.classInput },
    training: { epochs: o.epochs, batch_size: o.batchSize, lr: o.lr, optimizer: o.optimizer, momentum: o.optimizer === 'sgd' ? o.momentum : null, weight_decay: o.weightDecay, average_decay: o.averageDecay, patience: o.patience, validation_fraction: o.validationFraction, visibility: 'U(0.01, 0.99) per row, Bernoulli per protein, fresh every epoch' },
    relevance: { rule: o.rule, gamma: o.rule === 'gamma' ? o.gamma : null, epsilon: o.rule === 'epsilon' ? o.epsilon : null, masks_per_target: o.masks, mask_groups: o.maskGroups, replicates: o.replicates, mask_design: `rounds of ${o.maskGroups} masks, each observed protein hidden in one mask per round (${o.maskGroups}*masks masks per instance; each observed target hidden in exactly masks of them, every other protein visible with probability ${o.maskGroups - 1}/${o.maskGroups})`, output_relevance: 'predicted value of the target', channels: 'summed' },
    aggregation: { instance: 'mean of |R(s->t)| and |R(t->s)|', class: 'the class test instances: per target, mean and median of |R(s->t)| each divided by sqrt(row total x mean row total), their geometric mean, directions averaged, x |partial correlation|^(1/4) on the class training rows (median and IQR beside it)', cohort: 'with two or more classes of at least 20 included test instances: per pair the largest of the class scores (directed likewise); otherwise the class score over all test instances, partial correlation on the training rows', min_instance_correlation: o.minInstanceCorrelation },
    truth: o.truth ?? null,
    known_edges: o.knownEdges ?? null,
    known_edges_columns: o.knownEdgesColumns ?? null,
    known_edges_map: o.knownEdgesMap ?? null,
    directed: o.directed,
    top_k: o.topK,
    baselines: o.baselines,
    instance_top_k: o.instanceTopK,
    shard: o.shard ? `${o.shard.index}/${o.shard.count}` : null,
    ...(o.stage !== 'all' ? { stage: o.stage, model: o.model ?? null } : {}),
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
  validateProteomicsOptions(options);
  const write = { all: writeProteomicsRun, train: writeTrainRun, networks: writeNetworksRun, merge: writeMergedRun }[options.stage];
  return inRunFolder(options.out, options.force, (outDir) => write(options, io, outDir));
}

type TrainingRow = FinalizeInputs['training'][number];
type Clock = ReturnType<typeof stopwatch>;

/** The data stage: load, warn, summarise. */
async function loadRunData(options: ProteomicsOptions, io: StudyIO): Promise<StudyData> {
  const data = await loadProteomicsData(options, options.data ?? (options.sql ? { sql: options.sql } : null), (line) => io.log(line));
  checkMasksFit(options, data.proteins.length);
  return data;
}

/** The truth (given, or the synthetic cohort's, written into the run) and the known edges. */
async function loadEdgeLists(options: ProteomicsOptions, io: StudyIO, data: StudyData, outDir: string): Promise<{ truth: EdgeList | null; known: EdgeList | null }> {
  const truthPath = options.truth ?? (data.synthetic ? await synthesizedTruth(data, outDir) : undefined);
  const truth = truthPath ? await readEdgeList(truthPath, data.proteins, 'truth', data.dropped.map((d) => d.protein)) : null;
  const known = options.knownEdges ? await readEdgeList(options.knownEdges, data.proteins, 'known', [], { columns: options.knownEdgesColumns, map: options.knownEdgesMap }) : null;
  if (known?.match.warning) io.log(`warning: ${known.match.warning}`);
  return { truth, known };
}

function openBackend(options: ProteomicsOptions): Promise<Backend> {
  return createBackend(options.backend, options.threads ? { threads: options.threads } : {});
}

interface StageFrame {
  clock: Clock;
  data: StudyData;
  /** Loaded only for the stages that evaluate (inStage's `edgeLists`); else both null. */
  edges: { truth: EdgeList | null; known: EdgeList | null };
  be: Backend;
}

/**
 * Every stage's frame: load the data (and the edge lists where the stage
 * evaluates), time that as 'load', open the backend, run `body`, and destroy
 * the backend however `body` ends.
 */
async function inStage<R>(options: ProteomicsOptions, io: StudyIO, outDir: string, edgeLists: boolean, body: (frame: StageFrame) => Promise<R>): Promise<R> {
  const clock = stopwatch();
  const data = await loadRunData(options, io);
  const edges = edgeLists ? await loadEdgeLists(options, io, data, outDir) : { truth: null, known: null };
  clock.lap('load');
  const be = await openBackend(options);
  try {
    return await body({ clock, data, edges, be });
  } finally {
    be.destroy();
  }
}

/**
 * Train the masked predictor (replicate r of --replicates, with seed + r - 1) and save it: model.relevance
 * with the data fingerprint and training curve, and model.onnx; replicates 2.. as model.replicate-<r>.relevance.
 */
async function trainAndSave(options: ProteomicsOptions, io: StudyIO, be: Backend, data: StudyData, outDir: string, replicate = 1): Promise<{ model: Model; training: TrainingRow[]; epochSeconds: number[]; files: string[] }> {
  const epochSeconds: number[] = [];
  const k = options.replicates, o = replicateOptions(options, replicate);
  const trained = await trainPhase(be, data, o, io.progress, epochSeconds, replicateLabel('training', replicate, k));
  const h = trained.history;
  const training = h.epochs.map((e) => ({ epoch: e.epoch, train_loss: e.trainLoss, val_loss: e.valLoss, lr: e.lr }));
  const fingerprint = await dataFingerprint(data, options); // the data keep the study's seed
  const file = replicateModelFile('model.relevance', replicate);
  await saveModelFile(trained.model, join(outDir, file), { study: 'proteomics', proteins: data.proteins, ...modelInputMetadata(trained.model, data), seed: o.seed, ...replicateModelMetadata(k, replicate), fingerprint, training });
  if (replicate > 1) return { model: trained.model, training, epochSeconds, files: [file] };
  await saveOnnxFile(trained.model, `${outDir}/model.onnx`);
  return { model: trained.model, training, epochSeconds, files: [file, 'model.onnx'] };
}

/** metrics.json of a finished run: the flat metrics and the phase timings as `timing_s.<phase>`, nested (the browser app writes the same). */
export function proteomicsMetrics(flat: Record<string, unknown>, timings: Record<string, number>): Record<string, unknown> {
  return nest({ ...flat, ...Object.fromEntries(Object.entries(timings).map(([k, v]) => [`timing_s.${k}`, v])) });
}

/** The run's inputs for manifest.json. */
async function manifestInputs(options: ProteomicsOptions, data: StudyData, outDir: string): Promise<ManifestInput[]> {
  const inputs: ManifestInput[] = [];
  if (options.data) inputs.push({ path: options.data, sha256: await sha256File(options.data), rows: data.tableRows, columns: data.tableColumns });
  if (options.sql) inputs.push({ path: 'sql', query: options.sql, rows: data.tableRows, columns: data.tableColumns });
  if (!options.data && !options.sql && existsSync(`${outDir}/synthetic_cohort.parquet`)) inputs.push({ path: 'synthetic_cohort.parquet', sha256: await sha256File(`${outDir}/synthetic_cohort.parquet`), rows: data.tableRows, columns: data.tableColumns });
  if (options.truth) inputs.push({ path: options.truth, sha256: await sha256File(options.truth) });
  if (options.knownEdges) inputs.push({ path: options.knownEdges, sha256: await sha256File(options.knownEdges) });
  if (options.knownEdgesMap) inputs.push({ path: options.knownEdgesMap, sha256: await sha256File(options.knownEdgesMap) });
  if (options.model) for (let r = 1; r <= options.replicates; r++) inputs.push({ path: replicateModelFile(options.model, r), sha256: await sha256File(replicateModelFile(options.model, r)) });
  return inputs;
}

interface FinishInputs {
  be: Backend;
  data: StudyData;
  instances: InstanceRecord[];
  edges: { truth: EdgeList | null; known: EdgeList | null };
  training: TrainingRow[];
  clock: Clock;
  /** Extra timings for the manifest (epoch seconds, merge). */
  extraTimings: Record<string, unknown>;
  used: Record<string, unknown>;
  /** The replicates' agreement (--replicates > 1). */
  replicates?: ReplicateAgreement | null;
}

/** Embedding, baselines, finalize and every file of a finished run (the one-command study and --stage merge). */
async function finishRun(options: ProteomicsOptions, io: StudyIO, outDir: string, f: FinishInputs): Promise<ProteomicsResult> {
  const { data, instances, clock } = f;
  const result = await analysisPhase(f.be, data, instances, f.edges, f.training, options, io, f.replicates ?? null);
  clock.lap('baselines');
  io.progress.start('writing tables', result.tables.size + 1);
  const files = await writeRunTables(outDir, result.tables, 'proteomics', { onFile: (name) => io.progress.tick(1, name) });
  files.push(...(await writeInstanceFiles(outDir, data, instances, { symmetric: true, directed: options.shard !== null })));
  io.progress.done(`${files.length} files`);
  const { timings } = clock;
  timings.total = clock.total();
  const timingMetrics = Object.fromEntries(Object.entries(timings).map(([k, v]) => [`timing_s.${k}`, v]));
  const nested = await writeMetrics(outDir, { ...result.metrics, ...timingMetrics });
  await writeJsonAtomic(`${outDir}/config.json`, resolvedConfig(options));
  await writeJsonAtomic(
    `${outDir}/manifest.json`,
    await runManifest({
      study: 'proteomics',
      outDir,
      inputs: await manifestInputs(options, data, outDir),
      seed: options.seed,
      backend: f.be.name,
      backendBuild: f.be.build,
      threads: f.be.threads,
      timings: { ...timings, ...f.extraTimings },
      used: f.used,
      files: ['model.relevance', 'model.onnx', ...files, 'metrics.json', 'config.json'],
    }),
  );
  io.progress.start('report');
  const reportPath = await writeStudyReport(io, outDir, 'proteomics');
  io.progress.done(reportPath ? 'report.html, self-contained' : 'no report writer registered');
  return { outDir, metrics: nested, reportPath };
}

/** The one-command study, written into `outDir` (a temporary folder that inRunFolder moves onto --out). */
async function writeProteomicsRun(options: ProteomicsOptions, io: StudyIO, outDir: string): Promise<ProteomicsResult> {
  return inStage(options, io, outDir, true, async ({ clock, data, edges, be }) => {
    const k = options.replicates;
    const trained = await trainAndSave(options, io, be, data, outDir);
    try {
      clock.lap('train');
      const rows = shardRows(data.test, options.shard);
      const instances = await relevancePhase(trained.model, be, data, options, rows, io.progress, replicateLabel('instance networks', 1, k));
      clock.lap('relevance');
      const replicateTrain: number[] = [];
      const replicates = await replicatePhase(be, data, options, rows, instances, io, replicateTrain);
      lapReplicates(clock, replicates !== null, replicateTrain);
      const used = { proteins: data.proteins, dropped: data.dropped, rows: data.rows, train: data.train.length, test: data.test.length, instances: instances.length };
      return await finishRun(options, io, outDir, { be, data, instances, edges, training: trained.training, clock, extraTimings: { epochs_s: trained.epochSeconds.map((s) => Number(s.toFixed(3))) }, used, replicates });
    } finally {
      trained.model.dispose();
    }
  });
}

/** The config, manifest and summary of a stage run (train, networks). */
async function writeStageFiles(options: ProteomicsOptions, outDir: string, data: StudyData, be: Backend, clock: Clock, files: string[], used: Record<string, unknown>): Promise<void> {
  await writeJsonAtomic(`${outDir}/config.json`, resolvedConfig(options));
  clock.timings.total = clock.total();
  await writeJsonAtomic(`${outDir}/manifest.json`, await runManifest({ study: 'proteomics', outDir, inputs: await manifestInputs(options, data, outDir), seed: options.seed, backend: be.name, backendBuild: be.build, threads: be.threads, timings: clock.timings, used, files: [...files, 'config.json'] }));
}

/** --stage train: the model once (each of --replicates k), for any number of network shards. */
async function writeTrainRun(options: ProteomicsOptions, io: StudyIO, outDir: string): Promise<ProteomicsResult> {
  return inStage(options, io, outDir, false, async ({ clock, data, be }) => {
    const files: string[] = [];
    for (let r = 1; r <= options.replicates; r++) {
      const trained = await trainAndSave(options, io, be, data, outDir, r);
      trained.model.dispose();
      files.push(...trained.files);
    }
    clock.lap('train');
    await writeStageFiles(options, outDir, data, be, clock, files, { proteins: data.proteins, train: data.train.length, test: data.test.length, ...(options.replicates > 1 ? { replicates: options.replicates } : {}) });
    io.log(`next: --stage networks --model ${join(options.out, 'model.relevance')}${options.replicates > 1 ? ` --replicates ${options.replicates}` : ''} --shard i/n (or --shard auto in a Slurm array / Kubernetes Indexed Job)`);
    return { outDir, metrics: {}, reportPath: null };
  });
}

/** Replicate r's model file of --model; refuses a missing one, saying where --stage train writes it. */
function replicateModel(options: ProteomicsOptions, replicate: number): string {
  const path = replicateModelFile(options.model!, replicate);
  if (replicate > 1 && !existsSync(path)) throw new DataError(`--model ${options.model}: ${path} is missing; --stage train --replicates ${options.replicates} writes replicate ${replicate}'s model there, beside model.relevance`);
  return path;
}

/**
 * Load --model (replicate r's file, for --replicates) and check that the data is what it was trained on
 * and that it was trained with this --replicates; says every difference by name.
 */
async function loadCheckedModel(options: ProteomicsOptions, be: Backend, data: StudyData, replicate = 1): Promise<{ model: Model; training: TrainingRow[] }> {
  const path = replicateModel(options, replicate);
  const { model, metadata } = await loadModelFile(be, path);
  const stored = metadata.fingerprint as DataFingerprint | undefined;
  if (metadata.study !== 'proteomics' || !stored || !Array.isArray(metadata.training)) {
    model.dispose();
    throw new DataError(`--model ${path}: not a model written by 'study proteomics --stage train' (no data fingerprint in its metadata)`);
  }
  const trainedWith = typeof metadata.replicates === 'number' ? metadata.replicates : 1;
  if (trainedWith !== options.replicates) {
    model.dispose();
    throw new DataError(`--model ${path}: was trained with --replicates ${trainedWith}, this run has --replicates ${options.replicates}; give every stage the same --replicates`);
  }
  if (trainedWith > 1 && metadata.replicate !== replicate) {
    model.dispose();
    throw new DataError(`--model ${options.model}: ${path} holds replicate ${metadata.replicate} of ${trainedWith}, not replicate ${replicate}; give the --stage train folder's model files under the names it wrote (model.relevance, model.replicate-2.relevance, ...)`);
  }
  const differences = fingerprintDifferences(stored, await dataFingerprint(data, options));
  if (differences.length) {
    model.dispose();
    throw new DataError(`--model ${path}: the data of this run is not what the model was trained on:\n  ${differences.join('\n  ')}\ngive the same data options as --stage train`);
  }
  return { model, training: metadata.training as TrainingRow[] };
}

/**
 * --stage networks: instance networks of one shard against a trained model; with --replicates k, each
 * replicate's (replicate 1's in the folder, replicate r's in replicate-<r>/), for the merge to average.
 */
async function writeNetworksRun(options: ProteomicsOptions, io: StudyIO, outDir: string): Promise<ProteomicsResult> {
  return inStage(options, io, outDir, false, async ({ clock, data, be }) => {
    const rows = shardRows(data.test, options.shard), k = options.replicates, files: string[] = [];
    for (let r = 1; r <= k; r++) {
      const { model } = await loadCheckedModel(options, be, data, r);
      try {
        const instances = await relevancePhase(model, be, data, replicateOptions(options, r), rows, io.progress, replicateLabel('instance networks', r, k));
        const sub = replicateSubfolder(r);
        if (sub) await mkdir(join(outDir, sub));
        files.push(...(await writeInstanceFiles(join(outDir, sub), data, instances, { symmetric: false, directed: true })).map((f) => (sub ? `${sub}/${f}` : f)));
      } finally {
        model.dispose();
      }
    }
    clock.lap('relevance');
    await writeStageFiles(options, outDir, data, be, clock, files, { proteins: data.proteins, instances: rows.length, shard: options.shard ? `${options.shard.index}/${options.shard.count}` : '0/1', ...(k > 1 ? { replicates: k } : {}) });
    return { outDir, metrics: {}, reportPath: null };
  });
}

/** --shards as given, with a folder that holds shard folders (and no networks itself) replaced by those, in name order. */
async function shardFolders(given: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const dir of given) {
    if (existsSync(join(dir, 'instance_networks.json'))) {
      out.push(dir);
      continue;
    }
    const inner = (await readdir(dir).catch(() => [] as string[])).filter((e) => existsSync(join(dir, e, 'instance_networks.json'))).sort();
    if (!inner.length) throw new DataError(`--shards ${dir}: holds no instance networks (instance_networks.json) and no folders that do; give the --out folders of --stage networks`);
    out.push(...inner.map((e) => join(dir, e)));
  }
  return out;
}

/** Settings of a networks run that must agree with the merge (the model, the masks, the rule). */
function networkSettings(config: Record<string, any>): string {
  return stableStringify({ relevance: config.relevance, seed: config.seed }, 0);
}

/**
 * The shard folders of --shards, checked against this merge: computed with --model (every replicate's file,
 * by SHA-256) and the same relevance settings.
 */
async function checkedShards(options: ProteomicsOptions): Promise<string[]> {
  const dirs = await shardFolders(options.shards!);
  const models = await Promise.all(Array.from({ length: options.replicates }, (_, r) => replicateModel(options, r + 1)).map(async (path) => ({ path, sha: await sha256File(path) })));
  const mine = networkSettings(resolvedConfig(options));
  for (const dir of dirs) {
    const manifest = JSON.parse(await readFileText(join(dir, 'manifest.json')));
    const config = JSON.parse(await readFileText(join(dir, 'config.json')));
    if (networkSettings(config) !== mine) throw new DataError(`--shards ${dir}: was computed with other relevance settings (${networkSettings(config)}) than this merge (${mine}); give the same --masks, --mask-groups, --rule, --gamma, --epsilon, --replicates and --seed`);
    models.forEach(({ path, sha }, r) => {
      const used = replicateModelFile(config.model, r + 1);
      const input = (manifest.inputs as ManifestInput[]).find((i) => i.path === used);
      if (input?.sha256 !== sha) throw new DataError(`--shards ${dir}: was computed with another model (${used}, sha256 ${input?.sha256 ?? 'unknown'}) than --model gives (${path}, sha256 ${sha})`);
    });
  }
  return dirs;
}

/**
 * Replicate r's instance networks (1 without --replicates) from every shard, in test-row order; checks that
 * the shards cover the test rows once. One replicate at a time, so the merge holds at most two.
 */
async function readShards(options: ProteomicsOptions, io: StudyIO, data: StudyData, dirs: readonly string[], replicate: number): Promise<InstanceRecord[]> {
  const k = options.replicates, which = k > 1 ? ` (replicate ${replicate} of ${k})` : '';
  const byRow = new Map<number, InstanceRecord>();
  io.progress.start(`reading shards${which}`, dirs.length);
  for (const dir of dirs) {
    const folder = join(dir, replicateSubfolder(replicate));
    if (!existsSync(join(folder, INDEX_FILE))) throw new DataError(`--shards ${dir}: has no replicate-${replicate}/ with its networks (this merge has --replicates ${k}); the shard is incomplete: rerun --stage networks --replicates ${k} for it`);
    for (const record of await readShardInstances(folder, data)) {
      if (byRow.has(record.row)) throw new DataError(`--shards ${dir}: patient '${data.ids[record.row]}' is also in another shard; give each shard once`);
      byRow.set(record.row, record);
    }
    io.progress.tick(1);
  }
  io.progress.done(`${byRow.size} instance networks from ${dirs.length} shards`);
  const missing = data.test.filter((r) => !byRow.has(r));
  if (missing.length) throw new DataError(`--shards${which}: hold ${byRow.size} of the ${data.test.length} test patients; missing ${missing.length}, e.g. ${missing.slice(0, 5).map((r) => data.ids[r]).join(', ')}; is a shard missing?`);
  return data.test.map((r) => byRow.get(r)!);
}

async function readFileText(path: string): Promise<string> {
  return readFile(path, 'utf8').catch(() => {
    throw new DataError(`${path}: missing; the shard folder is incomplete`);
  });
}

/** --stage merge: the shards' networks, finalised exactly as the one-command study finalises its own. */
async function writeMergedRun(options: ProteomicsOptions, io: StudyIO, outDir: string): Promise<ProteomicsResult> {
  return inStage(options, io, outDir, true, async ({ clock, data, edges, be }) => {
    const { model, training } = await loadCheckedModel(options, be, data);
    model.dispose();
    const dirs = await checkedShards(options);
    const instances = await readShards(options, io, data, dirs, 1);
    const replicates = options.replicates > 1 ? await addReplicates(instances, data, options, (_o, r) => readShards(options, io, data, dirs, r)) : null;
    clock.lap('merge');
    await copyFile(options.model!, join(outDir, 'model.relevance'));
    const onnx = join(dirname(options.model!), 'model.onnx');
    if (!existsSync(onnx) || !(await stat(onnx)).isFile()) throw new DataError(`--model ${options.model}: no model.onnx beside it; give the model.relevance inside the --stage train folder`);
    await copyFile(onnx, join(outDir, 'model.onnx'));
    const used = { proteins: data.proteins, dropped: data.dropped, rows: data.rows, train: data.train.length, test: data.test.length, instances: instances.length, shards: options.shards };
    return await finishRun(options, io, outDir, { be, data, instances, edges, training, clock, extraTimings: {}, used, replicates });
  });
}
