/**
 * Aggregation, the first step of finalize: the undirected instance networks
 * (one matrix, instances x pairs), which instances enter the class and cohort
 * networks (--min-instance-correlation), the cohort and class networks
 * (targetNormalizedNetwork: per-target normalised mean and median of the
 * instances' directed relevance, weighted by the partial correlation of the
 * scope's training rows; quartiles of the undirected networks beside them),
 * the directed cohort score and
 * the Kruskal-Wallis class differences.
 *
 * With classes, the cohort score of a pair is the largest of its class scores
 * (over classes with at least MIN_CLASS_INSTANCES included instances): an edge
 * that acts in one class only is diluted in a network pooled over all
 * patients, and the median of a pooled network misses it entirely. With fewer
 * than two such classes the cohort score is the pooled network's.
 */
import type { StudyData } from './data.js';
import { classDifferences } from './evaluation.js';
import { partialCorrelationPairs } from './baselines.js';
import { aggregate, pairCount, symmetrize, targetNormalizedNetwork, type AggregateNetwork } from './networks.js';

export interface InstanceRecord {
  /** Row index into the study data. */
  row: number;
  /** Directed p x p relevance [target * p + source]. */
  directed: Float32Array;
  mseHidden: number;
  predictionCorrelation: number;
}

export type ScoredNetwork = AggregateNetwork & { score: Float32Array; directed: Float32Array; partial: Float32Array | null };

export interface Aggregation {
  p: number;
  /** Unordered pairs, p (p - 1) / 2. */
  P: number;
  /** Undirected instance networks, row-major [instance, pair]. */
  networks: Float32Array;
  /** Per instance record: whether it enters the class and cohort networks. */
  included: boolean[];
  /** Indices of the included instance records. */
  includedRows: number[];
  /** Class label of instance record i (null without classes). */
  labelOf(i: number): string | null;
  cohort: ScoredNetwork;
  perClass: Map<string, ScoredNetwork>;
  /** Directed cohort score (row = target, column = source, diagonal left out). */
  directedScore: Float32Array;
  differences: ReturnType<typeof classDifferences> | null;
}

/** Classes with fewer included test instances than this do not enter the cohort score (their networks are too noisy to take a maximum over). */
export const MIN_CLASS_INSTANCES = 20;

export type PairAndDirected = { pairs: Float32Array; directed: Float32Array };

/** The elementwise maximum of networks' pair and directed scores. */
function strongestOf(nets: readonly PairAndDirected[]): PairAndDirected {
  const max = (pick: (n: PairAndDirected) => Float32Array): Float32Array => {
    const out = Float32Array.from(pick(nets[0]!));
    for (const n of nets.slice(1)) pick(n).forEach((v, i) => { if (v > out[i]!) out[i] = v; });
    return out;
  };
  return { pairs: max((n) => n.pairs), directed: max((n) => n.directed) };
}

/** The classes whose instances (of `rows`) enter the cohort score, with those instances; [] when fewer than two qualify. */
function qualifyingClasses(rows: readonly number[], classOf: (i: number) => string | null): Array<[string, number[]]> {
  const groups = new Map<string, number[]>();
  for (const i of rows) {
    const c = classOf(i);
    if (c === null) continue;
    if (!groups.has(c)) groups.set(c, []);
    groups.get(c)!.push(i);
  }
  const big = [...groups].filter(([, r]) => r.length >= MIN_CLASS_INSTANCES);
  return big.length >= 2 ? big : [];
}

/**
 * The cohort network of a set of instances (the study's, and each resample of
 * the trust panel): per pair the strongest of the class networks of the
 * qualifying classes, or the network pooled over all of them.
 */
export function cohortNetwork(
  directedOf: (i: number) => ArrayLike<number>,
  rows: readonly number[],
  p: number,
  classOf: (i: number) => string | null,
  partial: { cohort: Float32Array | null; byClass: ReadonlyMap<string, Float32Array | null> },
  /** The class networks when the caller has them already (of the same rows in the same order); computed otherwise. */
  known?: { pooled?: PairAndDirected; byClass?: ReadonlyMap<string, PairAndDirected> },
): PairAndDirected {
  const classes = qualifyingClasses(rows, classOf);
  if (!classes.length) return known?.pooled ?? targetNormalizedNetwork(directedOf, rows, p, partial.cohort);
  return strongestOf(classes.map(([c, r]) => known?.byClass?.get(c) ?? targetNormalizedNetwork(directedOf, r, p, partial.byClass.get(c) ?? null)));
}

/** Directed scores (row = target, column = source, diagonal left out) from undirected pair scores. */
export function directedFromPairs(pairs: Float32Array, p: number): Float32Array {
  const out = new Float32Array(p * (p - 1));
  let k = 0;
  for (let t = 0; t < p; t++) for (let s = 0; s < p; s++) {
    if (s === t) continue;
    const a = Math.min(s, t), b = Math.max(s, t);
    out[k++] = pairs[a * p - (a * (a + 1)) / 2 + (b - a - 1)]!;
  }
  return out;
}

/** Aggregate the instance records of a run (the unsharded study and merge both come here). */
export function aggregateInstances(data: StudyData, instances: readonly InstanceRecord[], minInstanceCorrelation: number | null): Aggregation {
  const p = data.proteins.length;
  const P = pairCount(p);
  const networks = new Float32Array(instances.length * P);
  instances.forEach((inst, i) => symmetrize(inst.directed, p, networks.subarray(i * P, (i + 1) * P)));
  const { included, includedRows, labelOf } = selectInstances(data, instances, minInstanceCorrelation);
  const classRows = data.classNames.map((c) => includedRows.filter((i) => labelOf(i) === c));
  const scored = (rows: readonly number[], trainRows: readonly number[]): ScoredNetwork => {
    const agg = aggregate(networks, P, rows);
    const partial = partialCorrelationPairs(data, trainRows);
    const network = targetNormalizedNetwork((i) => instances[i]!.directed, rows, p, partial);
    return { ...agg, partial, score: network.pairs, directed: network.directed };
  };
  const pooled = scored(includedRows, data.train);
  const perClass = new Map<string, ScoredNetwork>();
  data.classNames.forEach((c, k) => perClass.set(c, scored(classRows[k]!, data.train.filter((r) => data.labels![r] === c))));
  // the class networks above are of the same rows (the included ones of each class, in order): reuse them
  const asNetwork = (n: ScoredNetwork): PairAndDirected => ({ pairs: n.score, directed: n.directed });
  const network = cohortNetwork((i) => instances[i]!.directed, includedRows, p, labelOf, { cohort: pooled.partial, byClass: new Map([...perClass].map(([c, n]) => [c, n.partial])) }, {
    pooled: asNetwork(pooled),
    byClass: new Map([...perClass].map(([c, n]) => [c, asNetwork(n)])),
  });
  const cohort: ScoredNetwork = { ...pooled, score: network.pairs, directed: network.directed };
  const directedScore = cohort.directed;
  const differences = data.classNames.length >= 2 ? classDifferences(networks, P, classRows) : null;
  return { p, P, networks, included, includedRows, labelOf, cohort, perClass, directedScore, differences };
}

/** The instances that enter the networks (--min-instance-correlation) and each one's class. */
function selectInstances(data: StudyData, instances: readonly InstanceRecord[], minInstanceCorrelation: number | null): { included: boolean[]; includedRows: number[]; labelOf: (i: number) => string | null } {
  const included = instances.map((inst) => minInstanceCorrelation === null || inst.predictionCorrelation >= minInstanceCorrelation);
  const includedRows = instances.map((_, i) => i).filter((i) => included[i]);
  const labelOf = (i: number): string | null => (data.labels ? data.labels[instances[i]!.row]! : null);
  return { included, includedRows, labelOf };
}

/**
 * The cohort network alone, as a function of the instance records: aggregateInstances(...).cohort.score
 * (`pairs`) and .directedScore's matrix (`directed`), without the other statistics (quartiles, class
 * differences). Each replicate of --replicates is scored with it; the partial correlations, which depend
 * on the training rows only, are computed once, on the first call.
 */
export function cohortScorer(data: StudyData, minInstanceCorrelation: number | null): (instances: readonly InstanceRecord[]) => PairAndDirected {
  let partial: Parameters<typeof cohortNetwork>[4] | null = null;
  return (instances) => {
    partial ??= {
      cohort: partialCorrelationPairs(data, data.train),
      byClass: new Map(data.classNames.map((c) => [c, partialCorrelationPairs(data, data.train.filter((r) => data.labels![r] === c))] as const)),
    };
    const { includedRows, labelOf } = selectInstances(data, instances, minInstanceCorrelation);
    return cohortNetwork((i) => instances[i]!.directed, includedRows, data.proteins.length, labelOf, partial);
  };
}
