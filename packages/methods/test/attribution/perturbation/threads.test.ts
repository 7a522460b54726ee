/**
 * KernelSHAP's per-row regressions on threads (shap-regression.ts through
 * stats/parallel.ts): identical bytes for 1, 2 and 3 threads, on rows with
 * enough work that the workers claim some, and the packed solver agrees with
 * an independent dense weighted least squares. Workers run the built module
 * (dist/): `npm test` builds first.
 */
import { describe, expect, it } from 'vitest';
import { createBackend, Generator } from '@relevance/core-wasm';
import { kernelShap } from '../../../src/index.js';
import { solveShapRegressions, type ShapRegression } from '../../../src/attribution/perturbation/shap-regression.js';
import { hostModel, randomArray } from './helpers.js';

const be = await createBackend('reference');
const bytes = (a: Float32Array | Float64Array): number[] => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

describe('KernelSHAP regressions on threads', () => {
  const D = 14;
  const ROWS = 24;
  const model = hostModel(be, D, 2, (x) => {
    let s = 0, p = 1;
    for (let j = 0; j < D; j++) {
      s += Math.tanh(x[j]! * (j + 1) * 0.3);
      if (j < 4) p *= x[j]!;
    }
    return [s + p, s * s];
  });
  const x = be.tensor(randomArray(ROWS * D, 5), [ROWS, D]);

  it('the same bytes for 1, 2 and 3 threads', async () => {
    const run = async (threads: number): Promise<Float32Array> =>
      (await kernelShap(model, x, { target: 1, samples: 900, enumerate: false, seed: 3, threads })).values as Float32Array;
    const one = await run(1);
    expect(one.some((v) => v !== 0)).toBe(true);
    for (const threads of [2, 3]) expect(bytes(await run(threads))).toEqual(bytes(one));
  });

  it('each packed regression equals a dense constrained least squares', () => {
    const g = new Generator(9);
    const rows: ShapRegression[] = [3, 5, 1, 7].map((d) => {
      const n = d === 1 ? 0 : 40;
      const z = Uint8Array.from({ length: n * d }, () => (g.uniform() < 0.5 ? 1 : 0));
      return { d, n, z, w: Float64Array.from({ length: n }, () => 0.5 + g.uniform()), y: Float64Array.from({ length: n }, () => g.normal()), delta: g.normal() };
    });
    const got = solveShapRegressions(rows, 2);
    rows.forEach((r, i) => {
      const phi = got[i]!;
      expect(phi.length).toBe(r.d);
      // the constraint holds, and the gradient of the weighted loss is the same for every feature (one Lagrange multiplier)
      expect(phi.reduce((a, b) => a + b, 0)).toBeCloseTo(r.delta, 9);
      if (r.d === 1) return;
      const grad = new Float64Array(r.d);
      for (let k = 0; k < r.n; k++) {
        let pred = 0;
        for (let j = 0; j < r.d; j++) pred += r.z[k * r.d + j]! * phi[j]!;
        for (let j = 0; j < r.d; j++) grad[j]! += r.w[k]! * (r.y[k]! - pred) * r.z[k * r.d + j]!;
      }
      for (let j = 1; j < r.d; j++) expect(grad[j]!).toBeCloseTo(grad[0]!, 6);
    });
  });

  it('rejects a bad threads option by name', async () => {
    await expect(kernelShap(model, x, { threads: 0 })).rejects.toThrow(/kernel-shap: option threads/);
  });
});
