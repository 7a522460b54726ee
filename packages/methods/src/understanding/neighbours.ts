/**
 * Nearest neighbours of query samples in a layer's feature space: "which
 * training samples does the model see as most similar to this one?"
 * Features come from batched forward passes keeping the layer; distances
 * from one GEMM of queries against the data set on the backend:
 *   euclidean: |q|^2 + |x|^2 - 2 q.x  (features centred on the data-set mean first)
 *   cosine:    1 - q.x / (|q| |x|)     (a zero vector is at distance 1 from everything)
 */
import type { Tensor } from '@relevance/core-wasm';
import type { Model } from '../model/model.js';
import { layerFeatures, UnderstandingError } from './layer-features.js';

export type NeighbourMetric = 'euclidean' | 'cosine';

export interface NeighbourOptions {
  /** Neighbours per query (default 5). */
  k?: number;
  /** Default 'euclidean'. */
  metric?: NeighbourMetric;
  /** Leave a query that is a data-set row out of its own neighbours (default true). */
  excludeSelf?: boolean;
  batchSize?: number;
}

export interface Neighbours {
  layer: string;
  metric: NeighbourMetric;
  k: number;
  /** The data-set row of each query, or -1 for external queries. */
  queryRows: Int32Array;
  /** Data-set row indices, nearest first, [queries, k]. */
  indices: Int32Array;
  /** Their distances (euclidean: not squared), [queries, k]. */
  distances: Float32Array;
}

/**
 * `query`: a data-set row index, several indices, or query rows shaped like
 * the data ([q, ...]).
 */
export async function neighbours(model: Model, layer: string, dataset: Tensor, query: number | readonly number[] | Int32Array | Tensor, options: NeighbourOptions = {}): Promise<Neighbours> {
  const metric = options.metric ?? 'euclidean';
  if (metric !== 'euclidean' && metric !== 'cosine') throw new UnderstandingError(`neighbours: metric must be 'euclidean' or 'cosine', got '${String(metric)}'`);
  const data = await layerFeatures(model, layer, dataset, options.batchSize);
  const { rows: n, width } = data;
  let queryRows: Int32Array;
  let q: Float32Array;
  if (typeof query === 'number' || Array.isArray(query) || query instanceof Int32Array) {
    queryRows = typeof query === 'number' ? Int32Array.of(query) : Int32Array.from(query as ArrayLike<number>);
    for (const r of queryRows) if (!Number.isInteger(r) || r < 0 || r >= n) throw new UnderstandingError(`neighbours: query row ${r} is not a row of the data set (0 to ${n - 1})`);
    q = new Float32Array(queryRows.length * width);
    queryRows.forEach((r, i) => q.set(data.values.subarray(r * width, (r + 1) * width), i * width));
  } else {
    const t = query as Tensor;
    if (t.rank !== dataset.rank || t.shape.some((d, i) => i > 0 && d !== dataset.shape[i])) {
      throw new UnderstandingError(`neighbours: query rows [${t.shape.join(', ')}] must be shaped like the data set rows [${dataset.shape.slice(1).join(', ')}]`);
    }
    const f = await layerFeatures(model, layer, t, options.batchSize);
    q = f.values;
    queryRows = new Int32Array(f.rows).fill(-1);
  }
  const queries = queryRows.length;
  const excludeSelf = options.excludeSelf ?? true;
  const k = options.k ?? 5;
  const available = n - (excludeSelf && queryRows.some((r) => r >= 0) ? 1 : 0);
  if (!Number.isInteger(k) || k < 1 || k > available) throw new UnderstandingError(`neighbours: k must be an integer in [1, ${available}], got ${k}`);
  const scores = await similarity(model, data.values, q, n, queries, width, metric);
  const indices = new Int32Array(queries * k);
  const distances = new Float32Array(queries * k);
  const order = Array.from({ length: n }, (_, j) => j);
  for (let i = 0; i < queries; i++) {
    const row = scores.subarray(i * n, (i + 1) * n);
    const candidates = order.filter((j) => !(excludeSelf && j === queryRows[i]));
    candidates.sort((a, b) => row[a]! - row[b]! || a - b);
    for (let t = 0; t < k; t++) {
      const j = candidates[t]!;
      indices[i * k + t] = j;
      distances[i * k + t] = metric === 'euclidean' ? Math.sqrt(Math.max(0, row[j]!)) : row[j]!;
    }
  }
  return { layer: data.layer, metric, k, queryRows, indices, distances };
}

/** [queries, n] squared euclidean or cosine distances by one GEMM of augmented operands. */
async function similarity(model: Model, x: Float32Array, q: Float32Array, n: number, queries: number, width: number, metric: NeighbourMetric): Promise<Float32Array> {
  const be = model.be;
  const extra = metric === 'euclidean' ? 2 : 0;
  const left = new Float32Array(queries * (width + extra));
  const right = new Float32Array(n * (width + extra));
  const mean = new Float64Array(width);
  if (metric === 'euclidean') {
    for (let j = 0; j < n; j++) for (let c = 0; c < width; c++) mean[c]! += x[j * width + c]! / n;
  }
  const fill = (src: Float32Array, dst: Float32Array, r: number, isQuery: boolean): void => {
    const w = width + extra;
    let norm = 0;
    for (let c = 0; c < width; c++) norm += (src[r * width + c]! - mean[c]!) ** 2;
    const scale = metric === 'cosine' ? (norm > 0 ? 1 / Math.sqrt(norm) : 0) : 1;
    for (let c = 0; c < width; c++) dst[r * w + c] = (src[r * width + c]! - mean[c]!) * scale * (metric === 'euclidean' && !isQuery ? -2 : 1);
    if (metric === 'euclidean') {
      dst[r * w + width] = isQuery ? norm : 1;
      dst[r * w + width + 1] = isQuery ? 1 : norm;
    }
  };
  for (let i = 0; i < queries; i++) fill(q, left, i, true);
  for (let j = 0; j < n; j++) fill(x, right, j, false);
  return be.asyncScope(async () => {
    const product = (await be.gemm(be.tensor(left, [queries, width + extra]), be.tensor(right, [n, width + extra]), { transB: true }).read()) as Float32Array;
    if (metric === 'cosine') for (let i = 0; i < product.length; i++) product[i] = 1 - product[i]!;
    return product;
  });
}
