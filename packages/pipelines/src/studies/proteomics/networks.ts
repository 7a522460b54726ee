/**
 * From directed instance relevance to networks: the instance network is the
 * symmetrised |relevance| (mean of the two directions); the class and cohort
 * networks are the mean over their instances less the indirect-path share
 * (withoutIndirectPaths), with the median and interquartile range beside them. Pairs are indexed in the
 * upper-triangular order (0,1), (0,2), ..., (1,2), ...
 */
import { stats } from '@relevance/methods';
import { HIDE_PROBABILITY } from './masks.js';

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
  /** The network the study reports: the mean less the indirect-path share (see withoutIndirectPaths). */
  score: Float32Array;
  /** The strongest two-step path of each pair in the mean network (what the score subtracts half of). */
  indirect: Float32Array;
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
  const { score, indirect } = withoutIndirectPaths(mean, proteinCount(pairsPerInstance));
  return { score, indirect, median, q25, q75, mean, instances: n };
}

/** p from the number of unordered pairs p (p - 1) / 2. */
export function proteinCount(pairs: number): number {
  return Math.round((1 + Math.sqrt(1 + 8 * pairs)) / 2);
}

/**
 * The indirect-path correction. With complementary masks every protein is
 * hidden with probability HIDE_PROBABILITY = 1/2, so a source two steps
 * upstream of a target (a -> b -> c) is credited for c in the masks that hide
 * the mediator b: about half of the path's strength, whose bottleneck is
 * min(S(a,b), S(b,c)), leaks onto the pair (a, c). The score subtracts that
 * leak for the strongest mediator:
 *   score(a, c) = S(a, c) - 1/2 * max_b min(S(a, b), S(b, c)).
 * It is ARACNe's data-processing inequality (Margolin et al. 2006) made
 * soft, with the weight set by the mask design rather than fitted.
 * `scores` are pair scores in upper-triangular order.
 */
export function withoutIndirectPaths(scores: ArrayLike<number>, p: number, hidden = HIDE_PROBABILITY): { score: Float32Array; indirect: Float32Array } {
  const m = new Float64Array(p * p);
  for (let a = 0, k = 0; a < p; a++) for (let b = a + 1; b < p; b++, k++) m[a * p + b] = m[b * p + a] = scores[k]!;
  const score = new Float32Array(pairCount(p));
  const indirect = new Float32Array(pairCount(p));
  for (let a = 0, k = 0; a < p; a++) {
    for (let c = a + 1; c < p; c++, k++) {
      let best = 0;
      for (let b = 0; b < p; b++) {
        if (b === a || b === c) continue;
        const path = Math.min(m[a * p + b]!, m[b * p + c]!);
        if (path > best) best = path;
      }
      indirect[k] = best;
      score[k] = m[a * p + c]! - hidden * best;
    }
  }
  return { score, indirect };
}

/**
 * The same correction for a directed network (p x (p - 1), row = target,
 * column = source without the diagonal): score(s -> t) = D(s -> t) - 1/2 *
 * max_b min(D(s -> b), D(b -> t)).
 */
export function withoutIndirectPathsDirected(directed: ArrayLike<number>, p: number, hidden = HIDE_PROBABILITY): Float32Array {
  const d = new Float64Array(p * p); // [target * p + source]
  for (let t = 0, k = 0; t < p; t++) for (let s = 0; s < p; s++) if (s !== t) d[t * p + s] = directed[k++]!;
  const out = new Float32Array(p * (p - 1));
  for (let t = 0, k = 0; t < p; t++) for (let s = 0; s < p; s++) {
    if (s === t) continue;
    let best = 0;
    for (let b = 0; b < p; b++) {
      if (b === s || b === t) continue;
      const path = Math.min(d[b * p + s]!, d[t * p + b]!);
      if (path > best) best = path;
    }
    out[k++] = d[t * p + s]! - hidden * best;
  }
  return out;
}

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
