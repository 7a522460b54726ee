/**
 * The proteomics study's compute, free of file I/O: data (a file path, a
 * query or a table in memory) -> masked predictor -> instance networks ->
 * embedding, aggregation, baselines and evaluation, as in-memory tables and
 * flat metrics. The CLI (study.ts) writes them into a run folder; the browser
 * app (apps/studio) runs the same function in a Web Worker and zips them.
 */
import type { Backend } from '@relevance/core-wasm';
import type { Model } from '@relevance/methods';
import { makeTable, numberColumn, stringColumn, type Table } from '../../io/table.js';
import type { Progress } from '../../progress/progress.js';
import { stopwatch, yieldToEventLoop } from '../study-io.js';
import { BASELINE_METHODS } from './baselines.js';
import { loadStudyData, type DataOptions, type StudyData } from './data.js';
import type { EdgeList } from './edge-files.js';
import { embedInstanceNetworks } from './embedding.js';
import { finalize, type FinalizeInputs, type FinalizeResult, type InstanceRecord } from './finalize.js';
import { instanceNetwork } from './instance-networks.js';
import { classContext, modelClasses, trainMaskedModel } from './masked-model.js';
import { addReplicates, replicateLabel, type ReplicateAgreement } from './replicates.js';
import type { SyntheticCohort } from './synthetic.js';
import type { ProteomicsOptions } from './study.js';

export interface CoreIO {
  progress: Progress;
  log: (line: string) => void;
  /** Called once the data is loaded (before training): the truth and known edges (read from files by the CLI). */
  edges(data: StudyData): Promise<{ truth: EdgeList | null; known: EdgeList | null }>;
  /** Called after training, before the instance networks (the CLI saves the model files here). */
  trained?(model: Model, data: StudyData): Promise<void>;
}

export interface ProteomicsCoreResult {
  data: StudyData;
  /** The trained predictor; the caller disposes it. */
  model: Model;
  /** Tables by name (edges_cohort, ...) and flat metrics ('network.cohort.auroc': ..., timings of the phases included). */
  result: FinalizeResult;
  instances: number;
  /** The instance networks (instance_networks.npy and .json are written from them). */
  records: InstanceRecord[];
  /** The training curve (model.relevance's metadata and the training table). */
  training: FinalizeInputs['training'];
  epochSeconds: number[];
  /** Seconds per phase (load, train, relevance, baselines) and the clock for the total. */
  timings: Record<string, number>;
  total(): number;
}

/** The synthetic cohort's true edges as a table (synthetic_truth.csv). */
export function syntheticTruthTable(cohort: SyntheticCohort): Table {
  const src: string[] = [], tgt: string[] = [], cls: string[] = [];
  for (const e of cohort.edges) for (const c of e.classes) {
    src.push(e.source);
    tgt.push(e.target);
    cls.push(c);
  }
  return makeTable('synthetic_truth', [stringColumn('source', src), stringColumn('target', tgt), stringColumn('class', cls)]);
}

/** The synthetic cohort as a table (synthetic_cohort.parquet). */
export function syntheticCohortTable(cohort: SyntheticCohort): Table {
  const p = cohort.proteins.length;
  const cols = cohort.proteins.map((name, j) => numberColumn(name, Float64Array.from({ length: cohort.ids.length }, (_, r) => cohort.values[r * p + j]!)));
  return makeTable('synthetic_cohort', [stringColumn('id', cohort.ids), stringColumn('class', cohort.labels), ...cols]);
}

export function proteomicsDataOptions(options: ProteomicsOptions, source: DataOptions['source']): DataOptions {
  const { idColumn, classColumn, features, maxMissing, transform, testFraction, standardize, seed, synthetic } = options;
  return { source, idColumn, classColumn, features, maxMissing, transform, testFraction, standardize, seed, synthetic };
}

/** Load the study's data and say what was read: warnings, notes and one line of figures (the CLI and the browser app both come here). */
export async function loadProteomicsData(options: ProteomicsOptions, source: DataOptions['source'], log: (line: string) => void): Promise<StudyData> {
  const data = await loadStudyData(proteomicsDataOptions(options, source));
  for (const w of data.warnings) log(`warning: ${w}`);
  for (const n of data.notes) log(`note: ${n}`);
  const missingTotal = data.missing.reduce((a, b) => a + b, 0);
  log(`data: ${data.rows} rows, ${data.proteins.length} proteins${data.classNames.length ? `, ${data.classNames.length} classes (${data.classNames.join(', ')})` : ''}, ${missingTotal} missing values; train ${data.train.length}, test ${data.test.length}`);
  return data;
}

/** Train the masked predictor, reporting each epoch as progress (under `label`). */
export async function trainPhase(be: Backend, data: StudyData, options: ProteomicsOptions, progress: Progress, epochSeconds: number[], label = 'training') {
  progress.start(label, options.epochs);
  const trained = await trainMaskedModel(be, data, { ...options }, (e) => {
    epochSeconds.push(e.seconds);
    progress.tick(1, `loss ${e.trainLoss.toFixed(4)}${e.valLoss !== null ? ` val ${e.valLoss.toFixed(4)}` : ''}`);
  });
  const h = trained.history;
  progress.done(`best epoch ${h.bestEpoch + 1} of ${h.epochs.length}, hidden-entry validation MSE ${h.bestLoss.toFixed(4)}${h.stoppedEarly ? ' (stopped early)' : ''}`);
  return trained;
}

/** Instance networks for the test rows of this shard. */
export async function relevancePhase(model: Model, be: Backend, data: StudyData, options: ProteomicsOptions, rows: number[], progress: Progress, label = 'instance networks'): Promise<InstanceRecord[]> {
  const p = data.proteins.length;
  const classes = modelClasses(model, data);
  const instances: InstanceRecord[] = [];
  progress.start(label, rows.length);
  for (const row of rows) {
    const x = Float64Array.from(data.values.subarray(row * p, (row + 1) * p));
    const net = await instanceNetwork(model, be, x, row, options, classContext(data, classes, row));
    instances.push({ row, directed: net.directed, mseHidden: net.mseHidden, predictionCorrelation: net.predictionCorrelation });
    progress.tick(1);
    await yieldToEventLoop(); // Ctrl-C (and a browser's cancel) is handled between instances
  }
  progress.done(`${rows.length} instance networks, ${options.maskGroups * options.masks} masks each`);
  return instances;
}

/**
 * Replicates 2..k of the masked predictor (--replicates; replicates.ts): each trained and explaining `rows`
 * like the first, their relevance averaged into `instances`; null when k = 1. (Their agreement is printed
 * with the run's summary, from metrics.json.)
 */
export async function replicatePhase(be: Backend, data: StudyData, options: ProteomicsOptions, rows: number[], instances: InstanceRecord[], io: Pick<CoreIO, 'progress'>, trainSeconds: number[] = []): Promise<ReplicateAgreement | null> {
  const k = options.replicates;
  if (k <= 1) return null;
  return addReplicates(instances, data, options, async (o, r) => {
    const started = performance.now();
    const t = await trainPhase(be, data, o, io.progress, [], replicateLabel('training', r, k));
    trainSeconds.push((performance.now() - started) / 1000);
    try {
      return await relevancePhase(t.model, be, data, o, rows, io.progress, replicateLabel('instance networks', r, k));
    } finally {
      t.model.dispose();
    }
  });
}

export async function runProteomicsCore(source: DataOptions['source'], options: ProteomicsOptions, be: Backend, io: CoreIO, rowsOf: (test: number[]) => number[]): Promise<ProteomicsCoreResult> {
  const clock = stopwatch();
  const data = await loadProteomicsData(options, source, (line) => io.log(line));
  const { truth, known } = await io.edges(data);
  clock.lap('load');
  const epochSeconds: number[] = [];
  const k = options.replicates;
  const { model, history: h } = await trainPhase(be, data, options, io.progress, epochSeconds, replicateLabel('training', 1, k));
  try {
    await io.trained?.(model, data);
    clock.lap('train');
    const rows = rowsOf(data.test);
    const instances = await relevancePhase(model, be, data, options, rows, io.progress, replicateLabel('instance networks', 1, k));
    clock.lap('relevance');
    const replicateTrain: number[] = [];
    const agreement = await replicatePhase(be, data, options, rows, instances, io, replicateTrain);
    lapReplicates(clock, agreement !== null, replicateTrain);
    const training = h.epochs.map((e) => ({ epoch: e.epoch, train_loss: e.trainLoss, val_loss: e.valLoss, lr: e.lr }));
    const result = await analysisPhase(be, data, instances, { truth, known }, training, options, io, agreement);
    clock.lap('baselines');
    return { data, model, result, instances: instances.length, records: instances, training, epochSeconds, timings: clock.timings, total: clock.total };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/**
 * After the replicates' phase (`ran`: there were replicates): its lap, and `train_all`, the training of every
 * predictor (replicate 1's `train` lap and the others' training inside `replicates`; `train` with one), the
 * figure that the baselines' cost is compared with (docs/BENCHMARKS.md).
 */
export function lapReplicates(clock: ReturnType<typeof stopwatch>, ran: boolean, replicateTrain: readonly number[]): void {
  if (ran) clock.lap('replicates');
  clock.timings.train_all = Number(((clock.timings.train ?? 0) + replicateTrain.reduce((a, b) => a + b, 0)).toFixed(3));
}

/**
 * Embedding, baselines, aggregation and evaluation of finished instance networks (the one-command
 * study, --stage merge and the browser app all end here, so their tables are the same bytes).
 */
export async function analysisPhase(
  be: Backend,
  data: StudyData,
  instances: InstanceRecord[],
  edges: { truth: EdgeList | null; known: EdgeList | null },
  training: FinalizeInputs['training'],
  options: ProteomicsOptions,
  io: Pick<CoreIO, 'progress' | 'log'>,
  replicates: ReplicateAgreement | null = null,
): Promise<FinalizeResult> {
  const embedding = options.tsne ? await embedInstanceNetworks(be, instances, data.proteins.length, options.seed) : null;
  const classesWithBaselines = data.classNames.filter((c) => data.train.filter((r) => data.labels![r] === c).length > data.proteins.length + 2).length;
  const chosen = BASELINE_METHODS.filter((m) => options.baselines.includes(m.name));
  const baselineRuns = chosen.length + classesWithBaselines * chosen.filter((m) => m.perClass).length;
  const onBaselinesStart = (): void => {
    io.progress.start('baselines', baselineRuns);
    if (baselineRuns === 0) io.progress.done('none chosen');
  };
  // the baselines phase ends with its last run, so the phases after it (trust panel) show their own progress
  let baselinesDone = 0;
  const onBaseline = (name: string, scope: string, seconds: number): void => {
    io.progress.tick(1, `${name} (${scope}) ${seconds.toFixed(1)} s`);
    if (++baselinesDone === baselineRuns) io.progress.done();
  };
  const result = finalize({ data, instances, ...edges, directed: options.directed, topK: options.topK, baselines: options.baselines, instanceTopK: options.instanceTopK, minInstanceCorrelation: options.minInstanceCorrelation, training, embedding, seed: options.seed, onBaselinesStart, onBaseline, threads: options.threads ?? be.threads, progress: io.progress, replicates });
  if (chosen.length) {
    const seconds = chosen.map((m) => result.metrics[`timing_s.methods.${m.name}`] as number);
    const together = chosen.length > 1 ? `; together ${seconds.reduce((a, b) => a + b, 0).toFixed(1)} s` : '';
    io.log(`baselines (cohort): ${chosen.map((m, i) => `${m.name} ${seconds[i]!.toFixed(1)} s`).join(', ')}${together}`);
  }
  return result;
}
