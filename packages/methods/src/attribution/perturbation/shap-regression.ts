/**
 * KernelSHAP's regressions on threads: one constrained weighted least squares
 * per input row (stats/parallel.ts, job 'kernel-shap-regression'). The rows of
 * a chunk are packed into one float64 block, row i at `offsets[i]`:
 *
 *   [d, n, delta, w (n), y (n), z (ceil(n d / 32) words of 32 coalition bits)]
 *
 * and every thread, the calling one included, solves a row from that block
 * with the same code, so the result does not depend on the thread count.
 */
import type { DataMatrix } from '../../stats/networks.js';
import { parallelRows, type RowFunction } from '../../stats/parallel.js';
import { solveLinear } from './weighted-regression.js';

/** One row's regression: n coalitions over d features (bytes, n x d), weights, responses, and the efficiency constraint. */
export interface ShapRegression {
  d: number;
  n: number;
  z: Uint8Array;
  w: Float64Array;
  y: Float64Array;
  delta: number;
}

const BITS = 32;

/** Float64 words of a packed row. */
function packedLength(r: ShapRegression): number {
  return 3 + 2 * r.n + Math.ceil((r.n * r.d) / BITS);
}

/** Pack the rows (see the file comment); offsets[i] is where row i starts. */
export function packRegressions(rows: readonly ShapRegression[]): { values: Float64Array; offsets: Float64Array } {
  const offsets = new Float64Array(rows.length);
  let total = 0;
  rows.forEach((r, i) => {
    offsets[i] = total;
    total += packedLength(r);
  });
  const values = new Float64Array(total);
  rows.forEach((r, i) => {
    let at = offsets[i]!;
    values[at++] = r.d;
    values[at++] = r.n;
    values[at++] = r.delta;
    values.set(r.w, at);
    values.set(r.y.subarray(0, r.n), at + r.n);
    at += 2 * r.n;
    const bits = r.n * r.d;
    for (let b = 0; b < bits; b++) if (r.z[b]) values[at + Math.floor(b / BITS)]! += 2 ** (b % BITS);
  });
  return { values, offsets };
}

/**
 * min sum_k w_k (y_k - z_k.phi)^2 subject to sum(phi) = delta, via the KKT system
 * [Z'WZ 1; 1' 0] [phi; mu] = [Z'Wy; delta]. A relative 1e-10 ridge on Z'WZ keeps
 * features that were never separated by the samples solvable (they split their credit evenly).
 * Row `index` of the packed block, padded with zeros to `width` values.
 */
export function shapRegressionRow(data: Float64Array, offsets: ArrayLike<number>, width: number): RowFunction {
  return (index) => {
    let at = offsets[index]!;
    const d = data[at++]!;
    const n = data[at++]!;
    const delta = data[at++]!;
    const out = new Float64Array(width);
    if (d === 1) {
      out[0] = delta;
      return out;
    }
    const w = data.subarray(at, at + n);
    const y = data.subarray(at + n, at + 2 * n);
    const zWords = at + 2 * n;
    const size = d + 1;
    const a = new Float64Array(size * size);
    const b = new Float64Array(size);
    const active: number[] = [];
    for (let k = 0; k < n; k++) {
      const wk = w[k]!;
      active.length = 0;
      for (let j = 0; j < d; j++) {
        const bit = k * d + j;
        if ((data[zWords + Math.floor(bit / BITS)]! >>> (bit % BITS)) & 1) active.push(j);
      }
      for (const i of active) {
        b[i]! += wk * y[k]!;
        for (const j of active) a[i * size + j]! += wk;
      }
    }
    let trace = 0;
    for (let j = 0; j < d; j++) trace += a[j * size + j]!;
    const ridge = 1e-10 * Math.max(trace / d, 1e-300);
    for (let j = 0; j < d; j++) {
      a[j * size + j]! += ridge;
      a[j * size + d] = 1;
      a[d * size + j] = 1;
    }
    b[d] = delta;
    out.set(solveLinear(a, b, size).subarray(0, d));
    return out;
  };
}

/** The row job a stats worker runs (row-jobs.ts). */
export function shapRegressionJob(d: DataMatrix, o: Record<string, unknown>): RowFunction {
  return shapRegressionRow(d.values as Float64Array, o.offsets as Float64Array, o.width as number);
}

/** Solve every row's regression on `threads` threads; phi of row i is the first d_i values of result i. */
export function solveShapRegressions(rows: readonly ShapRegression[], threads: number): Float64Array[] {
  if (rows.length === 0) return [];
  const width = Math.max(...rows.map((r) => r.d));
  const { values, offsets } = packRegressions(rows);
  const options = { offsets, width };
  const indices = rows.map((_, i) => i);
  const flat = parallelRows('kernel-shap-regression', { values, rows: 1, cols: values.length }, options, indices, width, threads, () => shapRegressionRow(values, offsets, width));
  return rows.map((r, i) => flat.subarray(i * width, i * width + r.d));
}
