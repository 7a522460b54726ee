/**
 * Distributional influence against the methods it generalises: a point mass
 * is input x gradient, a linear path times (x - baseline) is integrated
 * gradients, a class distribution is the mean of the class's gradients; and
 * why the mean attribution is offered beside it.
 */
import { describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import {
  distributionalInfluence, influenceAndAttribution, inputXGradient, integratedGradients, meanAttribution, targetGradient,
} from '../../src/index.js';
import { maxAbs, maxDiff, randn, randomMlp } from './helpers.js';

const be = await createBackend('reference');

describe('point mass and linear path', () => {
  it('the attribution of a point mass is input x gradient, exactly', async () => {
    const model = randomMlp(be, [6, 10, 8, 3], 'ReLU', 11);
    const x = randn(be, [9, 6], 5);
    for (const target of [1, 'argmax'] as const) {
      const ixg = await inputXGradient(model, x, { target });
      const quantity = target === 'argmax' ? { kind: 'predicted' as const } : { kind: 'class' as const, class: target };
      const { influence, attribution } = await influenceAndAttribution(model, x, { quantity, distribution: { kind: 'point' } });
      expect(attribution.shape).toEqual([9, 6]);
      expect(Array.from(attribution.values)).toEqual(Array.from(ixg.values));
      expect(Array.from(influence.targets)).toEqual(Array.from(ixg.targets));
      // and the influence itself is the plain gradient
      const g = await targetGradient(model, x, ixg.targets);
      expect(Array.from(influence.values)).toEqual(Array.from(g.input!));
    }
    x.dispose();
    model.dispose();
  });

  it('a linear path times (x - baseline) is integrated gradients with the same nodes, exactly', async () => {
    const model = randomMlp(be, [5, 12, 4], 'Tanh', 3);
    const x = randn(be, [7, 5], 8);
    const baseline = randn(be, [5], 9, 0.3);
    for (const integration of ['riemann-middle', 'riemann-trapezoid', 'gausslegendre'] as const) {
      for (const batchSize of [256, 10]) {
        const ig = await integratedGradients(model, x, { target: 2, steps: 16, integration, baseline, batchSize });
        const a = await meanAttribution(model, x, {
          quantity: { kind: 'class', class: 2 }, distribution: { kind: 'linear-path', steps: 16, integration }, baseline, batchSize,
        });
        expect(a.perInstance).toBe(true);
        expect(Array.from(a.values)).toEqual(Array.from(ig.values));
      }
    }
    x.dispose();
    baseline.dispose();
    model.dispose();
  });
});

describe('set distributions', () => {
  it("a class's distributional influence is the mean of its instances' gradients", async () => {
    const model = randomMlp(be, [4, 16, 3], 'ReLU', 21);
    const x = randn(be, [30, 4], 22);
    const labels = Array.from({ length: 30 }, (_, r) => ['a', 'b', 'c'][r % 3]!);
    const chi = await distributionalInfluence(model, x, { quantity: { kind: 'class', class: 1 }, distribution: { kind: 'class', labels, class: 'b' }, batchSize: 4 });
    expect(chi.perInstance).toBe(false);
    expect(chi.shape).toEqual([4]);
    expect(chi.instances).toBe(10);
    const g = (await targetGradient(model, x, new Int32Array(30).fill(1))).input!;
    const mean = new Float64Array(4);
    for (let r = 1; r < 30; r += 3) for (let j = 0; j < 4; j++) mean[j] += g[r * 4 + j]! / 10;
    expect(maxDiff(chi.values, mean)).toBeLessThan(1e-6 * Math.max(1, maxAbs(mean)));
    // the same rows given explicitly, and the dataset as the mean over all rows
    const rows = await distributionalInfluence(model, x, { quantity: { kind: 'class', class: 1 }, distribution: { kind: 'rows', rows: [1, 4, 7, 10, 13, 16, 19, 22, 25, 28] } });
    expect(Array.from(rows.values)).toEqual(Array.from(chi.values));
    const all = await distributionalInfluence(model, x, { quantity: { kind: 'class', class: 1 }, distribution: { kind: 'dataset' } });
    const allMean = new Float64Array(4);
    for (let r = 0; r < 30; r++) for (let j = 0; j < 4; j++) allMean[j] += g[r * 4 + j]! / 30;
    expect(maxDiff(all.values, allMean)).toBeLessThan(1e-6);
    x.dispose();
    model.dispose();
  });

  it('mean attribution differs from influence x mean activation on a nonlinear model, and equals it on a linear one', async () => {
    const x = randn(be, [40, 5], 31);
    const gap = async (activation: 'ReLU' | null): Promise<{ gap: number; scale: number }> => {
      const model = randomMlp(be, [5, 24, 24, 2], activation, 41);
      const { influence, attribution } = await influenceAndAttribution(model, x, { quantity: { kind: 'class', class: 0 }, distribution: { kind: 'dataset' } });
      const xs = (await x.read()) as Float32Array;
      const meanX = new Float64Array(5);
      for (let r = 0; r < 40; r++) for (let j = 0; j < 5; j++) meanX[j] += xs[r * 5 + j]! / 40;
      const product = Array.from(meanX, (m, j) => m * influence.values[j]!);
      model.dispose();
      return { gap: maxDiff(attribution.values, product), scale: maxAbs(attribution.values) };
    };
    // linear: the gradient is the same everywhere, so E[x g] = E[x] g
    const linear = await gap(null);
    expect(linear.gap).toBeLessThan(1e-5 * linear.scale);
    // ReLU: the gradient changes with x, and E[x g] != E[x] E[g] by a wide margin
    const relu = await gap('ReLU');
    expect(relu.gap).toBeGreaterThan(0.1 * relu.scale);
    x.dispose();
  });
});
