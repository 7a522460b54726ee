/**
 * Total variation of an attribution map, the smoothness measure of
 * SmoothTaylor (Goh et al. 2020), anisotropic (L1) form:
 *   images [C, H, W]: sum |a[c,y,x+1] - a[c,y,x]| + |a[c,y+1,x] - a[c,y,x]|;
 *   signals [C, L]:   sum |a[c,t+1] - a[c,t]|;
 *   tabular [F]:      sum |a[o_{i+1}] - a[o_i]| along a given feature order
 *                     (e.g. spectral or genomic position); without one,
 *                     features have no neighbours and the variation is 0.
 * `normalize` divides each row's map by its max |a| (or sum |a|) first, so
 * methods with different output scales can be compared.
 */
import { finiteMean, MetricError } from './metric-inputs.js';
import { mapGeometry, type ExplanationMap, type RowScores } from './explanation-map.js';

export interface TotalVariationOptions {
  /** Tabular maps: the feature order along which neighbours differ ('natural' = column order). Default none: 0. */
  featureOrder?: 'natural' | readonly number[] | Int32Array;
  /** Scale each row first: 'none' (default), 'max-abs' or 'sum-abs'. */
  normalize?: 'none' | 'max-abs' | 'sum-abs';
}

export function totalVariation(map: ExplanationMap, options: TotalVariationOptions = {}): RowScores {
  const { values, rows, rowSize, rowShape } = mapGeometry('totalVariation', map);
  const normalize = options.normalize ?? 'none';
  if (!['none', 'max-abs', 'sum-abs'].includes(normalize)) throw new MetricError(`totalVariation: normalize must be 'none', 'max-abs' or 'sum-abs', got '${normalize}'`);
  let order: ArrayLike<number> | null = null;
  if (rowShape.length === 1 && options.featureOrder !== undefined) {
    order = options.featureOrder === 'natural' ? Int32Array.from({ length: rowSize }, (_, i) => i) : options.featureOrder;
    for (let i = 0; i < order.length; i++) {
      const f = order[i]!;
      if (!Number.isInteger(f) || f < 0 || f >= rowSize) throw new MetricError(`totalVariation: featureOrder[${i}] = ${f} is not a feature index (0 to ${rowSize - 1})`);
    }
  }
  const perRow = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const a = values.subarray(r * rowSize, (r + 1) * rowSize);
    let scale = 1;
    if (normalize !== 'none') {
      let s = 0;
      for (let i = 0; i < rowSize; i++) s = normalize === 'max-abs' ? Math.max(s, Math.abs(a[i]!)) : s + Math.abs(a[i]!);
      scale = s > 0 ? 1 / s : 1;
    }
    perRow[r] = scale * rowVariation(a, rowShape, order);
  }
  return { mean: finiteMean(perRow), perRow };
}

function rowVariation(a: Float32Array | Float64Array, rowShape: readonly number[], order: ArrayLike<number> | null): number {
  let tv = 0;
  if (rowShape.length === 1) {
    if (!order) return 0;
    for (let i = 0; i + 1 < order.length; i++) tv += Math.abs(a[order[i + 1]!]! - a[order[i]!]!);
    return tv;
  }
  // the last two axes are spatial for images, the last one for signals; leading axes are channels
  const w = rowShape[rowShape.length - 1]!;
  const h = rowShape.length >= 3 ? rowShape[rowShape.length - 2]! : 1;
  const planes = a.length / (h * w);
  for (let c = 0; c < planes; c++) {
    const base = c * h * w;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = a[base + y * w + x]!;
        if (x + 1 < w) tv += Math.abs(a[base + y * w + x + 1]! - v);
        if (y + 1 < h) tv += Math.abs(a[base + (y + 1) * w + x]! - v);
      }
    }
  }
  return tv;
}
