/**
 * Batched evaluation of many perturbed copies: copies are filled on the host
 * one model row at a time into a batch buffer, the model runs once per batch
 * (no tape), and only each copy's target output is kept. So all steps of many
 * rows go through a few forward calls, and device memory stays bounded.
 */
import type { Model } from '../model/model.js';

/** Default copies per forward call: about 8 MB of input, at most 1024 rows. */
export function defaultCopyBatch(rowSize: number): number {
  return Math.min(1024, Math.max(1, Math.floor(2 ** 21 / Math.max(rowSize, 1))));
}

/**
 * f_target(copy) for `count` copies. `fill(index, out)` writes copy `index`
 * (one input row) into `out`; `target(index)` names its output index.
 */
export async function targetOutputs(
  model: Model,
  rowShape: readonly number[],
  count: number,
  fill: (index: number, out: Float32Array) => void,
  target: (index: number) => number,
  batchSize?: number,
): Promise<Float64Array> {
  const be = model.be;
  const rowSize = rowShape.reduce((a, b) => a * b, 1);
  const batch = Math.max(1, Math.min(count, batchSize ?? defaultCopyBatch(rowSize)));
  const out = new Float64Array(count);
  const buffer = new Float32Array(batch * rowSize);
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    for (let k = 0; k < n; k++) fill(start + k, buffer.subarray(k * rowSize, (k + 1) * rowSize));
    const x = be.tensor(n === batch ? buffer : buffer.slice(0, n * rowSize), [n, ...rowShape]);
    try {
      const y = model.predict(x);
      try {
        const values = (await y.read()) as Float32Array;
        const width = values.length / n;
        for (let k = 0; k < n; k++) out[start + k] = values[k * width + target(start + k)]!;
      } finally {
        y.dispose();
      }
    } finally {
      x.dispose();
    }
  }
  return out;
}

/**
 * f_target of `perRow` copies of every input row (copy index = row * perRow + copy),
 * each at its row's target. `fill(row, copy, x, out)` writes the copy into `out`;
 * `x` is the row itself.
 */
export function rowCopyOutputs(
  model: Model,
  host: { data: Float32Array; rows: number; rowSize: number; rowShape: readonly number[] },
  perRow: number,
  targets: ArrayLike<number>,
  fill: (row: number, copy: number, x: Float32Array, out: Float32Array) => void,
  batchSize?: number,
): Promise<Float64Array> {
  const { data, rows, rowSize, rowShape } = host;
  return targetOutputs(
    model,
    rowShape,
    rows * perRow,
    (index, out) => {
      const r = Math.floor(index / perRow);
      fill(r, index % perRow, data.subarray(r * rowSize, (r + 1) * rowSize), out);
    },
    (index) => targets[Math.floor(index / perRow)]!,
    batchSize,
  );
}
