/**
 * Every kernel on every available backend against the reference backend.
 * See cases.ts for the shapes and the tolerance of each kernel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../src/index.js';
import { backendsUnderTest } from '../helpers/backends.js';
import { parityCases, type ParityCase } from './cases.js';
import { firstMismatch, runCase } from './compare.js';

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
