/**
 * Work on threads (stats/parallel.ts): GENIE3, GRNBoost2, the
 * discretisation under PIDC and CLR, and Barnes-Hut t-SNE's repulsions give
 * the same bytes for any thread count, and a row computed with the others
 * equals the row computed alone. Workers run the built module (dist/): `npm test` builds first.
 */
import { describe, expect, it } from 'vitest';
import { createBackend, Generator } from '@relevance/core-wasm';
import { stats, tsne } from '../../src/index.js';
import { chain } from '../helpers/chain-data.js';

const bytes = (a: Float64Array): number[] => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

describe('network baselines on threads', () => {
  const d = chain(300, 9, 11);

  it('GENIE3 and GRNBoost2: identical bytes for 1, 2 and 3 threads, and each row as computed alone', () => {
    const g1 = stats.genie3(d, { trees: 12, seed: 4 });
    const gb1 = stats.grnboost2(d, { seed: 4, maxStages: 120 });
    expect(g1.some((v) => v > 0)).toBe(true);
    expect(gb1.some((v) => v > 0)).toBe(true);
    for (const threads of [2, 3]) {
      expect(bytes(stats.genie3(d, { trees: 12, seed: 4, threads }))).toEqual(bytes(g1));
      expect(bytes(stats.grnboost2(d, { seed: 4, maxStages: 120, threads }))).toEqual(bytes(gb1));
    }
    const alone = stats.genie3(d, { trees: 12, seed: 4, targets: [6] });
    expect(bytes(alone.subarray(6 * 9, 7 * 9))).toEqual(bytes(g1.subarray(6 * 9, 7 * 9)));
    const subset = stats.grnboost2(d, { seed: 4, maxStages: 120, targets: [7, 2], threads: 2 });
    for (let t = 0; t < 9; t++) {
      const row = subset.subarray(t * 9, (t + 1) * 9);
      expect(bytes(row)).toEqual(t === 7 || t === 2 ? bytes(gb1.subarray(t * 9, (t + 1) * 9)) : bytes(new Float64Array(9)));
    }
  });

  it('PIDC and CLR: identical bytes for 1 and 3 threads; discretised columns too', () => {
    const p1 = stats.pidc(d), p3 = stats.pidc(d, { threads: 3 });
    expect(bytes(p3.scores)).toEqual(bytes(p1.scores));
    expect(bytes(p3.puc)).toEqual(bytes(p1.puc));
    expect(bytes(stats.clr(d, { threads: 2 }))).toEqual(bytes(stats.clr(d)));
    const one = stats.discretizeColumns(d, 'uniform-count', 7);
    const three = stats.discretizeColumns(d, 'uniform-count', 7, 3);
    expect(three.map((c) => [c.bins, Array.from(c.ids)])).toEqual(one.map((c) => [c.bins, Array.from(c.ids)]));
    expect(one.every((c) => c.bins > 1)).toBe(true);
  });

  it('rejects a bad threads option by name; a row error on threads names its option', () => {
    expect(() => stats.genie3(d, { threads: 0 })).toThrow(/threads/);
    expect(() => stats.clr(d, { threads: 1.5 })).toThrow(/threads/);
    expect(() => stats.discretizeColumns(d, 'uniform-width', 0, 2)).toThrow(/bins/);
  });
});

describe('Barnes-Hut t-SNE on threads', () => {
  it('the same coordinates and KL, bit for bit, on 1 and 3 threads', async () => {
    const be = await createBackend('wasm', { threads: 1, simd: 'simd128' });
    try {
      const g = new Generator(3);
      const n = 1100, f = 8; // above the 1000 points from which the repulsions go to the workers
      const x = be.tensor(Float32Array.from({ length: n * f }, (_, k) => g.normal() + (Math.floor(k / f) % 3) * 4), [n, f]);
      const options = { method: 'barnes-hut' as const, iterations: 40, exaggerationIterations: 20, klEvery: 10, seed: 2, perplexity: 20 };
      const one = await tsne(x, options);
      const three = await tsne(x, { ...options, threads: 3 });
      x.dispose();
      expect(one.kl).toBeGreaterThan(0);
      expect(Array.from(three.embedding)).toEqual(Array.from(one.embedding));
      expect(three.kl).toBe(one.kl);
      expect(three.klCurve).toEqual(one.klCurve);
    } finally {
      be.destroy();
    }
  });
});
