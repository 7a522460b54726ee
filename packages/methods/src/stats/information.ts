/**
 * Discretisation and information measures for information-theoretic network
 * inference (CLR, PIDC). Discretisers follow NetworkInference.jl /
 * InformationMeasures.jl / Discretizers.jl (Chan, Stumpf & Babtie 2017):
 * Bayesian blocks (Scargle et al. 2013, ApJ 764:167, the reference's default,
 * with its prior ncp = 4 - ln(73.53 * 0.05 * K^-0.478) evaluated at each
 * prefix length K), uniform width and uniform count (equal frequency).
 * Probabilities are maximum-likelihood frequencies; logarithms base 2.
 * Missing values: NaN is imputed by the gene's median before discretising.
 */
import type { DataMatrix } from './networks.js';
import { imputedColumn } from './trees.js';
import { parallelRows, resolveThreads } from './parallel.js';

export type Discretizer = 'bayesian-blocks' | 'uniform-width' | 'uniform-count';

/** A discretised variable: bin id per sample (0-based) and the number of bins. */
export interface Discretized {
  ids: Int32Array;
  bins: number;
}

/**
 * Bayesian-blocks bin edges of a sample (Scargle 2013, event data on the
 * sorted unique values), as Discretizers.jl computes them, with exact
 * pruning of the last-change-point candidates (Killick et al. 2012's PELT):
 * splitting a block never lowers the fitness N log(N / T) (log-sum
 * inequality), so a candidate i whose
 * best[i-1] + fit(i..K) falls below best[K] stays below the candidate K at
 * every later K and never wins again. Candidates are pruned only when they
 * are behind by far more than rounding, so the kept ones are scored with the
 * same arithmetic, in the same order, as the O(u^2) scan over all of them
 * (bench/baselines-reference.ts): the same edges, in about O(u x blocks).
 */
export function bayesianBlocksEdges(values: ArrayLike<number>, search: LastChangePointSearch = bestLastChangePoints): Float64Array {
  const sorted = Float64Array.from(values).sort();
  const uniq: number[] = [], counts: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0 && sorted[i] === sorted[i - 1]) counts[counts.length - 1]!++;
    else { uniq.push(sorted[i]!); counts.push(1); }
  }
  const n = uniq.length;
  const edges = new Float64Array(n + 1);
  edges[0] = uniq[0]!;
  for (let i = 0; i < n - 1; i++) edges[i + 1] = 0.5 * (uniq[i]! + uniq[i + 1]!);
  edges[n] = uniq[n - 1]!;
  const last = search(edges.map((e) => uniq[n - 1]! - e), counts);
  const cps: number[] = [];
  let ind = n;
  for (;;) {
    cps.push(ind);
    if (ind === 0) break;
    ind = last[ind - 1]!;
  }
  return Float64Array.from(cps.reverse().map((k) => edges[k]!));
}

/**
 * The optimal partitioning's search: from the distance of each edge to the last value and the count of each
 * unique value, the start of the last block of each prefix's best partition (`search` of bayesianBlocksEdges:
 * the full scan of bench/baselines-reference.ts is the other one).
 */
export type LastChangePointSearch = (blockLength: Float64Array, counts: readonly number[]) => Int32Array;

/** Optimal partitioning of Bayesian blocks: for each prefix length K, the start of its last block (first maximum, as Julia's indmax). */
function bestLastChangePoints(blockLength: Float64Array, counts: readonly number[]): Int32Array {
  const n = counts.length;
  const countVec = new Float64Array(n), best = new Float64Array(n), fits = new Float64Array(n);
  const last = new Int32Array(n);
  const alive = new Int32Array(n); // candidate starts still able to win, increasing
  let size = 0;
  for (let K = 1; K <= n; K++) {
    const prior = 4 - Math.log(73.53 * 0.05 * Math.pow(K, -0.478));
    alive[size++] = K - 1;
    let bestFit = -Infinity, arg = 0;
    for (let q = 0; q < size; q++) {
      const i = alive[q]!;
      countVec[i] = countVec[i]! + counts[K - 1]!;
      const width = blockLength[i]! - blockLength[K]!;
      let fit = countVec[i]! * Math.log(countVec[i]! / width) - prior;
      if (i > 0) fit += best[i - 1]!;
      fits[q] = fit;
      if (fit > bestFit) { bestFit = fit; arg = i; }
    }
    last[K - 1] = arg;
    best[K - 1] = bestFit;
    if (!Number.isFinite(bestFit)) continue;
    let kept = 0;
    for (let q = 0; q < size; q++) {
      const f = fits[q]!;
      if (!(f + prior < bestFit - 1e-8 * (1 + Math.abs(bestFit) + Math.abs(f)))) alive[kept++] = alive[q]!;
    }
    size = kept;
  }
  return last;
}

/** Bin ids for given edges (Discretizers.jl LinearDiscretizer: [e_k, e_k+1), last bin closed). */
function encode(values: Float64Array, edges: Float64Array): Int32Array {
  const nb = edges.length - 1;
  const ids = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let lo = 0, hi = nb; // largest k with edges[k] <= v, clamped to [0, nb-1]
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (edges[mid]! <= v) lo = mid;
      else hi = mid;
    }
    ids[i] = Math.min(lo, nb - 1);
  }
  return ids;
}

/** Discretise one variable. `bins` is used by the uniform discretisers (default ceil(sqrt(n)), InformationMeasures.jl's root-n rule). */
export function discretize(values: Float64Array, method: Discretizer = 'bayesian-blocks', bins?: number): Discretized {
  const n = values.length;
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < n; i++) { if (values[i]! < min) min = values[i]!; if (values[i]! > max) max = values[i]!; }
  if (!(max > min)) return { ids: new Int32Array(n), bins: 1 };
  const nb = bins ?? Math.ceil(Math.sqrt(n));
  if (!Number.isInteger(nb) || nb < 1) throw new Error(`discretize: bins must be a positive integer, got ${nb}`);
  let edges: Float64Array;
  if (method === 'bayesian-blocks') edges = bayesianBlocksEdges(values);
  else if (method === 'uniform-width') edges = Float64Array.from({ length: nb + 1 }, (_, k) => min + ((max - min) * k) / nb);
  else if (method === 'uniform-count') {
    const s = Float64Array.from(values).sort();
    const e = [min];
    for (let k = 1; k < nb; k++) {
      const c = s[Math.floor((k * n) / nb)]!;
      if (c > e[e.length - 1]!) e.push(c);
    }
    if (max > e[e.length - 1]!) e.push(max);
    edges = Float64Array.from(e);
  } else throw new Error(`discretize: method must be 'bayesian-blocks', 'uniform-width' or 'uniform-count', got ${String(method)}`);
  if (edges.length < 2) return { ids: new Int32Array(n), bins: 1 };
  return { ids: encode(values, edges), bins: edges.length - 1 };
}

/**
 * Discretise every column of a data matrix (NaN imputed by the column
 * median), the columns shared among `threads` threads (default 1; the same
 * result for any count).
 */
export function discretizeColumns(d: DataMatrix, method: Discretizer = 'bayesian-blocks', bins?: number, threads = 1): Discretized[] {
  const n = d.rows;
  const columns = Array.from({ length: d.cols }, (_, j) => j);
  const rows = parallelRows('discretize', d, { method, bins }, columns, n + 1, resolveThreads(threads, 'discretizeColumns'), () => discretizeRow(d, method, bins));
  return columns.map((j) => ({ bins: rows[j * (n + 1)]!, ids: Int32Array.from(rows.subarray(j * (n + 1) + 1, (j + 1) * (n + 1))) }));
}

/** Column j discretised as one row of numbers: [bins, id_0, ..., id_{n-1}]. */
export function discretizeRow(d: DataMatrix, method: Discretizer, bins: number | undefined): (j: number) => Float64Array {
  return (j) => {
    const c = discretize(imputedColumn(d, j), method, bins);
    const row = new Float64Array(d.rows + 1);
    row[0] = c.bins;
    row.set(c.ids, 1);
    return row;
  };
}

/** Joint frequency table (a.bins x b.bins, row-major) of two discretised variables. */
export function jointCounts(a: Discretized, b: Discretized, out?: Float64Array): Float64Array {
  const t = out && out.length >= a.bins * b.bins ? out.fill(0, 0, a.bins * b.bins) : new Float64Array(a.bins * b.bins);
  for (let i = 0; i < a.ids.length; i++) t[a.ids[i]! * b.bins + b.ids[i]!]++;
  return t;
}

/** Mutual information (bits) of a joint count table with `ra` rows and `rb` columns. */
export function mutualInformationFromCounts(t: Float64Array, ra: number, rb: number): number {
  let total = 0;
  const pa = new Float64Array(ra), pb = new Float64Array(rb);
  for (let x = 0; x < ra; x++) for (let y = 0; y < rb; y++) { const c = t[x * rb + y]!; pa[x] += c; pb[y] += c; total += c; }
  let mi = 0;
  for (let x = 0; x < ra; x++) {
    for (let y = 0; y < rb; y++) {
      const c = t[x * rb + y]!;
      if (c > 0) mi += (c / total) * Math.log2((c * total) / (pa[x]! * pb[y]!));
    }
  }
  return Math.max(0, mi);
}

/** Symmetric p x p mutual-information matrix (bits, maximum likelihood, diagonal 0). */
export function mutualInformationMatrix(d: DataMatrix | Discretized[], method: Discretizer = 'bayesian-blocks', bins?: number): Float64Array {
  const disc = Array.isArray(d) ? d : discretizeColumns(d, method, bins);
  const p = disc.length;
  const out = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = i + 1; j < p; j++) {
      const mi = mutualInformationFromCounts(jointCounts(disc[i]!, disc[j]!), disc[i]!.bins, disc[j]!.bins);
      out[i * p + j] = mi;
      out[j * p + i] = mi;
    }
  }
  return out;
}
