/**
 * Running a parity case and checking it against the reference (the tolerances
 * of cases.ts). Shared by the parity suite and the browser app's in-page run
 * of it (apps/studio/test/browser).
 */
import type { Backend, Tensor } from '../../src/index.js';
import type { ParityCase } from './cases.js';

const ULP_SUM = 2 ** -22;

export async function runCase(be: Backend, c: ParityCase, abs: boolean): Promise<Array<{ shape: readonly number[]; dtype: string; values: Float32Array | Int32Array }>> {
  const before = be.memory().tensors;
  const outputs = await be.asyncScope(async () => {
    const ts: Tensor[] = c.run(be, abs);
    const read = [];
    for (const t of ts) read.push({ shape: t.shape, dtype: t.dtype, values: await t.read() });
    return read;
  });
  const after = be.memory().tensors;
  if (after !== before) throw new Error(`${c.kernel} ${c.label}: ${after - before} tensors leaked on ${be.name}`);
  return outputs;
}

/** First element that breaks the tolerance, or null. */
export function firstMismatch(c: ParityCase, ref: Float32Array | Int32Array, got: Float32Array | Int32Array, magnitude: Float32Array | Int32Array | null): string | null {
  const tol = c.tolerance;
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i]!;
    const x = got[i]!;
    let ok: boolean;
    let bound = 0;
    if (tol.kind === 'exact' || ref instanceof Int32Array) {
      ok = Object.is(r, x) || r === x;
    } else if (tol.kind === 'elementwise') {
      bound = (tol.atol ?? 1e-6) + (tol.rtol ?? 1e-5) * Math.abs(r);
      ok = Math.abs(x - r) <= bound || (Number.isNaN(r) && Number.isNaN(x));
    } else {
      bound = 1e-5 * Math.abs(r) + tol.length * ULP_SUM * Math.abs(magnitude ? magnitude[i]! : r) + 1e-30;
      ok = Math.abs(x - r) <= bound;
    }
    if (!ok) return `element ${i}: expected ${r}, got ${x} (|diff| ${Math.abs(x - r).toExponential(3)}, bound ${bound.toExponential(3)})`;
  }
  return null;
}
