/**
 * From instance networks to the run's tables and metrics, in three steps:
 * aggregation (aggregation.ts: class and cohort networks), baselines and
 * evaluation (run-metrics.ts: against the truth, known edges, prediction
 * quality), and the table builders (run-tables.ts). Both the unsharded study
 * and merge end here with the same inputs, so a merged run equals the
 * unsharded one byte for byte. A new figure of merit is one more function
 * called from `finalize` that adds metrics (and, if needed, a table
 * documented in io/run-format.ts).
 */
import { replicateMetrics, replicateRanks, type ReplicateAgreement } from './replicates.js';
import type { Table } from '../../io/table.js';
import type { StudyData } from './data.js';
import type { EdgeList } from './edge-files.js';
import { computeBaselines } from './baselines.js';
import { aggregateInstances, type InstanceRecord } from './aggregation.js';
import { knownEdgeMetrics, predictionAndDataMetrics, truthMetrics, type Metrics, type RunBaselines } from './run-metrics.js';
import { knownEdgeMatchMetrics } from './known-edge-match.js';
import { directedLabelsFor, labelsFor } from './run-metrics.js';
import { trustPanel } from './trust.js';
import type { Progress } from '../../progress/progress.js';
import { baselinesTable, curvesTable, edgesClassTable, edgesCohortTable, edgesInstanceTable, instancesTable, pairNames, proteinsTable, trainingTable } from './run-tables.js';

export type { InstanceRecord } from './aggregation.js';

export interface FinalizeInputs {
  data: StudyData;
  instances: InstanceRecord[];
  truth: EdgeList | null;
  known: EdgeList | null;
  directed: boolean;
  topK: number[];
  instanceTopK: number | null;
  minInstanceCorrelation: number | null;
  /** Training curve rows. */
  training: { epoch: number; train_loss: number; val_loss: number | null; lr: number }[];
  /** 2-D embedding of the instance networks (one [x, y] per instance record), if computed. */
  embedding: Float32Array | null;
  /** Baselines to compute (default all, BASELINE_NAMES). */
  baselines?: readonly string[];
  /** Seed of the random baselines (the run's seed). */
  seed: number;
  /** Called once the networks are aggregated, before the first baseline (progress). */
  onBaselinesStart?: () => void;
  /** Called after each baseline with its time (progress). */
  onBaseline?: (name: string, scope: string, seconds: number) => void;
  /** Threads for the baselines (default 1; the same bytes for any count). */
  threads?: number;
  /** Progress of the phases after the baselines (the trust panel). */
  progress?: Progress;
  /** The replicates' agreement (--replicates > 1); null or absent: one predictor. */
  replicates?: ReplicateAgreement | null;
}

export interface FinalizeResult {
  metrics: Record<string, unknown>;
  tables: Map<string, Table>;
}

/** The baselines on the training split: the cohort, and each class with more training rows than proteins + 2. */
export function runBaselines(inputs: FinalizeInputs, metrics: Metrics): RunBaselines {
  const { data } = inputs;
  const p = data.proteins.length;
  const cohort = computeBaselines(data, data.train, inputs.seed, { methods: inputs.baselines, threads: inputs.threads, onMethod: (name, s) => inputs.onBaseline?.(name, 'cohort', s) });
  for (const [name, b] of cohort) metrics[`timing_s.methods.${name}`] = Number(b.seconds.toFixed(3));
  const perClass = new Map<string, Map<string, Float32Array>>();
  for (const c of data.classNames) {
    const rows = data.train.filter((r) => data.labels![r] === c);
    if (rows.length <= p + 2) continue;
    const runs = computeBaselines(data, rows, inputs.seed, { methods: inputs.baselines, perClassOnly: true, threads: inputs.threads, onMethod: (name, s) => inputs.onBaseline?.(name, c, s) });
    perClass.set(c, new Map([...runs].map(([name, b]) => [name, b.pairs])));
  }
  return { names: [...cohort.keys()], cohort, perClass };
}

export function finalize(inputs: FinalizeInputs): FinalizeResult {
  const { data, instances, truth, known } = inputs;
  const metrics: Metrics = {};
  inputs.progress?.start('aggregating networks');
  const agg = aggregateInstances(data, instances, inputs.minInstanceCorrelation);
  inputs.progress?.done(`${instances.length} instances`);
  inputs.onBaselinesStart?.();
  const baselines = runBaselines(inputs, metrics);
  const instanceAuroc = truthMetrics(data, instances, agg, baselines, truth, inputs.directed, metrics);
  knownEdgeMetrics(known, agg, baselines, inputs.topK, metrics);
  predictionAndDataMetrics(data, instances, agg, metrics);

  const pairs = pairNames(data.proteins);
  const tables = new Map<string, Table>([
    ['edges_cohort', edgesCohortTable(agg, pairs, truth, known, replicateRanks(inputs.replicates?.cohort?.map((c) => c.pairs) ?? [agg.cohort.score]))],
    ['edges_class', edgesClassTable(agg, pairs, data.classNames)],
    ['edges_instance', edgesInstanceTable(data, instances, agg, pairs, inputs.instanceTopK)],
    ['baselines', baselinesTable(baselines, pairs)],
    ['instances', instancesTable(data, instances, agg, instanceAuroc, inputs.embedding)],
    ['training', trainingTable(inputs.training)],
    ['curves', curvesTable(agg, baselines, data.classNames, truth, known)],
    ['proteins', proteinsTable(data)],
  ]);
  if (known) Object.assign(metrics, knownEdgeMatchMetrics(known.match));
  const p = data.proteins.length;
  const trust = trustPanel({
    data, networks: agg.networks, pairs: agg.P, directedOf: (i) => instances[i]!.directed, instanceRows: instances.map((i) => i.row), included: agg.includedRows,
    partial: { cohort: agg.cohort.partial, byClass: new Map([...agg.perClass].map(([c, s]) => [c, s.partial])) },
    baselines: new Map([...baselines.cohort].map(([name, b]) => [name, b.pairs])), classBaselines: baselines.perClass,
    truth: truth ? { union: labelsFor(truth.undirected, p), byClass: (c) => labelsFor((truth.byClass.get(c) ?? truth).undirected, p) } : null,
    known: known ? labelsFor(known.undirected, p) : null, seed: inputs.seed, progress: inputs.progress,
  });
  if (trust) (Object.assign(metrics, trust.metrics), tables.set('trust', trust.table));
  const replicateTruth = truth ? { labels: inputs.directed ? directedLabelsFor(truth.directed, p) : labelsFor(truth.undirected, p), directed: inputs.directed } : null;
  Object.assign(metrics, replicateMetrics(inputs.replicates ?? null, inputs.seed, replicateTruth));
  return { metrics, tables };
}
