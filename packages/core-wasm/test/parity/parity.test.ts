/**
 * Every kernel on every available backend against the reference backend.
 * See cases.ts for the shapes and the tolerance of each kernel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend, type Tensor } from '../../src/index.js';
import { backendsUnderTest } from '../helpers/backends.js';
import { parityCases, type ParityCase } from './cases.js';

const ULP_SUM = 2 ** -22;

async function runCase(be: Backend, c: ParityCase, abs: boolean): Promise<Array<{ shape: readonly number[]; dtype: string; values: Float32Array | Int32Array }>> {
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
function firstMismatch(c: ParityCase, ref: Float32Array | Int32Array, got: Float32Array | Int32Array, magnitude: Float32Array | Int32Array | null): string | null {
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

const reference = await createBackend('reference');
const targets = await backendsUnderTest();

afterAll(() => {
  for (const t of targets) t.backend?.destroy();
});

for (const target of targets) {
  describe.skipIf(!target.backend)(`parity: ${target.name} vs reference${target.backend ? '' : ` (skipped: ${target.reason})`}`, () => {
    beforeAll(() => {
      if (!target.backend) console.log(`${target.name} parity skipped: ${target.reason}`);
    });
    const byKernel = new Map<string, ParityCase[]>();
    for (const c of parityCases) byKernel.set(c.kernel, [...(byKernel.get(c.kernel) ?? []), c]);
    for (const [kernel, list] of byKernel) {
      it(kernel, async () => {
        const be = target.backend!;
        for (const c of list) {
          const ref = await runCase(reference, c, false);
          const mag = c.tolerance.kind === 'reduction' ? await runCase(reference, c, true) : null;
          const got = await runCase(be, c, false);
          expect(got.length, `${c.kernel} ${c.label}: output count`).toBe(ref.length);
          for (let o = 0; o < ref.length; o++) {
            const where = `${target.name} ${c.kernel} ${c.label} output ${o}`;
            expect(got[o]!.shape, `${where}: shape`).toEqual(ref[o]!.shape);
            expect(got[o]!.dtype, `${where}: dtype`).toBe(ref[o]!.dtype);
            const bad = firstMismatch(c, ref[o]!.values, got[o]!.values, mag ? mag[o]!.values : null);
            expect(bad, where).toBeNull();
          }
        }
      });
    }
  });
}
