/**
 * Symmetrised joint probabilities p_ij = (p_{j|i} + p_{i|j}) / (2n), dense
 * (exact t-SNE) or sparse over the union of the k-nearest-neighbour graphs
 * (Barnes-Hut t-SNE, van der Maaten 2014), plus sum p log p for the KL.
 */

/** Compressed sparse rows of a symmetric matrix with zero diagonal. */
export interface SparseAffinities {
  rows: number;
  /** rowStart[i]..rowStart[i + 1] index `columns` and `values` (columns ascending). */
  rowStart: Int32Array;
  columns: Int32Array;
  values: Float64Array;
}

/** sum p log p over the nonzero entries. */
export function negativeEntropy(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) {
    const p = values[i]!;
    if (p > 0) s += p * Math.log(p);
  }
  return s;
}

/** Dense n x n joint probabilities from dense conditionals (float32 for the backend unless `out` is given). */
export function denseJointProbabilities<T extends Float32Array | Float64Array = Float32Array>(conditional: Float64Array, n: number, out: T = new Float32Array(n * n) as T): T {
  const scale = 1 / (2 * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = (conditional[i * n + j]! + conditional[j * n + i]!) * scale;
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  return out;
}

/** Sparse joint probabilities from k-nearest-neighbour conditionals ([n, k] probabilities and neighbour indices). */
export function sparseJointProbabilities(conditional: Float64Array, neighbours: Int32Array, n: number, k: number): SparseAffinities {
  const counts = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      counts[i + 1]!++;
      counts[neighbours[i * k + t]! + 1]!++;
    }
  }
  for (let i = 0; i < n; i++) counts[i + 1]! += counts[i]!;
  const fill = counts.slice(0, n);
  const cols = new Int32Array(counts[n]!);
  const vals = new Float64Array(counts[n]!);
  const scale = 1 / (2 * n);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      const j = neighbours[i * k + t]!;
      const v = conditional[i * k + t]! * scale;
      let at = fill[i]!++;
      cols[at] = j;
      vals[at] = v;
      at = fill[j]!++;
      cols[at] = i;
      vals[at] = v;
    }
  }
  // sort each row by column and merge the duplicates (pairs that are neighbours both ways)
  const rowStart = new Int32Array(n + 1);
  const outCols: number[] = [];
  const outVals: number[] = [];
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    rowStart[i] = outCols.length;
    const s = counts[i]!;
    const e = counts[i + 1]!;
    order.length = 0;
    for (let a = s; a < e; a++) order.push(a);
    order.sort((a, b) => cols[a]! - cols[b]!);
    let last = -1;
    for (const a of order) {
      if (cols[a] === last) outVals[outVals.length - 1]! += vals[a]!;
      else {
        last = cols[a]!;
        outCols.push(last);
        outVals.push(vals[a]!);
      }
    }
  }
  rowStart[n] = outCols.length;
  return { rows: n, rowStart, columns: Int32Array.from(outCols), values: Float64Array.from(outVals) };
}
