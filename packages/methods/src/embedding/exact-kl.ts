/**
 * The exact t-SNE cost of any embedding against a given P, for comparing
 * embeddings made by different programs (ours, scikit-learn's) on equal terms:
 *   KL(P || Q) = sum p log p - sum p log w + log Z,
 *   w_ij = 1 / (1 + |y_i - y_j|^2),  Z = sum_{i != j} w_ij  (all n (n - 1) pairs, no tree),
 * summed in float64 whatever the precision of y. O(n^2) time, O(1) extra memory.
 */
import type { SparseAffinities } from './joint-probabilities.js';

/** KL(P || Q) of the embedding `y` ([n, dims], row-major) with the exact normaliser Z. */
export function exactKlDivergence(p: SparseAffinities, y: ArrayLike<number>, dims: number): number {
  const { rows: n, rowStart, columns, values } = p;
  if (y.length !== n * dims) throw new Error(`exactKlDivergence: the embedding has ${y.length} values; P needs [${n}, ${dims}]`);
  let z = 0;
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let j = i + 1; j < n; j++) {
      let d = 0;
      for (let k = 0; k < dims; k++) {
        const v = y[i * dims + k]! - y[j * dims + k]!;
        d += v * v;
      }
      row += 1 / (1 + d);
    }
    z += 2 * row;
  }
  let pLogP = 0, pLogW = 0;
  for (let i = 0; i < n; i++) {
    for (let t = rowStart[i]!; t < rowStart[i + 1]!; t++) {
      const v = values[t]!;
      if (!(v > 0)) continue;
      const j = columns[t]!;
      let d = 0;
      for (let k = 0; k < dims; k++) {
        const u = y[i * dims + k]! - y[j * dims + k]!;
        d += u * u;
      }
      pLogP += v * Math.log(v);
      pLogW -= v * Math.log1p(d);
    }
  }
  return pLogP - pLogW + Math.log(z);
}

/** The nonzero entries of a dense symmetric n x n P (zero diagonal) as compressed sparse rows. */
export function denseToSparse(dense: ArrayLike<number>, n: number): SparseAffinities {
  const rowStart = new Int32Array(n + 1);
  let count = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) if (j !== i && dense[i * n + j]! > 0) count++;
    rowStart[i + 1] = count;
  }
  const columns = new Int32Array(count);
  const values = new Float64Array(count);
  for (let i = 0, t = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (j === i || !(dense[i * n + j]! > 0)) continue;
      columns[t] = j;
      values[t++] = dense[i * n + j]!;
    }
  }
  return { rows: n, rowStart, columns, values };
}
