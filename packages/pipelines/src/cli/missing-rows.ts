/**
 * `--missing drop|impute` for commands that need complete rows (tsne): drop
 * the rows with a missing value, or fill each missing value with its
 * column's mean over the rows that have it. What was done is returned, to
 * be reported (never silent).
 */
import { DataError } from '../io/data-error.js';

export type MissingMode = 'error' | 'drop' | 'impute';

export interface CompleteRows {
  data: Float32Array;
  /** Input row of each output row. */
  rows: number[];
  /** Rows dropped, values imputed. */
  dropped: number;
  imputed: number;
  /** Columns (by index) that had missing values. */
  columns: number[];
}

export function completeRows(data: Float32Array, rows: number, width: number, mode: Exclude<MissingMode, 'error'>, where: string): CompleteRows {
  const missingColumns = new Set<number>();
  for (let k = 0; k < data.length; k++) if (Number.isNaN(data[k]!)) missingColumns.add(k % width);
  const columns = [...missingColumns].sort((a, b) => a - b);
  if (mode === 'drop') {
    const keep: number[] = [];
    for (let r = 0; r < rows; r++) if (!data.subarray(r * width, (r + 1) * width).some((v) => Number.isNaN(v))) keep.push(r);
    const out = new Float32Array(keep.length * width);
    keep.forEach((r, i) => out.set(data.subarray(r * width, (r + 1) * width), i * width));
    return { data: out, rows: keep, dropped: rows - keep.length, imputed: 0, columns };
  }
  const out = Float32Array.from(data);
  let imputed = 0;
  for (const j of columns) {
    let sum = 0, n = 0;
    for (let r = 0; r < rows; r++) if (!Number.isNaN(data[r * width + j]!)) (sum += data[r * width + j]!, n++);
    if (n === 0) throw new DataError(`${where}: feature column ${j + 1} has no values at all, so it cannot be imputed; leave it out of the features`);
    for (let r = 0; r < rows; r++) if (Number.isNaN(out[r * width + j]!)) (out[r * width + j] = sum / n, imputed++);
  }
  return { data: out, rows: Array.from({ length: rows }, (_, r) => r), dropped: 0, imputed, columns };
}
