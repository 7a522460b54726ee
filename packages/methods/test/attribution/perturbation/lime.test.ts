/**
 * LIME on models with known answers. With baseline 0 and binary perturbations a
 * linear model f(x) = w.x + c gives f(h_x(z)) = sum_j z_j w_j x_j + c exactly, so
 * the surrogate's coefficients are w_j x_j (for the explained output): exactly
 * with ridgeAlpha 0, shrunk by the ridge factor (G + alpha I)^-1 G otherwise
 * (about 1 - alpha / (sum pi / 4): about 1% here).
 */
import { describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import { lime } from '../../../src/index.js';
import { linearModel, maxAbs, maxAbsDiff, randomArray } from './helpers.js';

const be = await createBackend('reference');
const D = 8;
const ROWS = 4;
const OUTPUTS = 3;
const weights = randomArray(OUTPUTS * D, 1);
const bias = randomArray(OUTPUTS, 2, 0.1);
const data = randomArray(ROWS * D, 3);
const x = be.tensor(data, [ROWS, D]);
const model = linearModel(be, weights, bias);
const TARGET = 1;

/** w_{t,j} x_{r,j}: the exact LIME coefficients of the linear model for target t. */
function linearCoefficients(w: Float32Array, inputs: Float32Array, rows: number, d: number, target: number): Float32Array {
  return Float32Array.from({ length: rows * d }, (_, i) => w[target * d + (i % d)]! * inputs[i]!);
}

describe('lime', () => {
  it('recovers w_j x_j of a linear model exactly with ridgeAlpha 0 (euclidean and cosine kernels)', async () => {
    const expected = linearCoefficients(weights, data, ROWS, D, TARGET);
    for (const distance of ['euclidean', 'cosine'] as const) {
      const a = await lime(model, x, { target: TARGET, samples: 200, ridgeAlpha: 0, distance, seed: 5 });
      const err = maxAbsDiff(a.values, expected) / maxAbs(expected);
      console.log(`lime (${distance}, ridgeAlpha 0) vs w_j x_j: ${err.toExponential(2)} relative to max`);
      expect(err).toBeLessThan(1e-4);
      expect(a.params.kernelWidth).toBe(distance === 'euclidean' ? 0.75 * Math.sqrt(D) : 0.25);
    }
  });

  it('with the default ridge (alpha 1) the coefficients are w_j x_j shrunk by about 1%', async () => {
    const expected = linearCoefficients(weights, data, ROWS, D, TARGET);
    const a = await lime(model, x, { target: TARGET, seed: 5 });
    expect(a.params).toMatchObject({ samples: 1000, features: D, distance: 'euclidean', ridgeAlpha: 1 });
    const err = maxAbsDiff(a.values, expected) / maxAbs(expected);
    console.log(`lime (defaults: 1000 samples, ridge 1) vs w_j x_j: ${err.toExponential(2)} relative to max`);
    expect(err).toBeLessThan(0.02);
    // shrinkage toward 0, not distortion: the best scale between the two is just below 1
    let dot = 0;
    let norm = 0;
    for (let i = 0; i < expected.length; i++) {
      dot += a.values[i]! * expected[i]!;
      norm += expected[i]! * expected[i]!;
      if (Math.abs(expected[i]!) > 0.05 * maxAbs(expected)) expect(Math.sign(a.values[i]!)).toBe(Math.sign(expected[i]!));
    }
    console.log(`lime (ridge 1) scale against w_j x_j: ${(dot / norm).toFixed(4)}`);
    expect(dot / norm).toBeGreaterThan(0.98);
    expect(dot / norm).toBeLessThan(1);
  });

  it('selects the true K features of a sparse linear model', async () => {
    const d = 20;
    const k = 4;
    const rows = 5;
    // 4 informative features with |w_j x_j| >= 0.4, 16 distractors with |w_j x_j| <= 0.05
    const informative = [2, 7, 11, 16];
    const w = Float32Array.from({ length: d }, (_, j) => (informative.includes(j) ? (j % 2 ? -1 : 1) * (0.8 + 0.1 * j / d) : 0.02 * Math.sin(j + 1)));
    const inputs = Float32Array.from({ length: rows * d }, (_, i) => (i % 3 === 0 ? -1 : 1) * (0.5 + ((i * 7) % 10) / 10));
    const sparse = linearModel(be, w, new Float32Array([0.3]));
    const a = await lime(sparse, be.tensor(inputs, [rows, d]), { features: k, samples: 500, seed: 9 });
    for (let r = 0; r < rows; r++) {
      const chosen = [...a.values.subarray(r * d, (r + 1) * d)].flatMap((v, j) => (v !== 0 ? [j] : []));
      expect(chosen).toEqual(informative);
      // the left-out distractors act as noise on the K-feature fit
      for (const j of informative) expect(Math.abs(a.values[r * d + j]! - w[j]! * inputs[r * d + j]!)).toBeLessThan(0.05);
    }
    // with exactly-zero distractors the other features are exactly the ones left out too
    const exactSparse = linearModel(be, Float32Array.from(w, (v, j) => (informative.includes(j) ? v : 0)), new Float32Array([0.3]));
    const b = await lime(exactSparse, be.tensor(inputs, [rows, d]), { features: k, samples: 300, seed: 2 });
    for (let r = 0; r < rows; r++) expect([...b.values.subarray(r * d, (r + 1) * d)].flatMap((v, j) => (v !== 0 ? [j] : []))).toEqual(informative);
  });

  it('groups: every member gets its group coefficient, sum_{j in G} w_j x_j for a linear model', async () => {
    const groups = [0, 0, 1, 1, 1, 2, 3, 3];
    const a = await lime(model, x, { target: TARGET, groups, ridgeAlpha: 0, samples: 100, seed: 1 });
    const per = linearCoefficients(weights, data, ROWS, D, TARGET);
    for (let r = 0; r < ROWS; r++) {
      for (let j = 0; j < D; j++) {
        let expected = 0;
        for (let i = 0; i < D; i++) if (groups[i] === groups[j]) expected += per[r * D + i]!;
        expect(a.values[r * D + j]!).toBeCloseTo(expected, 4);
      }
    }
  });

  it('is deterministic given the seed, independent of batchSize, and seed-dependent', async () => {
    const nonlinear = (await import('./helpers.js')).hostModel(be, D, 1, (row) => [Math.tanh(row[0]! * row[1]!) + row[2]! ** 2 - row[3]!]);
    const a = await lime(nonlinear, x, { seed: 3, samples: 64 });
    const b = await lime(nonlinear, x, { seed: 3, samples: 64, batchSize: 7 });
    const c = await lime(nonlinear, x, { seed: 4, samples: 64 });
    expect(Array.from(b.values)).toEqual(Array.from(a.values));
    expect(maxAbsDiff(a.values, c.values)).toBeGreaterThan(1e-3);
  });

  it('rejects bad options with clear messages', async () => {
    await expect(lime(model, x, { samples: 1 })).rejects.toThrow(/samples must be at least 2/);
    await expect(lime(model, x, { distance: 'manhattan' as 'cosine' })).rejects.toThrow(/distance must be 'euclidean' or 'cosine'/);
    await expect(lime(model, x, { kernelWidth: 0 })).rejects.toThrow(/kernelWidth must be positive/);
    await expect(lime(model, x, { numFeatures: 3 } as never)).rejects.toThrow(/option 'numFeatures' does not apply/);
  });
});
