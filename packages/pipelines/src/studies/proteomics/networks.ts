/**
 * From directed instance relevance to networks: the instance network is the
 * symmetrised |relevance| (mean of the two directions); the class and cohort
 * networks combine the per-target normalised mean and median over their instances with the
 * partial correlation (targetNormalizedNetwork); the quartiles of the symmetrised relevance
 * stand beside them (aggregate). Pairs are indexed in the
 * upper-triangular order (0,1), (0,2), ..., (1,2), ...
 */
import { stats } from '@relevance/methods';

/** Number of unordered pairs of p proteins. */
export function pairCount(p: number): number {
  return (p * (p - 1)) / 2;
}

/** All unordered pairs (a < b) in upper-triangular order. */
export function pairs(p: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) out.push([a, b]);
  return out;
}

/**
 * Undirected instance network from a directed p x p relevance matrix
 * (row = target, column = source): (|R[a][b]| + |R[b][a]|) / 2 per pair.
 */
export function symmetrize(directed: ArrayLike<number>, p: number, out?: Float32Array): Float32Array {
  const res = out ?? new Float32Array(pairCount(p));
  let k = 0;
  for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) res[k++] = (Math.abs(directed[a * p + b]!) + Math.abs(directed[b * p + a]!)) / 2;
  return res;
}

export interface AggregateNetwork {
  median: Float32Array;
  q25: Float32Array;
  q75: Float32Array;
  mean: Float32Array;
  instances: number;
}

/**
 * Median, quartiles and mean per pair over a set of instances.
 * `networks` is row-major [instances, pairs]; `rows` selects instances (all when omitted).
 */
export function aggregate(networks: Float32Array, pairsPerInstance: number, rows?: readonly number[]): AggregateNetwork {
  const selected = rows ?? Array.from({ length: networks.length / pairsPerInstance }, (_, i) => i);
  const n = selected.length;
  const median = new Float32Array(pairsPerInstance);
  const q25 = new Float32Array(pairsPerInstance);
  const q75 = new Float32Array(pairsPerInstance);
  const mean = new Float32Array(pairsPerInstance);
  const column = new Float64Array(n);
  for (let k = 0; k < pairsPerInstance; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const v = networks[selected[i]! * pairsPerInstance + k]!;
      column[i] = v;
      s += v;
    }
    column.sort();
    const q = (f: number): number => {
      if (n === 0) return NaN;
      const pos = (n - 1) * f;
      const lo = Math.floor(pos);
      const hi = Math.ceil(pos);
      return column[lo]! + (column[hi]! - column[lo]!) * (pos - lo);
    };
    median[k] = q(0.5);
    q25[k] = q(0.25);
    q75[k] = q(0.75);
    mean[k] = n ? s / n : NaN;
  }
  return { median, q25, q75, mean, instances: n };
}

/**
 * The class and cohort network from the instances' directed relevance (row = target, column = source).
 * Per ordered pair, the mean and the median of |R(source -> target)| over the instances. A target that the
 * predictor explains with large relevance hands large relevance to all its sources and crowds out the
 * pairs of other targets; GENIE3 divides each target's importances by their total. Dividing fully also
 * lifts targets the predictor cannot explain (noise) to the same weight, so each target's row is divided
 * by the geometric mean of its total and the mean total over targets: a dominant target is damped by the
 * square root of its excess, a quiet one lifted by the square root of its shortfall. The normalised mean
 * and median are combined as their geometric mean, the directions averaged for the pair, and the pair
 * weighted by |partial correlation|^(1/4):
 *   score(a, b) = (G[a][b] + G[b][a]) / 2 * |pcor(a, b)|^(1/4),  G = sqrt(n(mean) * n(median)),
 *   n(M)[t][s] = M[t][s] / sqrt(total_t(M) * mean over targets of total(M)).
 * `directed` is G weighted the same way (row = target, column = source, diagonal left out).
 * docs/BENCHMARKS.md has the evidence over every benchmark. With no rows, every score is NaN.
 */
export function targetNormalizedNetwork(
  directedOf: (instance: number) => ArrayLike<number>,
  rows: readonly number[],
  p: number,
  partial: ArrayLike<number> | null,
): { pairs: Float32Array; directed: Float32Array } {
  const n = rows.length;
  const mean = new Float64Array(p * p);
  const median = new Float64Array(p * p);
  const column = new Float64Array(n);
  const sources = rows.map((i) => directedOf(i));
  for (let k = 0; k < p * p; k++) {
    if (Math.floor(k / p) === k % p) continue;
    let sum = 0;
    for (let j = 0; j < n; j++) sum += column[j] = Math.abs(sources[j]![k]!);
    mean[k] = n ? sum / n : NaN;
    median[k] = n ? stats.median(column) : NaN;
  }
  const a = rowNormalized(mean, p);
  const b = rowNormalized(median, p);
  const g = Float64Array.from(a, (v, k) => Math.sqrt(v * b[k]!));
  const weightOf = (k: number): number => {
    if (!partial) return 1;
    const w = Math.pow(Math.abs(partial[k]!), PARTIAL_CORRELATION_EXPONENT);
    return Number.isFinite(w) ? w : 0;
  };
  const pairs = new Float32Array(pairCount(p));
  const directed = new Float32Array(p * (p - 1));
  const pairIndex = (a: number, b: number): number => (a < b ? a * p - (a * (a + 1)) / 2 + (b - a - 1) : b * p - (b * (b + 1)) / 2 + (a - b - 1));
  for (let a = 0, k = 0; a < p; a++) for (let b = a + 1; b < p; b++, k++) pairs[k] = ((g[a * p + b]! + g[b * p + a]!) / 2) * weightOf(k);
  for (let t = 0, k = 0; t < p; t++) for (let s = 0; s < p; s++) if (s !== t) directed[k++] = g[t * p + s]! * weightOf(pairIndex(s, t));
  return { pairs, directed };
}

/** n(M)[t][s] = M[t][s] / sqrt(total_t * mean total) (see targetNormalizedNetwork); a zero total gives 0, NaN stays NaN. */
function rowNormalized(m: Float64Array, p: number): Float64Array {
  const totals = new Float64Array(p);
  for (let t = 0; t < p; t++) for (let s = 0; s < p; s++) if (s !== t) totals[t]! += m[t * p + s]!;
  const meanTotal = totals.reduce((x, y) => x + y, 0) / p;
  const out = new Float64Array(p * p);
  for (let t = 0; t < p; t++) {
    const scale = Math.sqrt(totals[t]! * meanTotal);
    for (let s = 0; s < p; s++) if (s !== t) out[t * p + s] = scale > 0 ? m[t * p + s]! / scale : scale === 0 ? 0 : NaN;
  }
  return out;
}

/** The exponent of the partial-correlation weight (chosen over every benchmark at once, docs/BENCHMARKS.md). */
export const PARTIAL_CORRELATION_EXPONENT = 0.25;

/** Upper-triangular pair scores from a symmetric p x p matrix, as |value|. */
export function pairScores(matrix: ArrayLike<number>, p: number): Float32Array {
  const out = new Float32Array(pairCount(p));
  let k = 0;
  for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) {
    const v = Math.abs(matrix[a * p + b]!);
    out[k++] = Number.isNaN(v) ? 0 : v;
  }
  return out;
}

/**
 * LIONESS (Kuijjer et al. 2019) with Pearson correlation, relative to a
 * reference cohort: e_i = (N + 1) * (r(ref + i) - r(ref)) + r(ref), from
 * running sums so each instance costs O(p^2). Missing values in the instance
 * leave the affected pairs at the reference value.
 */
export class LionessPearson {
  private readonly n: number;
  private readonly sums: Float64Array;
  private readonly cross: Float64Array;
  private readonly reference: Float64Array;

  constructor(data: ArrayLike<number>, rows: number, private readonly p: number) {
    this.n = rows;
    this.sums = new Float64Array(p);
    this.cross = new Float64Array(p * p);
    for (let i = 0; i < rows; i++) {
      for (let a = 0; a < p; a++) {
        const va = data[i * p + a]!;
        this.sums[a]! += va;
        for (let b = a; b < p; b++) this.cross[a * p + b]! += va * data[i * p + b]!;
      }
    }
    this.reference = this.correlation(this.sums, this.cross, this.n);
  }

  private correlation(sums: Float64Array, cross: Float64Array, n: number): Float64Array {
    const p = this.p;
    const r = new Float64Array(p * p);
    for (let a = 0; a < p; a++) {
      for (let b = a + 1; b < p; b++) {
        const cov = cross[a * p + b]! - (sums[a]! * sums[b]!) / n;
        const va = cross[a * p + a]! - (sums[a]! * sums[a]!) / n;
        const vb = cross[b * p + b]! - (sums[b]! * sums[b]!) / n;
        r[a * p + b] = cov / Math.sqrt(va * vb);
      }
    }
    return r;
  }

  /** Pair scores |e_i| for one instance x (length p). */
  instance(x: ArrayLike<number>): Float32Array {
    const p = this.p;
    const sums = Float64Array.from(this.sums);
    const cross = Float64Array.from(this.cross);
    for (let a = 0; a < p; a++) {
      if (Number.isNaN(x[a]!)) continue;
      sums[a]! += x[a]!;
      for (let b = a; b < p; b++) if (!Number.isNaN(x[b]!)) cross[a * p + b]! += x[a]! * x[b]!;
    }
    const withI = this.correlation(sums, cross, this.n + 1);
    const out = new Float32Array(pairCount(p));
    let k = 0;
    for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) {
      const ref = this.reference[a * p + b]!;
      const e = Number.isNaN(x[a]!) || Number.isNaN(x[b]!) ? ref : (this.n + 1) * (withI[a * p + b]! - ref) + ref;
      out[k++] = Math.abs(e);
    }
    return out;
  }
}

export { stats };
