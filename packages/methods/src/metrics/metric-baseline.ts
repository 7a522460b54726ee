/**
 * The reference input that "removed" features take: a number for every
 * element, 'mean' (the inputs' per-element mean), or values for one row
 * (shared) or for every row.
 */
import { MetricError, type HostRows } from './metric-inputs.js';

export type MetricBaseline = number | 'mean' | Float32Array | readonly number[];

/** The baseline row for each input row. */
export function baselineRows(metric: string, inputs: HostRows, baseline: MetricBaseline | undefined): (row: number) => Float32Array {
  const { data, rows, rowSize } = inputs;
  const b = baseline ?? 0;
  if (typeof b === 'number') {
    if (!Number.isFinite(b)) throw new MetricError(`${metric}: baseline must be finite, got ${b}`);
    const row = new Float32Array(rowSize).fill(b);
    return () => row;
  }
  if (b === 'mean') {
    const mean = new Float32Array(rowSize);
    for (let e = 0; e < rowSize; e++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += data[r * rowSize + e]!;
      mean[e] = s / rows;
    }
    return () => mean;
  }
  if (typeof b === 'string') throw new MetricError(`${metric}: baseline must be a number, 'mean' or an array, got '${b}'`);
  const values = b instanceof Float32Array ? b : Float32Array.from(b);
  if (values.length === rowSize) return () => values;
  if (values.length === rows * rowSize) return (r) => values.subarray(r * rowSize, (r + 1) * rowSize);
  throw new MetricError(`${metric}: baseline has ${values.length} values; give one row (${rowSize}) or every row (${rows * rowSize})`);
}
