/**
 * Squared euclidean distances on the backend's GEMM: one product per block of
 * rows, with the norms folded into the operands so no n x n temporary is
 * needed besides the block itself:
 *   [x_i, |x_i|^2, 1] . [-2 x_j, 1, |x_j|^2] = |x_i - x_j|^2.
 * The data are centred first: distances do not change and float32 keeps more
 * of the difference when the norms are small.
 */
import type { Backend, Tensor } from '@relevance/core-wasm';

/** Row-major host matrix. */
export interface HostMatrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

/** The two augmented operands of the distance GEMM, on the backend (the caller disposes them). */
export interface DistanceOperands {
  /** [n, p + 2]: x_i, |x_i|^2, 1 */
  left: Tensor;
  /** [n, p + 2]: -2 x_j, 1, |x_j|^2 */
  right: Tensor;
  rows: number;
  dispose(): void;
}

export function distanceOperands(be: Backend, x: HostMatrix): DistanceOperands {
  const { rows, cols } = x;
  const mean = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mean[j]! += x.data[i * cols + j]!;
  for (let j = 0; j < cols; j++) mean[j]! /= Math.max(rows, 1);
  const width = cols + 2;
  const left = new Float32Array(rows * width);
  const right = new Float32Array(rows * width);
  for (let i = 0; i < rows; i++) {
    let norm = 0;
    for (let j = 0; j < cols; j++) {
      const v = x.data[i * cols + j]! - mean[j]!;
      norm += v * v;
      left[i * width + j] = v;
      right[i * width + j] = -2 * v;
    }
    left[i * width + cols] = norm;
    left[i * width + cols + 1] = 1;
    right[i * width + cols] = 1;
    right[i * width + cols + 1] = norm;
  }
  const l = be.tensor(left, [rows, width]);
  const r = be.tensor(right, [rows, width]);
  return {
    left: l,
    right: r,
    rows,
    dispose() {
      l.dispose();
      r.dispose();
    },
  };
}

/** Squared distances of rows [start, end) to every row, [end - start, n] on the host (negatives from rounding clamped to 0). */
export async function distanceBlock(be: Backend, ops: DistanceOperands, start: number, end: number): Promise<Float32Array> {
  const block = start === 0 && end === ops.rows ? ops.left : be.slice(ops.left, [start, 0], [end, ops.left.shape[1]!]);
  try {
    const d = be.gemm(block, ops.right, { transB: true });
    try {
      const values = (await d.read()) as Float32Array;
      for (let i = 0; i < values.length; i++) if (values[i]! < 0) values[i] = 0;
      return values;
    } finally {
      d.dispose();
    }
  } finally {
    if (block !== ops.left) block.dispose();
  }
}

/** Rows per GEMM block: about 4 M distances at a time. */
export function blockRows(n: number): number {
  return Math.max(1, Math.min(n, Math.floor(4_194_304 / Math.max(n, 1))));
}

/** The full n x n matrix of squared distances (diagonal 0), on the host. */
export async function squaredDistanceMatrix(be: Backend, x: HostMatrix): Promise<Float32Array> {
  const n = x.rows;
  const ops = distanceOperands(be, x);
  try {
    const out = new Float32Array(n * n);
    const step = blockRows(n);
    for (let s = 0; s < n; s += step) {
      const e = Math.min(n, s + step);
      out.set(await distanceBlock(be, ops, s, e), s * n);
    }
    for (let i = 0; i < n; i++) out[i * n + i] = 0;
    return out;
  } finally {
    ops.dispose();
  }
}

/** The k nearest other rows of every row: indices and squared distances, nearest first ([n, k] each). */
export interface NearestNeighbours {
  k: number;
  indices: Int32Array;
  distances: Float32Array;
}

/**
 * Exact k nearest neighbours (self excluded) from blocked GEMM distances and a
 * bounded max-heap per row. Ties go to the lower index, so the result does not
 * depend on the block size.
 */
export async function nearestNeighbours(be: Backend, x: HostMatrix, k: number): Promise<NearestNeighbours> {
  const n = x.rows;
  if (!Number.isInteger(k) || k < 1 || k > n - 1) throw new RangeError(`nearestNeighbours: k must be an integer in [1, ${n - 1}], got ${k}`);
  const indices = new Int32Array(n * k);
  const distances = new Float32Array(n * k);
  const ops = distanceOperands(be, x);
  const heapD = new Float64Array(k);
  const heapI = new Int32Array(k);
  try {
    const step = blockRows(n);
    for (let s = 0; s < n; s += step) {
      const e = Math.min(n, s + step);
      const block = await distanceBlock(be, ops, s, e);
      for (let r = 0; r < e - s; r++) {
        const i = s + r;
        const row = block.subarray(r * n, (r + 1) * n);
        let size = 0;
        for (let j = 0; j < n; j++) {
          if (j === i) continue;
          const d = row[j]!;
          if (size < k) {
            heapPush(heapD, heapI, size++, d, j);
          } else if (d < heapD[0]! || (d === heapD[0]! && j < heapI[0]!)) {
            heapReplaceTop(heapD, heapI, size, d, j);
          }
        }
        // pop in descending order, fill from the back
        for (let t = size - 1; t >= 0; t--) {
          indices[i * k + t] = heapI[0]!;
          distances[i * k + t] = heapD[0]!;
          heapD[0] = heapD[t]!;
          heapI[0] = heapI[t]!;
          siftDown(heapD, heapI, t, 0);
        }
      }
    }
  } finally {
    ops.dispose();
  }
  return { k, indices, distances };
}

/** a is "after" b in the max-heap order (larger distance, ties: larger index). */
function greater(da: number, ia: number, db: number, ib: number): boolean {
  return da > db || (da === db && ia > ib);
}

function heapPush(d: Float64Array, idx: Int32Array, size: number, value: number, index: number): void {
  let c = size;
  d[c] = value;
  idx[c] = index;
  while (c > 0) {
    const p = (c - 1) >> 1;
    if (!greater(d[c]!, idx[c]!, d[p]!, idx[p]!)) break;
    swap(d, idx, c, p);
    c = p;
  }
}

function heapReplaceTop(d: Float64Array, idx: Int32Array, size: number, value: number, index: number): void {
  d[0] = value;
  idx[0] = index;
  siftDown(d, idx, size, 0);
}

function siftDown(d: Float64Array, idx: Int32Array, size: number, from: number): void {
  let p = from;
  for (;;) {
    const l = 2 * p + 1;
    if (l >= size) return;
    const r = l + 1;
    let m = l;
    if (r < size && greater(d[r]!, idx[r]!, d[l]!, idx[l]!)) m = r;
    if (!greater(d[m]!, idx[m]!, d[p]!, idx[p]!)) return;
    swap(d, idx, m, p);
    p = m;
  }
}

function swap(d: Float64Array, idx: Int32Array, a: number, b: number): void {
  const td = d[a]!;
  d[a] = d[b]!;
  d[b] = td;
  const ti = idx[a]!;
  idx[a] = idx[b]!;
  idx[b] = ti;
}
