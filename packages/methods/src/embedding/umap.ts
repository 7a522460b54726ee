/**
 * UMAP (McInnes, Healy & Melville 2018), following umap-learn's reference
 * algorithm:
 *  1. k nearest neighbours (n_neighbors counts the point itself, as in
 *     umap-learn): exact (blocked GEMM distances on the backend) or
 *     approximate (NN-descent, seeded);
 *  2. fuzzy simplicial set: per point rho_i (distance to the nearest
 *     neighbour) and sigma_i by bisection so that sum_j exp(-(d_ij - rho_i) /
 *     sigma_i) = log2(n_neighbors); fuzzy union w + w^T - w o w^T;
 *  3. a, b of 1 / (1 + a d^(2b)) fitted to the min_dist / spread curve (Gauss-Newton);
 *  4. initialisation: spectral (the top eigenvectors of D^-1/2 W D^-1/2 after the
 *     trivial one, by subspace iteration with a Rayleigh-Ritz step), PCA,
 *     uniform random, or given coordinates; scaled to [0, 10] per axis;
 *  5. stochastic gradient descent over edges sampled in proportion to their
 *     weight, negative sampling (5 per positive), step 1 decaying linearly,
 *     gradients clipped to 4.
 * `transform` embeds new rows against the fitted embedding (their neighbours
 * among the training rows, weights, a weighted-mean start, then SGD of the new
 * points only). All randomness comes from the seeded Generator; same seed,
 * same data, same backend: same bytes.
 */
import { Generator, toGenerator, type Backend, type Tensor } from '@relevance/core-wasm';
import { nnDescent } from './nn-descent.js';
import { nearestNeighbours, type HostMatrix, type NearestNeighbours } from './pairwise-distances.js';
import { pcaProjection } from './pca.js';
import { matrixProduct, orthonormaliseColumns, rayleighRitzMatrix, symmetricEigen } from './symmetric-eigen.js';

export type UmapNeighbourMethod = 'exact' | 'nn-descent' | 'auto';
/** With neighbours 'auto': exact up to this many rows, NN-descent above. */
export const UMAP_EXACT_MAX_POINTS = 4096;

export interface UmapOptions {
  /** Output dimensions (default 2). */
  dims?: number;
  /** Size of the local neighbourhood, the point itself included (default 15). */
  neighbours?: number;
  /** Smallest distance between embedded points (default 0.1). */
  minDist?: number;
  /** Scale of the embedded points (default 1). */
  spread?: number;
  /** SGD epochs (default 500 up to 10,000 rows, else 200). */
  epochs?: number;
  /** Initial SGD step (default 1). */
  learningRate?: number;
  /** Negative samples per positive sample (default 5). */
  negativeSampleRate?: number;
  /** Weight of the repulsive term (default 1). */
  repulsionStrength?: number;
  /** 'spectral' (default), 'pca', 'random', or coordinates [rows, dims]. */
  init?: 'spectral' | 'pca' | 'random' | Float32Array | Float64Array;
  /** 'exact', 'nn-descent', or 'auto' (default: exact up to UMAP_EXACT_MAX_POINTS rows). */
  neighbourMethod?: UmapNeighbourMethod;
  /** Seed or generator (default 0). */
  seed?: number | Generator;
  /** Called after each epoch (1-based). */
  onEpoch?: (epoch: number) => void;
}

export interface UmapResult {
  /** Coordinates, row-major [rows, dims], in input order. */
  embedding: Float32Array;
  rows: number;
  dims: number;
  a: number;
  b: number;
  /** Edges of the symmetric fuzzy graph (each unordered pair once). */
  edges: number;
  neighbourMethod: 'exact' | 'nn-descent';
  /** Every setting after defaults. */
  params: Record<string, unknown>;
  /** Embed new rows against this embedding. */
  transform(x: Tensor, options?: UmapTransformOptions): Promise<Float32Array>;
}

export interface UmapTransformOptions {
  /** SGD epochs for the new points (default 100 up to 10,000 training rows, else 30). */
  epochs?: number;
  seed?: number | Generator;
}

export class UmapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UmapError';
  }
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new UmapError(`umap: ${message}`);
}

async function hostMatrix(x: Tensor, what = 'the data'): Promise<HostMatrix> {
  check(x.rank === 2 && x.dtype === 'float32', `${what} must be a float32 matrix [points, features], got ${x.dtype} [${x.shape.join(', ')}]`);
  const data = (await x.read()) as Float32Array;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) throw new UmapError(`umap: value ${data[i]} at row ${Math.floor(i / x.shape[1]!)}, column ${i % x.shape[1]!} of ${what} is not finite; impute or drop missing values first`);
  }
  return { data, rows: x.shape[0]!, cols: x.shape[1]! };
}

/** a, b with 1 / (1 + a x^(2b)) closest (least squares) to 1 for x < minDist and exp(-(x - minDist) / spread) beyond. */
export function fitAB(minDist: number, spread: number): { a: number; b: number } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < 300; i++) {
    const x = (3 * spread * i) / 299;
    xs.push(x);
    ys.push(x < minDist ? 1 : Math.exp(-(x - minDist) / spread));
  }
  let a = 1;
  let b = 1;
  const loss = (pa: number, pb: number): number => {
    let s = 0;
    for (let i = 0; i < xs.length; i++) {
      const r = 1 / (1 + pa * xs[i]! ** (2 * pb)) - ys[i]!;
      s += r * r;
    }
    return s;
  };
  // Levenberg-Marquardt on (a, b)
  let lambda = 1e-3;
  let current = loss(a, b);
  for (let it = 0; it < 200; it++) {
    let jtj00 = 0, jtj01 = 0, jtj11 = 0, g0 = 0, g1 = 0;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      if (x === 0) continue;
      const p = x ** (2 * b);
      const f = 1 / (1 + a * p);
      const r = f - ys[i]!;
      const da = -p * f * f;
      const db = -a * p * 2 * Math.log(x) * f * f;
      jtj00 += da * da; jtj01 += da * db; jtj11 += db * db;
      g0 += da * r; g1 += db * r;
    }
    const m00 = jtj00 * (1 + lambda), m11 = jtj11 * (1 + lambda);
    const det = m00 * m11 - jtj01 * jtj01;
    if (det === 0) break;
    const sa = -(m11 * g0 - jtj01 * g1) / det;
    const sb = -(m00 * g1 - jtj01 * g0) / det;
    const next = loss(a + sa, b + sb);
    if (next < current) {
      a += sa;
      b += sb;
      lambda /= 3;
      if (current - next < 1e-14) {
        current = next;
        break;
      }
      current = next;
    } else lambda *= 5;
  }
  return { a, b };
}

/** rho and sigma per row from its neighbour distances (euclidean, nearest first), umap-learn's smooth_knn_dist. */
export function smoothKnnDistances(dist: Float64Array, rows: number, k: number, target: number): { rho: Float64Array; sigma: Float64Array } {
  const rho = new Float64Array(rows);
  const sigma = new Float64Array(rows);
  let meanAll = 0;
  for (let i = 0; i < dist.length; i++) meanAll += dist[i]!;
  meanAll /= Math.max(dist.length, 1);
  for (let i = 0; i < rows; i++) {
    const o = i * k;
    let r = 0;
    for (let j = 0; j < k; j++) if (dist[o + j]! > 0) {
      r = dist[o + j]!;
      break;
    }
    rho[i] = r;
    let lo = 0;
    let hi = Infinity;
    let mid = 1;
    for (let it = 0; it < 64; it++) {
      let s = 0;
      for (let j = 0; j < k; j++) {
        const d = dist[o + j]! - r;
        s += d > 0 ? Math.exp(-d / mid) : 1;
      }
      if (Math.abs(s - target) < 1e-5) break;
      if (s > target) {
        hi = mid;
        mid = (lo + hi) / 2;
      } else {
        lo = mid;
        mid = hi === Infinity ? mid * 2 : (lo + hi) / 2;
      }
    }
    let mean = 0;
    for (let j = 0; j < k; j++) mean += dist[o + j]!;
    mean /= k;
    sigma[i] = r > 0 ? Math.max(mid, 1e-3 * mean) : Math.max(mid, 1e-3 * meanAll);
  }
  return { rho, sigma };
}

interface Graph {
  /** Directed edges (both directions of every unordered pair): head, tail, weight. */
  head: Int32Array;
  tail: Int32Array;
  weight: Float64Array;
  pairs: number;
}

function fuzzyGraph(knn: NearestNeighbours, rows: number, dist: Float64Array, rho: Float64Array, sigma: Float64Array): Graph {
  const k = knn.k;
  const directed = new Map<number, number>();
  for (let i = 0; i < rows; i++) {
    for (let t = 0; t < k; t++) {
      const j = knn.indices[i * k + t]!;
      const d = dist[i * k + t]! - rho[i]!;
      const w = d <= 0 ? 1 : Math.exp(-d / sigma[i]!);
      directed.set(i * rows + j, w);
    }
  }
  const keys: number[] = [];
  const weights: number[] = [];
  for (const [key, w] of directed) {
    const i = Math.floor(key / rows);
    const j = key - i * rows;
    const back = directed.get(j * rows + i);
    if (back !== undefined && j < i) continue; // counted from the other side
    const u = back === undefined ? w : w + back - w * back;
    keys.push(Math.min(i, j) * rows + Math.max(i, j));
    weights.push(u);
  }
  // deterministic order: by (min, max) pair
  const order = keys.map((_, i) => i).sort((p, q) => keys[p]! - keys[q]!);
  const pairs = order.length;
  const head = new Int32Array(2 * pairs);
  const tail = new Int32Array(2 * pairs);
  const weight = new Float64Array(2 * pairs);
  order.forEach((o, e) => {
    const i = Math.floor(keys[o]! / rows);
    const j = keys[o]! - i * rows;
    head[2 * e] = i; tail[2 * e] = j; weight[2 * e] = weights[o]!;
    head[2 * e + 1] = j; tail[2 * e + 1] = i; weight[2 * e + 1] = weights[o]!;
  });
  return { head, tail, weight, pairs };
}

/** Top `dims` non-trivial eigenvectors of D^-1/2 W D^-1/2 by subspace iteration, [rows, dims]. */
function spectralInit(g: Graph, rows: number, dims: number, generator: Generator): Float64Array {
  const degree = new Float64Array(rows);
  for (let e = 0; e < g.head.length; e++) degree[g.head[e]!]! += g.weight[e]!;
  const isq = Float64Array.from(degree, (d) => (d > 0 ? 1 / Math.sqrt(d) : 0));
  const trivial = Float64Array.from(degree, (d) => Math.sqrt(d));
  let tn = 0;
  for (const v of trivial) tn += v * v;
  tn = Math.sqrt(tn);
  for (let i = 0; i < rows; i++) trivial[i]! /= tn;
  const m = Math.min(rows - 1, dims + 6);
  const y = new Float64Array(rows * m);
  for (let i = 0; i < y.length; i++) y[i] = generator.normal();
  const next = new Float64Array(rows * m);
  // against the trivial vector and earlier columns, twice for stability
  const orthonormalise = (v: Float64Array): void => orthonormaliseColumns(v, rows, m, 2, trivial);
  // (I + N) / 2 has the same eigenvectors and no negative eigenvalues
  const apply = (src: Float64Array, dst: Float64Array): void => {
    for (let i = 0; i < dst.length; i++) dst[i] = 0.5 * src[i]!;
    for (let e = 0; e < g.head.length; e++) {
      const i = g.head[e]!;
      const j = g.tail[e]!;
      const w = 0.5 * g.weight[e]! * isq[i]! * isq[j]!;
      for (let c = 0; c < m; c++) dst[i * m + c]! += w * src[j * m + c]!;
    }
  };
  orthonormalise(y);
  for (let it = 0; it < 300; it++) {
    apply(y, next);
    orthonormalise(next);
    let change = 0;
    for (let c = 0; c < m; c++) {
      let d = 0;
      for (let i = 0; i < rows; i++) d += next[i * m + c]! * y[i * m + c]!;
      change = Math.max(change, 1 - Math.abs(d));
    }
    y.set(next);
    if (change < 1e-9) break;
  }
  // Rayleigh-Ritz: eigenvectors of Y^T M Y, largest first
  apply(y, next);
  const small = rayleighRitzMatrix(y, next, rows, m);
  const { vectors } = symmetricEigen(small, m);
  const out = matrixProduct(y, m, vectors, m, rows, dims);
  // sign: largest-magnitude entry of each axis positive (independent of the start vectors' signs)
  for (let c = 0; c < dims; c++) {
    let best = 0;
    for (let i = 0; i < rows; i++) if (Math.abs(out[i * dims + c]!) > Math.abs(best)) best = out[i * dims + c]!;
    if (best < 0) for (let i = 0; i < rows; i++) out[i * dims + c] = -out[i * dims + c]!;
  }
  return out;
}

/** Scale each axis to [0, 10] (umap-learn's start for the SGD). */
function scaleToTen(y: Float64Array, rows: number, dims: number): void {
  for (let c = 0; c < dims; c++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < rows; i++) {
      lo = Math.min(lo, y[i * dims + c]!);
      hi = Math.max(hi, y[i * dims + c]!);
    }
    const s = hi > lo ? 10 / (hi - lo) : 1;
    for (let i = 0; i < rows; i++) y[i * dims + c] = (y[i * dims + c]! - lo) * s;
  }
}

interface Sgd {
  a: number;
  b: number;
  gamma: number;
  learningRate: number;
  negativeRate: number;
  epochs: number;
}

const clip = (v: number): number => (v > 4 ? 4 : v < -4 ? -4 : v);

/** umap-learn's optimize_layout_euclidean: `head` moves in `headEmb`, tails (and negatives) live in `tailEmb`. */
function optimise(headEmb: Float64Array, tailEmb: Float64Array, tailRows: number, dims: number, head: Int32Array, tail: Int32Array, weight: Float64Array, s: Sgd, moveOther: boolean, generator: Generator, onEpoch?: (e: number) => void): void {
  const edges = head.length;
  let wMax = 0;
  for (let e = 0; e < edges; e++) wMax = Math.max(wMax, weight[e]!);
  const perSample = new Float64Array(edges);
  for (let e = 0; e < edges; e++) perSample[e] = weight[e]! > 0 ? wMax / weight[e]! : -1;
  const nextSample = Float64Array.from(perSample);
  const perNegative = Float64Array.from(perSample, (v) => v / s.negativeRate);
  const nextNegative = Float64Array.from(perNegative);
  const { a, b, gamma } = s;
  const cur = new Float64Array(dims);
  for (let n = 0; n < s.epochs; n++) {
    const alpha = s.learningRate * (1 - n / s.epochs);
    for (let e = 0; e < edges; e++) {
      if (perSample[e]! < 0 || nextSample[e]! > n) continue;
      const j = head[e]!;
      const k = tail[e]!;
      const oj = j * dims;
      const ok = k * dims;
      let d2 = 0;
      for (let c = 0; c < dims; c++) {
        const t = headEmb[oj + c]! - tailEmb[ok + c]!;
        d2 += t * t;
      }
      if (d2 > 0) {
        const coeff = (-2 * a * b * d2 ** (b - 1)) / (a * d2 ** b + 1);
        for (let c = 0; c < dims; c++) {
          const g = clip(coeff * (headEmb[oj + c]! - tailEmb[ok + c]!)) * alpha;
          headEmb[oj + c]! += g;
          if (moveOther) tailEmb[ok + c]! -= g;
        }
      }
      nextSample[e]! += perSample[e]!;
      const negatives = Math.floor((n - nextNegative[e]!) / perNegative[e]!);
      for (let c = 0; c < dims; c++) cur[c] = headEmb[oj + c]!;
      for (let p = 0; p < negatives; p++) {
        const q = generator.int(tailRows);
        const oq = q * dims;
        let dn = 0;
        for (let c = 0; c < dims; c++) {
          const t = cur[c]! - tailEmb[oq + c]!;
          dn += t * t;
        }
        if (dn > 0) {
          const coeff = (2 * gamma * b) / ((0.001 + dn) * (a * dn ** b + 1));
          for (let c = 0; c < dims; c++) cur[c]! += clip(coeff * (cur[c]! - tailEmb[oq + c]!)) * alpha;
        } else if (moveOther && q === j) {
          continue;
        } else {
          for (let c = 0; c < dims; c++) cur[c]! += 4 * alpha;
        }
      }
      for (let c = 0; c < dims; c++) headEmb[oj + c] = cur[c]!;
      nextNegative[e]! += negatives * perNegative[e]!;
    }
    onEpoch?.(n + 1);
  }
}

function euclidean(knn: NearestNeighbours): Float64Array {
  return Float64Array.from(knn.distances, (d) => Math.sqrt(Math.max(0, d)));
}

/** The checked UMAP settings for `n` points, defaults filled in. */
function umapSettings(options: UmapOptions, n: number) {
  const dims = options.dims ?? 2;
  check(Number.isInteger(dims) && dims >= 1, `dims must be a positive integer, got ${dims}`);
  check(n >= 4, `needs at least 4 points, got ${n}`);
  const neighbours = options.neighbours ?? 15;
  check(Number.isInteger(neighbours) && neighbours >= 2 && neighbours <= n, `neighbours must be an integer in [2, ${n}] (it counts the point itself), got ${neighbours}; use fewer neighbours for small data sets`);
  const minDist = options.minDist ?? 0.1;
  const spread = options.spread ?? 1;
  check(Number.isFinite(spread) && spread > 0, `spread must be > 0, got ${spread}`);
  check(Number.isFinite(minDist) && minDist >= 0 && minDist <= spread, `minDist must lie in [0, spread = ${spread}], got ${minDist}`);
  const epochs = options.epochs ?? (n <= 10000 ? 500 : 200);
  check(Number.isInteger(epochs) && epochs >= 0, `epochs must be a non-negative integer, got ${epochs}`);
  const learningRate = options.learningRate ?? 1;
  check(Number.isFinite(learningRate) && learningRate > 0, `learningRate must be > 0, got ${learningRate}`);
  const negativeSampleRate = options.negativeSampleRate ?? 5;
  check(Number.isInteger(negativeSampleRate) && negativeSampleRate >= 0, `negativeSampleRate must be a non-negative integer, got ${negativeSampleRate}`);
  const repulsionStrength = options.repulsionStrength ?? 1;
  check(Number.isFinite(repulsionStrength) && repulsionStrength >= 0, `repulsionStrength must be >= 0, got ${repulsionStrength}`);
  const requested = options.neighbourMethod ?? 'auto';
  check(['auto', 'exact', 'nn-descent'].includes(requested), `neighbourMethod must be 'exact', 'nn-descent' or 'auto', got '${requested}'`);
  const neighbourMethod: 'exact' | 'nn-descent' = requested === 'auto' ? (n <= UMAP_EXACT_MAX_POINTS ? 'exact' : 'nn-descent') : requested;
  return { dims, neighbours, minDist, spread, epochs, learningRate, negativeSampleRate, repulsionStrength, neighbourMethod };
}

/** Drops edges too weak to be sampled even once in `epochs` (as umap-learn). */
function dropWeakEdges(weight: Float64Array, epochs: number): void {
  let wMax = 0;
  for (const w of weight) wMax = Math.max(wMax, w);
  if (epochs > 0) for (let e = 0; e < weight.length; e++) if (weight[e]! < wMax / epochs) weight[e] = 0;
}

/** The starting layout: given coordinates, random, PCA or (default) the spectral layout of the graph. */
async function initialLayout(
  be: Backend, data: HostMatrix, init: NonNullable<UmapOptions['init']>, graph: Graph, n: number, dims: number, generator: Generator,
): Promise<Float64Array> {
  if (init instanceof Float32Array || init instanceof Float64Array) {
    check(init.length === n * dims, `init has ${init.length} values; it must be [${n}, ${dims}]`);
    return Float64Array.from(init);
  }
  if (init === 'random') {
    const y = new Float64Array(n * dims);
    for (let i = 0; i < y.length; i++) y[i] = -10 + 20 * generator.uniform();
    return y;
  }
  if (init === 'pca') {
    const y = await pcaProjection(be, data, dims, generator);
    scaleToTen(y, n, dims);
    return y;
  }
  check(init === 'spectral', `init must be 'spectral', 'pca', 'random' or an array of coordinates, got '${String(init)}'`);
  const y = spectralInit(graph, n, dims, generator);
  let maxAbs = 0;
  for (const v of y) maxAbs = Math.max(maxAbs, Math.abs(v));
  const expansion = maxAbs > 0 ? 10 / maxAbs : 1;
  for (let i = 0; i < y.length; i++) y[i] = y[i]! * expansion + 1e-4 * generator.normal();
  scaleToTen(y, n, dims);
  return y;
}

/** The `kk` nearest training rows of each query row by exact Euclidean distance (ties by index). */
function exactNeighboursAmong(q: HostMatrix, data: HostMatrix, kk: number): { idx: Int32Array; dd: Float64Array } {
  const m = q.rows;
  const n = data.rows;
  const idx = new Int32Array(m * kk);
  const dd = new Float64Array(m * kk);
  const row = new Float64Array(n);
  const order = new Int32Array(n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let c = 0; c < data.cols; c++) {
        const v = q.data[i * q.cols + c]! - data.data[j * data.cols + c]!;
        s += v * v;
      }
      row[j] = Math.sqrt(s);
      order[j] = j;
    }
    const sorted = Array.from(order).sort((p, r) => row[p]! - row[r]! || p - r).slice(0, kk);
    sorted.forEach((j, t2) => {
      idx[i * kk + t2] = j;
      dd[i * kk + t2] = row[j]!;
    });
  }
  return { idx, dd };
}

/** What `transform` needs from the fitted embedding. */
interface FittedUmap { data: HostMatrix; y: Float64Array; neighbours: number; dims: number; sgd: Sgd }

/** Places new rows into a fitted embedding: weighted mean of their training neighbours, then SGD with the embedding fixed. */
async function transformRows(f: FittedUmap, xNew: Tensor, t: UmapTransformOptions): Promise<Float32Array> {
  const { data, y, dims } = f;
  const n = data.rows;
  const q = await hostMatrix(xNew, 'the rows to transform');
  check(q.cols === data.cols, `the rows to transform have ${q.cols} features; the embedding was fitted on ${data.cols}`);
  const m = q.rows;
  const tEpochs = t.epochs ?? (n <= 10000 ? 100 : 30);
  check(Number.isInteger(tEpochs) && tEpochs >= 0, `transform epochs must be a non-negative integer, got ${tEpochs}`);
  const g = toGenerator(t.seed ?? 0);
  // exact neighbours among the training rows (an identical training row is a neighbour at distance 0)
  const kk = Math.min(f.neighbours, n);
  const { idx, dd } = exactNeighboursAmong(q, data, kk);
  const { rho: r2, sigma: s2 } = smoothKnnDistances(dd, m, kk, Math.log2(kk));
  const head = new Int32Array(m * kk);
  const tail = new Int32Array(m * kk);
  const weight = new Float64Array(m * kk);
  const out = new Float64Array(m * dims);
  for (let i = 0; i < m; i++) {
    let total = 0;
    for (let t2 = 0; t2 < kk; t2++) {
      const e = i * kk + t2;
      const d = dd[e]! - r2[i]!;
      const w = d <= 0 ? 1 : Math.exp(-d / s2[i]!);
      head[e] = i;
      tail[e] = idx[e]!;
      weight[e] = w;
      total += w;
      for (let c = 0; c < dims; c++) out[i * dims + c]! += w * y[idx[e]! * dims + c]!;
    }
    for (let c = 0; c < dims; c++) out[i * dims + c]! /= total;
  }
  dropWeakEdges(weight, tEpochs);
  optimise(out, Float64Array.from(y), n, dims, head, tail, weight, { ...f.sgd, epochs: tEpochs, learningRate: f.sgd.learningRate / 4 }, false, g);
  return Float32Array.from(out);
}

/** Embed the rows of `x` ([points, features], float32) with UMAP. */
export async function umap(x: Tensor, options: UmapOptions = {}): Promise<UmapResult> {
  const be: Backend = x.backend;
  const data = await hostMatrix(x);
  const n = data.rows;
  const settings = umapSettings(options, n);
  const { dims, neighbours, minDist, spread, epochs, learningRate, negativeSampleRate, repulsionStrength, neighbourMethod } = settings;
  const generator = toGenerator(options.seed ?? 0);

  const k = neighbours - 1;
  const knn = neighbourMethod === 'exact' ? await nearestNeighbours(be, data, k) : nnDescent(data, k, generator);
  const dist = euclidean(knn);
  const { rho, sigma } = smoothKnnDistances(dist, n, k, Math.log2(neighbours));
  const graph = fuzzyGraph(knn, n, dist, rho, sigma);
  dropWeakEdges(graph.weight, epochs);
  const { a, b } = fitAB(minDist, spread);

  const init = options.init ?? 'spectral';
  const y = await initialLayout(be, data, init, graph, n, dims, generator);
  const sgd: Sgd = { a, b, gamma: repulsionStrength, learningRate, negativeRate: negativeSampleRate, epochs };
  optimise(y, y, n, dims, graph.head, graph.tail, graph.weight, sgd, true, generator, options.onEpoch);
  const embedding = Float32Array.from(y);
  const params: Record<string, unknown> = {
    ...settings,
    init: typeof init === 'string' ? init : 'given', seed: options.seed instanceof Generator ? 'generator' : (options.seed ?? 0), a, b, backend: be.name,
  };
  const transform = (xNew: Tensor, t: UmapTransformOptions = {}): Promise<Float32Array> => transformRows({ data, y, neighbours, dims, sgd }, xNew, t);
  return { embedding, rows: n, dims, a, b, edges: graph.pairs, neighbourMethod, params, transform };
}
