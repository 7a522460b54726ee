/**
 * Complexity (Bhatt et al., IJCAI 2020): the entropy of the fractional
 * contributions P_i = |phi_i| / sum_j |phi_j| per row (natural log),
 *   H = -sum_i P_i log P_i,
 * from 0 (one element holds everything) to log n (uniform). An all-zero row
 * has no distribution (NaN).
 */
import { finiteMean } from './metric-inputs.js';
import { mapGeometry, type ExplanationMap, type RowScores } from './explanation-map.js';

export function contributionEntropy(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += Math.abs(values[i]!);
  if (!(total > 0)) return NaN;
  let h = 0;
  for (let i = 0; i < values.length; i++) {
    const p = Math.abs(values[i]!) / total;
    if (p > 0) h -= p * Math.log(p);
  }
  return h;
}

export function complexity(map: ExplanationMap): RowScores {
  const { values, rows, rowSize } = mapGeometry('complexity', map);
  const perRow = Float64Array.from({ length: rows }, (_, r) => contributionEntropy(values.subarray(r * rowSize, (r + 1) * rowSize)));
  return { mean: finiteMean(perRow), perRow };
}
