/**
 * The baselines of the proteomics study: the field's network-inference methods,
 * computed on the training rows in the same run (cohort, and per class where
 * cheap), so a run can say where they beat the masked predictor's network.
 *
 * Each method gives a p x p score matrix [target * p + source]. Undirected
 * pair scores are |score| for symmetric methods and the larger of the two
 * directions for directed ones (BEELINE's convention). Adding a baseline is
 * one entry in BASELINE_METHODS.
 */
import { stats } from '@relevance/methods';
import type { StudyData } from './data.js';
import { pairCount } from './networks.js';

export interface BaselineMethod {
  /** Column and metrics name. */
  name: string;
  /** Scores depend on the direction (source -> target). */
  directed: boolean;
  /** Also computed within each class (methods that are cheap enough). */
  perClass: boolean;
  /** Scores for a data matrix (NaN = missing); `seed` for the random methods; `threads` (same bytes for any count) where the method uses them. */
  compute(m: stats.DataMatrix, seed: number, threads: number): Float64Array;
}

/** Pearson/Spearman/partial correlation need complete rows or pairwise estimates; this one handles missing values. */
function partialCorrelation(m: stats.DataMatrix): Float64Array {
  const p = m.cols;
  if (m.values.every((v) => !Number.isNaN(v))) return stats.shrinkagePartialCorrelation(m).partial;
  // with missing values: the pairwise covariance, shrunk towards the identity until it inverts
  const covariance = standardizedCovariance(m);
  for (let w = 0.9; w > 0; w -= 0.1) {
    const inverse = stats.inverseSpd(covariance.map((v, k) => (Math.floor(k / p) === k % p ? 1 : w * v)), p);
    if (inverse) return stats.precisionToPartialCorrelation(inverse, p);
  }
  return new Float64Array(p * p);
}

function graphicalLasso(m: stats.DataMatrix): Float64Array {
  const covariance = standardizedCovariance(m);
  return stats.precisionToPartialCorrelation(stats.graphicalLassoEbic(covariance, m.cols, m.rows).precision, m.cols);
}

const pearsonCache = new WeakMap<stats.DataMatrix, Float64Array>();

/** The matrix's pairwise Pearson correlations, computed once for the pearson, partial correlation and graphical lasso baselines. */
function pearson(m: stats.DataMatrix): Float64Array {
  let r = pearsonCache.get(m);
  if (!r) {
    r = stats.correlationMatrix(m, 'pearson');
    pearsonCache.set(m, r);
  }
  return r;
}

/** stats.standardizedCovariance from the shared Pearson matrix (NaN, a pair with under 3 rows or a constant column, as 0). */
function standardizedCovariance(m: stats.DataMatrix): Float64Array {
  return pearson(m).map((v) => (Number.isNaN(v) ? 0 : v));
}

const discretizedCache = new WeakMap<stats.DataMatrix, stats.Discretized[]>();

/** The matrix's columns discretised (Bayesian blocks, PIDC's and CLR's default) once for both methods. */
function discretized(m: stats.DataMatrix, threads: number): stats.Discretized[] {
  let d = discretizedCache.get(m);
  if (!d) {
    d = stats.discretizeColumns(m, 'bayesian-blocks', undefined, threads);
    discretizedCache.set(m, d);
  }
  return d;
}

/** The study's baselines, in the order tables and reports list them. */
export const BASELINE_METHODS: readonly BaselineMethod[] = [
  { name: 'pearson', directed: false, perClass: true, compute: pearson },
  { name: 'spearman', directed: false, perClass: true, compute: (m) => stats.correlationMatrix(m, 'spearman') },
  { name: 'partial_correlation', directed: false, perClass: true, compute: partialCorrelation },
  { name: 'graphical_lasso', directed: false, perClass: true, compute: graphicalLasso },
  { name: 'genie3', directed: true, perClass: false, compute: (m, seed, threads) => stats.genie3(m, { seed, threads }) },
  { name: 'grnboost2', directed: true, perClass: false, compute: (m, seed, threads) => stats.grnboost2(m, { seed, threads }) },
  { name: 'pidc', directed: false, perClass: true, compute: (m, _seed, threads) => stats.pidc(discretized(m, threads)).scores },
  { name: 'clr', directed: false, perClass: true, compute: (m, _seed, threads) => stats.clr(discretized(m, threads)) },
];

export interface BaselineScores {
  /** p x p scores [target * p + source], NaN replaced by 0. */
  matrix: Float64Array;
  /** Undirected pair scores in upper-triangular order. */
  pairs: Float32Array;
  directed: boolean;
  seconds: number;
}

/** Training rows (or a class's) as a data matrix. */
export function rowsMatrix(data: StudyData, rows: readonly number[]): stats.DataMatrix {
  const p = data.proteins.length;
  const values = new Float64Array(rows.length * p);
  rows.forEach((r, i) => values.set(data.values.subarray(r * p, (r + 1) * p), i * p));
  return { values, rows: rows.length, cols: p };
}

/** Pair scores (upper-triangular order) of a p x p matrix: |score|, the larger direction for directed methods. */
export function undirectedPairs(matrix: ArrayLike<number>, p: number): Float32Array {
  const out = new Float32Array(pairCount(p));
  let k = 0;
  for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) {
    const v = Math.max(Math.abs(matrix[a * p + b]!), Math.abs(matrix[b * p + a]!));
    out[k++] = Number.isNaN(v) ? 0 : v;
  }
  return out;
}

/**
 * |partial correlation| per pair (upper-triangular order) on the given rows,
 * the conditional-independence weight of the study's networks; null when the
 * rows are too few to estimate it (no more than p + 2).
 */
export function partialCorrelationPairs(data: StudyData, rows: readonly number[]): Float32Array | null {
  const p = data.proteins.length;
  if (rows.length <= p + 2) return null;
  return undirectedPairs(partialCorrelation(rowsMatrix(data, rows)), p);
}

/** Every baseline's name, in order: the default of `--baselines`. */
export const BASELINE_NAMES: readonly string[] = BASELINE_METHODS.map((m) => m.name);

/** The chosen baselines (or those with perClass, for a class) on the given rows, timed. */
export function computeBaselines(
  data: StudyData,
  rows: readonly number[],
  seed: number,
  options: { methods?: readonly string[]; perClassOnly?: boolean; threads?: number; onMethod?: (name: string, seconds: number) => void } = {},
): Map<string, BaselineScores> {
  const m = rowsMatrix(data, rows);
  const p = data.proteins.length;
  const out = new Map<string, BaselineScores>();
  for (const method of BASELINE_METHODS) {
    if (options.perClassOnly && !method.perClass) continue;
    if (options.methods && !options.methods.includes(method.name)) continue;
    const t0 = performance.now();
    const raw = method.compute(m, seed, options.threads ?? 1);
    const matrix = Float64Array.from(raw, (v, k) => (Number.isNaN(v) || Math.floor(k / p) === k % p ? 0 : v));
    const seconds = (performance.now() - t0) / 1000;
    out.set(method.name, { matrix, pairs: undirectedPairs(matrix, p), directed: method.directed, seconds });
    options.onMethod?.(method.name, seconds);
  }
  return out;
}
