/**
 * Sparseness (Chalasani et al., ICML 2020): the Gini index of |phi| per row,
 *   G = sum_{k=1..n} (2k - n - 1) a_(k) / (n sum_k a_(k)),  a_(1) <= ... <= a_(n).
 * A constant map gives 0; a map with one nonzero element gives the maximum,
 * exactly 1 - 1/n. An all-zero row has no Gini index (NaN).
 */
import { finiteMean } from './metric-inputs.js';
import { mapGeometry, type ExplanationMap, type RowScores } from './explanation-map.js';

export function giniIndex(values: ArrayLike<number>): number {
  const a = Float64Array.from(values as ArrayLike<number>, Math.abs).sort();
  const n = a.length;
  let total = 0;
  let weighted = 0;
  for (let k = 0; k < n; k++) {
    total += a[k]!;
    weighted += (2 * (k + 1) - n - 1) * a[k]!;
  }
  return total > 0 ? weighted / (n * total) : NaN;
}

export function sparseness(map: ExplanationMap): RowScores {
  const { values, rows, rowSize } = mapGeometry('sparseness', map);
  const perRow = Float64Array.from({ length: rows }, (_, r) => giniIndex(values.subarray(r * rowSize, (r + 1) * rowSize)));
  return { mean: finiteMean(perRow), perRow };
}
