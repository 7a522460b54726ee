/**
 * Evaluation, the metrics step of finalize: the cohort, class, instance and
 * baseline networks against the truth (AUROC, AUPR, BEELINE's ratios, the
 * directed scores), top-k enrichment of known edges, prediction quality and
 * the data summary. Every function adds flat dotted keys to `metrics`.
 */
import { stats } from '@relevance/methods';
import type { StudyData } from './data.js';
import type { EdgeList } from './edge-files.js';
import { rankingQuality, topKEnrichment } from './evaluation.js';
import { LionessPearson, pairCount } from './networks.js';
import { rowsMatrix } from './baselines.js';
import { directedFromPairs, type Aggregation, type InstanceRecord } from './aggregation.js';

export type Metrics = Record<string, unknown>;

/** The baselines of a run: cohort scores (pairs and p x p matrix) and, per class, pair scores. */
export interface RunBaselines {
  names: string[];
  cohort: Map<string, { pairs: Float32Array; matrix: ArrayLike<number>; seconds: number }>;
  perClass: Map<string, Map<string, Float32Array>>;
}

export function labelsFor(keys: ReadonlySet<string>, p: number): Uint8Array {
  const out = new Uint8Array(pairCount(p));
  let k = 0;
  for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) out[k++] = keys.has(`${a}|${b}`) ? 1 : 0;
  return out;
}

export function directedLabelsFor(keys: ReadonlySet<string>, p: number): Uint8Array {
  const out = new Uint8Array(p * (p - 1));
  let k = 0;
  for (let t = 0; t < p; t++) for (let s = 0; s < p; s++) if (s !== t) out[k++] = keys.has(`${s}>${t}`) ? 1 : 0;
  return out;
}

/** Directed scores (row = target, column = source, diagonal left out) from a p x p matrix [target * p + source]. */
function directedScores(matrix: ArrayLike<number>, p: number): Float32Array {
  const out = new Float32Array(p * (p - 1));
  let k = 0;
  for (let t = 0; t < p; t++) for (let s = 0; s < p; s++) if (s !== t) out[k++] = Math.abs(matrix[t * p + s]!);
  return out;
}

export function round(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(10)) : x;
}

/** BEELINE's ratios (AUPR and early precision over the density of true edges) and the directed AUROC/AUPR, as metrics under `prefix`. */
function scoreMetrics(prefix: string, pairs: ArrayLike<number>, pairLabels: Uint8Array, directed: ArrayLike<number>, directedLabels: Uint8Array): Metrics {
  const out: Record<string, number> = {};
  const positives = pairLabels.reduce((a, b) => a + b, 0);
  if (positives > 0 && positives < pairLabels.length) {
    const density = positives / pairLabels.length;
    out[`${prefix}.aupr_ratio`] = round(stats.aupr(pairs, pairLabels) / density);
    out[`${prefix}.epr`] = round(stats.earlyPrecision(pairs, pairLabels, positives) / density);
  }
  const dPositives = directedLabels.reduce((a, b) => a + b, 0);
  if (dPositives > 0 && dPositives < directedLabels.length) {
    out[`${prefix}.auroc_directed`] = round(stats.auroc(directed, directedLabels));
    out[`${prefix}.aupr_directed`] = round(stats.aupr(directed, directedLabels));
  }
  return out;
}

/** The labels the truth gives: the union, the union as evaluated (directed or not), and per class. */
interface TruthLabels {
  union: Uint8Array;
  undirected: Uint8Array;
  directed: Uint8Array;
  ofClass(c: string): Uint8Array;
}

function truthLabels(truth: EdgeList, p: number, directed: boolean): TruthLabels {
  const union = directed ? directedLabelsFor(truth.directed, p) : labelsFor(truth.undirected, p);
  return {
    union,
    undirected: labelsFor(truth.undirected, p),
    directed: directedLabelsFor(truth.directed, p),
    ofClass(c) {
      const sets = truth.byClass.get(c);
      if (!sets) return union;
      return directed ? directedLabelsFor(sets.directed, p) : labelsFor(sets.undirected, p);
    },
  };
}

/** Cohort (with the plain mean and median) and class networks against the truth. */
function networkTruthMetrics(agg: Aggregation, classNames: readonly string[], labels: TruthLabels, directed: boolean, metrics: Metrics): void {
  const { p, cohort } = agg;
  const lrpCohort = directed ? agg.directedScore : cohort.score;
  metrics['network.cohort.auroc'] = round(stats.auroc(lrpCohort, labels.union));
  metrics['network.cohort.aupr'] = round(stats.aupr(lrpCohort, labels.union));
  Object.assign(metrics, scoreMetrics('network.cohort', cohort.score, labels.undirected, agg.directedScore, labels.directed));
  // the plain mean (Keyl et al.'s "average network") and the median, without the indirect-path correction
  if (!directed) {
    metrics['network.cohort_mean.auroc'] = round(stats.auroc(cohort.mean, labels.union));
    metrics['network.cohort_mean.aupr'] = round(stats.aupr(cohort.mean, labels.union));
    metrics['network.cohort_median.auroc'] = round(stats.auroc(cohort.median, labels.union));
    metrics['network.cohort_median.aupr'] = round(stats.aupr(cohort.median, labels.union));
  }
  for (const c of classNames) {
    const network = agg.perClass.get(c)!;
    const q = rankingQuality(directed ? network.directed : network.score, labels.ofClass(c));
    metrics[`network.per_class.${c}.auroc`] = round(q.auroc);
    metrics[`network.per_class.${c}.aupr`] = round(q.aupr);
  }
}

/** |R(source -> target)| of one instance, diagonal left out. */
function directedInstanceScores(directed: Float32Array, p: number): Float32Array {
  return Float32Array.from({ length: p * (p - 1) }, (_, k) => {
    const t = Math.floor(k / (p - 1));
    const sIdx = k % (p - 1);
    const s = sIdx >= t ? sIdx + 1 : sIdx;
    return Math.abs(directed[t * p + s]!);
  });
}

/** Per-instance AUROC of our networks and of LIONESS-Pearson; returns our AUROC per instance record (NaN without a truth). */
function instanceTruthMetrics(data: StudyData, instances: readonly InstanceRecord[], agg: Aggregation, labels: TruthLabels, directed: boolean, metrics: Metrics): Float64Array {
  const { p, P } = agg;
  const instanceAuroc = new Float64Array(instances.length).fill(NaN);
  const lioness = new LionessPearson(rowsMatrix(data, data.train).values, data.train.length, p);
  const lionessAuroc: number[] = [];
  instances.forEach((inst, i) => {
    const label = agg.labelOf(i);
    const y = label !== null ? labels.ofClass(label) : labels.union;
    const scores = directed ? directedInstanceScores(inst.directed, p) : agg.networks.subarray(i * P, (i + 1) * P);
    instanceAuroc[i] = stats.auroc(scores, y);
    const lio = lioness.instance(Float64Array.from(data.values.subarray(inst.row * p, (inst.row + 1) * p)));
    lionessAuroc.push(stats.auroc(directed ? directedFromPairs(lio, p) : lio, y));
  });
  const valid = Array.from(instanceAuroc).filter((v, i) => agg.included[i] && !Number.isNaN(v));
  metrics['network.per_instance.auroc_mean'] = round(stats.mean(valid));
  metrics['network.per_instance.auroc_median'] = round(stats.median(valid));
  metrics['network.per_instance.instances'] = valid.length;
  const lio = lionessAuroc.filter((v) => !Number.isNaN(v));
  metrics['baselines.lioness_pearson.per_instance.auroc_mean'] = round(stats.mean(lio));
  metrics['baselines.lioness_pearson.per_instance.auroc_median'] = round(stats.median(lio));
  return instanceAuroc;
}

function baselineTruthMetrics(baselines: RunBaselines, p: number, labels: TruthLabels, directed: boolean, metrics: Metrics): void {
  for (const b of baselines.names) {
    const run = baselines.cohort.get(b)!;
    const scores = directed ? directedScores(run.matrix, p) : run.pairs;
    metrics[`baselines.${b}.auroc`] = round(stats.auroc(scores, labels.union));
    metrics[`baselines.${b}.aupr`] = round(stats.aupr(scores, labels.union));
    Object.assign(metrics, scoreMetrics(`baselines.${b}`, run.pairs, labels.undirected, directedScores(run.matrix, p), labels.directed));
    for (const [c, cb] of baselines.perClass) {
      const pairScores = cb.get(b);
      if (!pairScores) continue;
      const s = directed ? directedFromPairs(pairScores, p) : pairScores;
      metrics[`baselines.${b}.per_class.${c}.auroc`] = round(stats.auroc(s, labels.ofClass(c)));
    }
  }
}

/** Everything measured against the truth; returns the per-instance AUROC (NaN per record without a truth). */
export function truthMetrics(data: StudyData, instances: readonly InstanceRecord[], agg: Aggregation, baselines: RunBaselines, truth: EdgeList | null, directed: boolean, metrics: Metrics): Float64Array {
  if (!truth) return new Float64Array(instances.length).fill(NaN);
  const labels = truthLabels(truth, agg.p, directed);
  networkTruthMetrics(agg, data.classNames, labels, directed, metrics);
  const instanceAuroc = instanceTruthMetrics(data, instances, agg, labels, directed, metrics);
  baselineTruthMetrics(baselines, agg.p, labels, directed, metrics);
  return instanceAuroc;
}

/** Known edges (prior knowledge): top-k enrichment and AUROC of our network and every baseline. */
export function knownEdgeMetrics(known: EdgeList | null, agg: Aggregation, baselines: RunBaselines, topK: readonly number[], metrics: Metrics): void {
  if (!known) return;
  const labels = labelsFor(known.undirected, agg.p);
  const methods: Array<[string, Float32Array]> = [['lrp', agg.cohort.score], ...baselines.names.map((b) => [b, baselines.cohort.get(b)!.pairs] as [string, Float32Array])];
  for (const [m, scores] of methods) {
    for (const k of topK) {
      const e = topKEnrichment(scores, labels, k);
      metrics[`known_edges.${m}.top_${k}.k`] = e.k;
      metrics[`known_edges.${m}.top_${k}.hits`] = e.hits;
      metrics[`known_edges.${m}.top_${k}.expected`] = round(e.expected);
      metrics[`known_edges.${m}.top_${k}.p_value`] = round(e.p_value);
    }
    metrics[`known_edges.${m}.auroc`] = round(stats.auroc(scores, labels));
  }
  metrics['known_edges.pairs_in_data'] = known.undirected.size;
}

/** Prediction quality of the masked predictor and the data summary. */
export function predictionAndDataMetrics(data: StudyData, instances: readonly InstanceRecord[], agg: Aggregation, metrics: Metrics): void {
  const mse = instances.map((i) => i.mseHidden).filter((v) => !Number.isNaN(v));
  const corr = instances.map((i) => i.predictionCorrelation).filter((v) => !Number.isNaN(v));
  metrics['prediction.test_mse_hidden'] = round(stats.mean(mse));
  metrics['prediction.median_instance_correlation'] = round(stats.median(corr));
  metrics['data.rows'] = data.rows;
  metrics['data.proteins'] = agg.p;
  metrics['data.classes'] = data.classNames.length;
  metrics['data.train'] = data.train.length;
  metrics['data.test'] = data.test.length;
  metrics['data.instances'] = instances.length;
  metrics['data.instances_aggregated'] = agg.includedRows.length;
  metrics['data.dropped_columns'] = [...data.dropped.map((d) => ({ column: d.protein, reason: d.reason })), ...data.skipped];
}
