/**
 * z-scores with training statistics: mean and sample standard deviation per
 * feature over the reference rows (float64), applied to every row. A constant
 * feature keeps sd 1 (it becomes 0 everywhere instead of NaN).
 */
export interface Standardization {
  mean: Float64Array;
  sd: Float64Array;
}

export function fitStandardization(x: Float32Array, width: number, rows: ArrayLike<number>): Standardization {
  const mean = new Float64Array(width);
  const sd = new Float64Array(width);
  const n = rows.length;
  for (let i = 0; i < n; i++) for (let j = 0; j < width; j++) mean[j] += x[rows[i]! * width + j]!;
  for (let j = 0; j < width; j++) mean[j] /= n;
  for (let i = 0; i < n; i++) for (let j = 0; j < width; j++) sd[j] += (x[rows[i]! * width + j]! - mean[j]!) ** 2;
  for (let j = 0; j < width; j++) {
    const s = n > 1 ? Math.sqrt(sd[j]! / (n - 1)) : 0;
    sd[j] = s > 0 && Number.isFinite(s) ? s : 1;
  }
  return { mean, sd };
}

export function applyStandardization(x: Float32Array, width: number, s: Standardization): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const j = i % width;
    out[i] = (x[i]! - s.mean[j]!) / s.sd[j]!;
  }
  return out;
}

/** Per-feature mean of the given rows (the attribution baseline). */
export function rowMean(x: Float32Array, width: number, rows: ArrayLike<number>): Float32Array {
  const m = new Float64Array(width);
  for (let i = 0; i < rows.length; i++) for (let j = 0; j < width; j++) m[j] += x[rows[i]! * width + j]!;
  return Float32Array.from(m, (v) => v / rows.length);
}
