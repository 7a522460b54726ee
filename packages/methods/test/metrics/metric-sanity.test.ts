/** Sanity values of the single-number metrics on maps and models whose answer is known. */
import { describe, expect, it } from 'vitest';
import { referenceBackendForFile } from '../helpers/backends.js';
import { inputXGradient, integratedGradients, saliency } from '../../src/index.js';
import {
  completenessGap, complexity, faithfulnessCorrelation, giniIndex, infidelity, maxSensitivity, sparseness, totalVariation,
} from '../../src/metrics/index.js';
import { contributions, linearModel, normalRows } from './helpers.js';

const be = await referenceBackendForFile();

describe('map metrics', () => {
  it('sparseness: a one-hot map gives exactly 1 - 1/n, a constant map 0', () => {
    const n = 16;
    const oneHot = new Float32Array(n);
    oneHot[5] = -3;
    expect(giniIndex(oneHot)).toBeCloseTo(1 - 1 / n, 12);
    expect(giniIndex(new Float32Array(n).fill(0.7))).toBeCloseTo(0, 12);
    const r = sparseness({ values: Float32Array.from([...oneHot, ...new Float32Array(n).fill(2)]), shape: [2, n] });
    expect(r.perRow[0]).toBeCloseTo(1 - 1 / n, 12);
    expect(r.perRow[1]).toBeCloseTo(0, 12);
    expect(Number.isNaN(giniIndex(new Float32Array(4)))).toBe(true);
  });

  it('complexity: a uniform map gives log n, a one-hot map 0', () => {
    const r = complexity({ values: Float32Array.from([1, -1, 1, -1, 1, -1, 1, -1, 0, 0, 4, 0, 0, 0, 0, 0]), shape: [2, 8] });
    expect(r.perRow[0]).toBeCloseTo(Math.log(8), 12);
    expect(r.perRow[1]).toBeCloseTo(0, 12);
  });

  it('total variation: anisotropic on images, along a feature order on tables, 0 without one', () => {
    // one 1 x 2 x 2 image [[0, 1], [2, 4]]: |1-0| + |4-2| + |2-0| + |4-1| = 8
    expect(totalVariation({ values: Float32Array.from([0, 1, 2, 4]), shape: [1, 1, 2, 2] }).mean).toBeCloseTo(8, 12);
    expect(totalVariation({ values: Float32Array.from([0, 1, 2, 4]), shape: [1, 1, 2, 2] }, { normalize: 'max-abs' }).mean).toBeCloseTo(2, 12);
    const table = { values: Float32Array.from([0, 3, 1]), shape: [1, 3] };
    expect(totalVariation(table).mean).toBe(0);
    expect(totalVariation(table, { featureOrder: 'natural' }).mean).toBeCloseTo(5, 12);
    expect(totalVariation(table, { featureOrder: [0, 2, 1] }).mean).toBeCloseTo(3, 12);
  });
});

describe('model metrics on a linear model f(x) = w . x + b', () => {
  const features = 10;

  it('faithfulness correlation of w * x with baseline 0 is 1', async () => {
    const { model, w } = linearModel(be, features, 1, 0.3);
    const { x, data } = normalRows(be, 8, features, 2);
    const r = await faithfulnessCorrelation(model, x, contributions(w, data), { target: 0, subsets: 30, subsetSize: 3, seed: 4 });
    for (const v of r.perRow) expect(v).toBeCloseTo(1, 5);
    const noisy = await faithfulnessCorrelation(model, x, Float32Array.from(data, (v, i) => (i % 3 === 0 ? -v : v)), { target: 0, subsets: 30, seed: 4 });
    expect(noisy.mean).toBeLessThan(0.9);
  });

  it('infidelity of the exact explanations with their matching perturbation is ~0', async () => {
    const { model } = linearModel(be, features, 3, -0.2);
    const { x } = normalRows(be, 6, features, 4);
    // input x gradient = w * x: exact for removal to the baseline 0, and for Gaussian noise once divided by the input
    const ixg = await inputXGradient(model, x, { target: 0 });
    const removal = await infidelity(model, x, ixg, { perturbation: 'removal', samples: 20, seed: 1 });
    const gaussian = await infidelity(model, x, ixg, { perturbation: 'gaussian', multipliedByInputs: true, samples: 20, seed: 1 });
    // the gradient w is exact for Gaussian perturbations
    const grad = await saliency(model, x, { target: 0 });
    const slope = await infidelity(model, x, grad, { samples: 20, std: 0.5, seed: 1 });
    for (const r of [removal, gaussian, slope]) for (const v of r.perRow) expect(v).toBeLessThan(1e-8);
    const wrong = await infidelity(model, x, ixg, { samples: 20, std: 0.5, seed: 1 });
    expect(wrong.mean).toBeGreaterThan(1e-3);
  });

  it('completeness: integrated gradients close the gap to f(x) - f(0); saliency does not', async () => {
    const { model } = linearModel(be, features, 5, 1.5);
    const { x } = normalRows(be, 5, features, 6);
    const ig = await integratedGradients(model, x, { target: 0, baseline: 'zero' });
    const gap = await completenessGap(model, x, ig);
    expect(gap.relativeGap).toBeLessThan(1e-5);
    const sal = await completenessGap(model, x, await saliency(model, x, { target: 0 }));
    expect(sal.relativeGap).toBeGreaterThan(0.1);
  });

  it('max-sensitivity: a linear model has a constant gradient (0), input x gradient moves with the input', async () => {
    const { model } = linearModel(be, features, 7);
    const { x } = normalRows(be, 4, features, 8);
    const sal = await maxSensitivity(model, x, saliency, { radius: 0.2, samples: 5, seed: 2 });
    expect(sal.mean).toBeCloseTo(0, 6);
    const ixg = await maxSensitivity(model, x, inputXGradient, { radius: 0.2, samples: 5, seed: 2, batchSize: 3 });
    expect(ixg.mean).toBeGreaterThan(0.01);
    expect(ixg.perRow.length).toBe(4);
  });
});
