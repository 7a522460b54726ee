/**
 * Properties of the gradient, path and sampling methods that have no
 * reference fixture: SmoothGrad at sigma = 0 is saliency, SmoothTaylor tends
 * to 0 with sigma and matches a float64 re-computation, determinism with a
 * seed, integrated-gradients convergence and baselines, DeepLIFT's summation
 * to delta, quadrature rules, and the error messages.
 */
import { describe, expect, it } from 'vitest';
import { createBackend, Generator } from '@relevance/core-wasm';
import {
  AttributionError, deconvolution, deepLift, gaussLegendre, guidedBackprop, inputXGradient, integratedGradients, quadrature, saliency,
  saliencySquared, sequential, smoothGrad, smoothTaylor, GRADIENT_METHODS,
} from '../../../src/index.js';
import { disposeAfterTest } from '../../helpers/disposal.js';
import { fixtureInputs, fixtureModel, fixturesAvailable, readFixture } from '../../helpers/fixtures.js';
import { mlpGradient64, randn, randomMlp, type MlpWeights } from './helpers.js';

const be = await createBackend('reference');

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('quadrature', () => {
  it('Gauss-Legendre nodes and weights match numpy.polynomial.legendre.leggauss', () => {
    // numpy 2.4 leggauss(7) and the first points of leggauss(64)
    const x7 = [-0.9491079123427586, -0.7415311855993945, -0.4058451513773972, 0.0, 0.4058451513773972, 0.7415311855993945, 0.9491079123427586];
    const w7 = [0.12948496616886973, 0.27970539148927687, 0.3818300505051187, 0.4179591836734693, 0.3818300505051187, 0.27970539148927687, 0.12948496616886973];
    const g7 = gaussLegendre(7);
    expect(maxDiff(g7.alphas, x7)).toBeLessThanOrEqual(2e-16);
    expect(maxDiff(g7.weights, w7)).toBeLessThanOrEqual(2e-15);
    const x64 = [-0.9993050417357722, -0.9963401167719552, -0.9910133714767443, -0.983336253884626, -0.973326827789911, -0.9610087996520538, -0.9464113748584028, -0.9295691721319396];
    const w64 = [0.00178328072169414, 0.004147033260564499, 0.006504457968978502, 0.008846759826363397, 0.011168139460131028, 0.01346304789671786, 0.01572603047602503, 0.017951715775697284];
    const xMid = [-0.16964442042399283, -0.12146281929612054, -0.07299312178779904, -0.02435029266342443];
    const wMid = [0.04799938859645842, 0.048344762234802996, 0.04857546744150351, 0.048690957009139814];
    const g64 = gaussLegendre(64);
    expect(maxDiff(g64.alphas.subarray(0, 8), x64)).toBeLessThanOrEqual(2e-16);
    expect(maxDiff(g64.weights.subarray(0, 8), w64)).toBeLessThanOrEqual(5e-15);
    expect(maxDiff(g64.alphas.subarray(28, 32), xMid)).toBeLessThanOrEqual(2e-16);
    expect(maxDiff(g64.weights.subarray(28, 32), wMid)).toBeLessThanOrEqual(5e-15);
    // exact for polynomials of degree 2n - 1: integral of t^10 over [-1, 1] with 6 points
    const g6 = gaussLegendre(6);
    let s = 0;
    for (let i = 0; i < 6; i++) s += g6.weights[i]! * g6.alphas[i]! ** 10;
    expect(Math.abs(s - 2 / 11)).toBeLessThan(1e-15);
  });

  it('rules on [0, 1]: weight sums and nodes', () => {
    const sum = (w: Float64Array): number => w.reduce((a, b) => a + b, 0);
    expect(sum(quadrature('gausslegendre', 50).weights)).toBeCloseTo(1, 14);
    expect(sum(quadrature('riemann-trapezoid', 64).weights)).toBeCloseTo(63 / 64, 14);
    expect(sum(quadrature('trapezoid', 64).weights)).toBeCloseTo(1, 14);
    const t = quadrature('trapezoid', 5);
    expect(Array.from(t.alphas)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(Array.from(t.weights)).toEqual([0.125, 0.25, 0.25, 0.25, 0.125]);
    const rt = quadrature('riemann-trapezoid', 64);
    expect(rt.alphas[0]).toBe(0);
    expect(rt.alphas[63]).toBe(1);
    expect(rt.alphas[1]).toBe(Math.fround(1 / 63));
    expect(Array.from(quadrature('riemann-left', 4).alphas)).toEqual([0, 0.25, 0.5, 0.75]);
    expect(Array.from(quadrature('riemann-right', 4).alphas)).toEqual([0.25, 0.5, 0.75, 1]);
    expect(Array.from(quadrature('riemann-middle', 4).alphas)).toEqual([0.125, 0.375, 0.625, 0.875]);
    expect(() => quadrature('trapezoid', 1)).toThrow(/at least 2/);
  });

  it("uniform-endpoints is TruLens's LinearDoi: both ends included, every weight 1/n", () => {
    const u = quadrature('uniform-endpoints', 5);
    expect(Array.from(u.alphas)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(Array.from(u.weights)).toEqual([0.2, 0.2, 0.2, 0.2, 0.2]);
    // one point is the instance itself (TruLens's resolution=1), not the baseline
    const one = quadrature('uniform-endpoints', 1);
    expect(Array.from(one.alphas)).toEqual([1]);
    expect(Array.from(one.weights)).toEqual([1]);
  });
});

describe('saliency family', () => {
  it('abs, squared and input x gradient are consistent with the raw gradient', async () => {
    const model = randomMlp(be, [6, 16, 4], 'Tanh', 11);
    const x = randn(be, [5, 6], 3);
    disposeAfterTest(x, model);
    const raw = await saliency(model, x, { target: 1 });
    const abs = await saliency(model, x, { target: 1, abs: true });
    const sq = await saliencySquared(model, x, { target: 1 });
    const ixg = await inputXGradient(model, x, { target: 1 });
    const xv = x.readSync();
    raw.values.forEach((g, i) => {
      expect(abs.values[i]).toBe(Math.abs(g));
      expect(sq.values[i]).toBe(Math.fround(g * g));
      expect(ixg.values[i]).toBe(Math.fround(g * xv[i]!));
    });
    expect(raw.params).toMatchObject({ abs: false, target: 1 });
    expect(Array.from(raw.targets)).toEqual([1, 1, 1, 1, 1]);
    // batching does not change anything
    const batched = await saliency(model, x, { target: 1, batchSize: 2 });
    expect(Array.from(batched.values)).toEqual(Array.from(raw.values));
  });

  it('no method leaks tensors', async () => {
    const model = randomMlp(be, [6, 12, 3], 'ReLU', 19);
    const x = randn(be, [5, 6], 2);
    disposeAfterTest(x, model);
    const before = be.memory();
    for (const [name, method] of Object.entries(GRADIENT_METHODS)) {
      const a = await method(model, x, { batchSize: 3, ...(name === 'smoothgrad' || name === 'smooth-taylor' ? { samples: 4 } : {}) });
      expect(a.method).toBe(name);
      expect(be.memory()).toEqual(before);
    }
    await expect(integratedGradients(model, x, { target: 9 })).rejects.toThrow();
    expect(be.memory()).toEqual(before);
  });

  it('every exported method reports its CLI name', () => {
    expect(Object.keys(GRADIENT_METHODS).sort()).toEqual([
      'deconvolution', 'deeplift', 'guided-backprop', 'input-x-gradient', 'integrated-gradients', 'saliency', 'saliency-squared', 'smooth-taylor', 'smoothgrad',
    ]);
  });

  it('guided backprop and deconvolution equal the gradient on a model without ReLU', async () => {
    const model = randomMlp(be, [5, 8, 3], 'Tanh', 5);
    const x = randn(be, [4, 5], 8);
    disposeAfterTest(x, model);
    const g = await saliency(model, x);
    expect(maxDiff((await guidedBackprop(model, x)).values, g.values)).toBe(0);
    expect(maxDiff((await deconvolution(model, x)).values, g.values)).toBe(0);
  });
});

describe('SmoothGrad', () => {
  it('with sigma = 0 equals saliency (all variants)', async () => {
    const model = randomMlp(be, [7, 20, 20, 3], 'ReLU', 21);
    const x = randn(be, [9, 7], 4);
    disposeAfterTest(x, model);
    const s = await saliency(model, x);
    for (const noise of [{ stdev: 0 }, { noiseLevel: 0 }]) {
      const plain = await smoothGrad(model, x, { ...noise, samples: 5, seed: 3, batchSize: 20 });
      expect(maxDiff(plain.values, s.values)).toBeLessThanOrEqual(1e-7 * maxAbs(s.values));
      const sq = await smoothGrad(model, x, { ...noise, samples: 3, variant: 'squared' });
      sq.values.forEach((v, i) => expect(v).toBeCloseTo(s.values[i]! ** 2, 6));
      const vg = await smoothGrad(model, x, { ...noise, samples: 3, variant: 'vargrad' });
      expect(maxAbs(vg.values)).toBeLessThan(1e-6);
    }
  });

  it('is deterministic given the seed and independent of batchSize', async () => {
    const model = randomMlp(be, [7, 20, 3], 'ReLU', 2);
    const x = randn(be, [6, 7], 9);
    disposeAfterTest(x, model);
    const a = await smoothGrad(model, x, { samples: 10, noiseLevel: 0.2, seed: 42 });
    const b = await smoothGrad(model, x, { samples: 10, noiseLevel: 0.2, seed: 42, batchSize: 5 });
    const c = await smoothGrad(model, x, { samples: 10, noiseLevel: 0.2, seed: 43 });
    const d = await smoothGrad(model, x, { samples: 10, noiseLevel: 0.2, seed: new Generator(42) });
    expect(maxDiff(a.values, b.values)).toBeLessThanOrEqual(1e-6 * maxAbs(a.values));
    expect(Array.from(d.values)).toEqual(Array.from(a.values));
    expect(maxDiff(a.values, c.values)).toBeGreaterThan(1e-4);
    expect(a.params).toMatchObject({ samples: 10, noiseLevel: 0.2, variant: 'plain', seed: 42 });
  });

  it('rejects stdev together with noiseLevel, and unknown variants', async () => {
    const model = randomMlp(be, [3, 4, 2], 'ReLU', 1);
    const x = randn(be, [2, 3], 1);
    disposeAfterTest(x, model);
    await expect(smoothGrad(model, x, { stdev: 0.1, noiseLevel: 0.1 })).rejects.toThrow(/either stdev .* or noiseLevel/);
    await expect(smoothGrad(model, x, { variant: 'cubed' as 'plain' })).rejects.toThrow(/unknown variant 'cubed'/);
    await expect(smoothGrad(model, x, { samples: 0 })).rejects.toThrow(/samples must be a positive integer/);
  });
});

describe('SmoothTaylor', () => {
  it('tends to 0 as sigma -> 0 (linearly for a piecewise-linear model)', async () => {
    const model = randomMlp(be, [6, 24, 24, 3], 'ReLU', 8);
    const x = randn(be, [8, 6], 5);
    disposeAfterTest(x, model);
    const size = async (stdev: number): Promise<number> => maxAbs((await smoothTaylor(model, x, { stdev, samples: 16, seed: 1 })).values);
    const big = await size(1e-1);
    const mid = await size(1e-3);
    const small = await size(1e-5);
    expect(mid).toBeLessThan(big / 20);
    expect(small).toBeLessThan(mid / 20);
    expect(small).toBeLessThan(1e-4);
    expect(maxAbs((await smoothTaylor(model, x, { stdev: 0, samples: 2 })).values)).toBe(0);
  });

  it.skipIf(!fixturesAvailable)('matches a float64 re-computation on the fixture MLP (same noise, 128 samples)', async () => {
    const model = fixtureModel(be, 'mlp');
    const inp = fixtureInputs('mlp');
    const rows = 16;
    const per = inp.shape[1]!;
    const xs = Float32Array.from(inp.data.slice(0, rows * per));
    const x = be.tensor(xs, [rows, per]);
    disposeAfterTest(x, model);
    const samples = 128;
    const stdev = 0.3;
    const seed = 7;
    const result = await smoothTaylor(model, x, { stdev, samples, seed, batchSize: 100 });

    // float64 reference with the same draws (noise.ts: one randomNormal(x.shape) per sample, scaled by sigma)
    const weights = readFixture<{ params: Record<string, { shape: number[]; data: number[] }> }>('mlp', 'weights.json').params;
    const layer = (name: string): MlpWeights['layers'][number] => ({
      w: Float64Array.from(weights[`${name}.weight`]!.data), b: Float64Array.from(weights[`${name}.bias`]!.data), out: weights[`${name}.weight`]!.shape[0]!, in: weights[`${name}.weight`]!.shape[1]!,
    });
    const mlp: MlpWeights = { layers: [layer('fc1'), layer('fc2'), layer('fc3')] };
    const gen = new Generator(seed);
    const sum = new Float64Array(rows * per);
    for (let s = 0; s < samples; s++) {
      const zt = be.randomNormal([rows, per], gen);
      const z = zt.readSync();
      zt.dispose();
      for (let r = 0; r < rows; r++) {
        const noise = Float64Array.from({ length: per }, (_, i) => Math.fround(z[r * per + i]! * Math.fround(stdev)));
        const point = Float64Array.from({ length: per }, (_, i) => Math.fround(xs[r * per + i]! + noise[i]!));
        const g = mlpGradient64(mlp, point, result.targets[r]!);
        for (let i = 0; i < per; i++) sum[r * per + i] -= noise[i]! * g[i]!;
      }
    }
    const expected = sum.map((v) => v / samples);
    const rel = maxDiff(result.values, expected) / maxAbs(expected);
    console.log(`smooth-taylor vs float64 re-computation: ${rel.toExponential(2)} (relative to max)`);
    expect(rel).toBeLessThan(1e-4);
  });

  it('is deterministic given the seed', async () => {
    const model = randomMlp(be, [4, 10, 2], 'ReLU', 4);
    const x = randn(be, [3, 4], 2);
    disposeAfterTest(x, model);
    const a = await smoothTaylor(model, x, { samples: 6, seed: 5 });
    const b = await smoothTaylor(model, x, { samples: 6, seed: 5, batchSize: 1 });
    expect(maxDiff(a.values, b.values)).toBeLessThanOrEqual(1e-6 * maxAbs(a.values));
  });
});

describe('integrated gradients', () => {
  it('Gauss-Legendre completeness improves with steps on a smooth model', async () => {
    const model = randomMlp(be, [8, 32, 32, 4], 'Tanh', 13);
    const x = randn(be, [10, 8], 6, 1.5);
    disposeAfterTest(x, model);
    const errors: number[] = [];
    for (const steps of [2, 4, 8, 16]) {
      const a = await integratedGradients(model, x, { steps, integration: 'gausslegendre' });
      errors.push(a.completeness!.maxAbsError);
    }
    console.log(`IG gausslegendre completeness max |error| for 2/4/8/16 steps: ${errors.map((e) => e.toExponential(2)).join(', ')}`);
    for (let i = 1; i < errors.length; i++) expect(errors[i]).toBeLessThan(errors[i - 1]!);
    expect(errors[errors.length - 1]).toBeLessThan(1e-4);
  });

  it('is independent of batchSize and defaults to 50 Gauss-Legendre steps with a zero baseline', async () => {
    const model = randomMlp(be, [5, 12, 3], 'ReLU', 3);
    const x = randn(be, [7, 5], 1);
    disposeAfterTest(x, model);
    const a = await integratedGradients(model, x);
    const b = await integratedGradients(model, x, { batchSize: 3 });
    const c = await integratedGradients(model, x, { batchSize: 1000 });
    expect(a.params).toMatchObject({ steps: 50, integration: 'gausslegendre', baseline: 'zero' });
    expect(maxDiff(a.values, b.values)).toBeLessThanOrEqual(1e-6 * maxAbs(a.values));
    expect(maxDiff(a.values, c.values)).toBeLessThanOrEqual(1e-6 * maxAbs(a.values));
  });

  it('baselines: constant, shared row, one per row and the mean of a dataset', async () => {
    const model = randomMlp(be, [4, 16, 3], 'Tanh', 17);
    const x = randn(be, [5, 4], 2);
    const data = randn(be, [30, 4], 3);
    const row = randn(be, [4], 4);
    const opts = { steps: 64, target: 2 };
    const viaMean = await integratedGradients(model, x, { ...opts, baseline: { mean: data } });
    const meanRow = be.mean(data, 0, false);
    const viaRow = await integratedGradients(model, x, { ...opts, baseline: meanRow });
    expect(maxDiff(viaMean.values, viaRow.values)).toBeLessThan(1e-6);
    expect(viaMean.params.baseline).toBe('mean of 30 samples');
    const perRow = be.expand(be.reshape(row, [1, 4]), [5, 4]);
    const a = await integratedGradients(model, x, { ...opts, baseline: row });
    const b = await integratedGradients(model, x, { ...opts, baseline: perRow });
    expect(maxDiff(a.values, b.values)).toBeLessThan(1e-6);
    const constant = await integratedGradients(model, x, { ...opts, baseline: 0.5 });
    for (const r of [viaMean, a, b, constant]) expect(r.completeness!.maxAbsError).toBeLessThan(1e-3);
    // the baseline row itself gets zero attribution
    const self = await integratedGradients(model, x, { ...opts, baseline: x });
    expect(maxAbs(self.values)).toBe(0);
    await expect(integratedGradients(model, x, { baseline: 'mean' as 'zero' })).rejects.toThrow(/needs the dataset/);
    const wrong = randn(be, [3, 4], 1);
    disposeAfterTest(x, data, row, meanRow, perRow, wrong, model);
    await expect(integratedGradients(model, x, { baseline: wrong })).rejects.toThrow(/baseline has shape \[3, 4\]/);
  });

  it('riemann-trapezoid falls short by ~1/n on a linear model; trapezoid is exact', async () => {
    const w = randn(be, [2, 6], 5);
    const model = sequential(be, [-1, 6], [{ type: 'Dense', name: 'fc', params: { weight: w, bias: be.zeros([2]) } }]);
    const x = randn(be, [3, 6], 9);
    disposeAfterTest(x, model);
    const exact = await integratedGradients(model, x, { steps: 10, integration: 'trapezoid', target: 0 });
    const captum = await integratedGradients(model, x, { steps: 10, integration: 'riemann-trapezoid', target: 0 });
    exact.values.forEach((v, i) => expect(captum.values[i]).toBeCloseTo(v * 0.9, 5));
    expect(exact.completeness!.maxAbsError).toBeLessThan(1e-5);
  });
});

describe('DeepLIFT', () => {
  it('sums to f(x) - f(baseline) to float32 precision (MLP, zero and per-row baselines)', async () => {
    const model = randomMlp(be, [9, 32, 32, 5], 'ReLU', 31);
    const x = randn(be, [12, 9], 2, 2);
    const base = randn(be, [12, 9], 3);
    for (const baseline of ['zero' as const, base]) {
      const a = await deepLift(model, x, { baseline, batchSize: 5 });
      expect(a.completeness!.maxRelError).toBeLessThan(1e-5);
    }
    const sig = randomMlp(be, [9, 16, 5], 'Sigmoid', 2);
    disposeAfterTest(x, base, model, sig);
    expect((await deepLift(sig, x, { baseline: base })).completeness!.maxRelError).toBeLessThan(1e-5);
  });

  it.skipIf(!fixturesAvailable)('CNN: the captum max-pool rule keeps summation to delta for a random baseline', async () => {
    const model = fixtureModel(be, 'cnn');
    const inp = fixtureInputs('cnn');
    const x = be.tensor(Float32Array.from(inp.data), inp.shape);
    const base = randn(be, inp.shape, 77, 0.5);
    disposeAfterTest(x, base, model);
    const captum = await deepLift(model, x, { baseline: base, maxPool: 'captum' });
    expect(captum.completeness!.maxRelError).toBeLessThan(1e-5);
    const zero = await deepLift(model, x, { maxPool: 'gradient' });
    expect(zero.completeness!.maxRelError).toBeLessThan(1e-5);
    expect(captum.params).toMatchObject({ maxPool: 'captum', rule: 'rescale' });
  });

  it('equals (x - b) W on a linear model and rejects bad options', async () => {
    const w = randn(be, [3, 4], 5);
    const model = sequential(be, [-1, 4], [{ type: 'Dense', name: 'fc', params: { weight: w } }]);
    const x = randn(be, [2, 4], 6);
    disposeAfterTest(x, model);
    const a = await deepLift(model, x, { target: [2, 0] });
    const wv = w.readSync();
    const xv = x.readSync();
    a.values.forEach((v, i) => {
      const r = Math.floor(i / 4);
      expect(v).toBeCloseTo(xv[i]! * wv[a.targets[r]! * 4 + (i % 4)]!, 6);
    });
    await expect(deepLift(model, x, { maxPool: 'max' as 'gradient' })).rejects.toThrow(/unknown maxPool/);
  });
});

describe('errors', () => {
  it('unknown options, targets out of range, bad steps', async () => {
    const model = randomMlp(be, [3, 4, 2], 'ReLU', 1);
    const x = randn(be, [2, 3], 1);
    disposeAfterTest(x, model);
    await expect(saliency(model, x, { absolute: true } as never)).rejects.toThrow(AttributionError);
    await expect(saliency(model, x, { absolute: true } as never)).rejects.toThrow(/option 'absolute' does not apply; it takes target, batchSize, abs/);
    await expect(integratedGradients(model, x, { target: 5 })).rejects.toThrow(/target 5 \(row 0\) is out of range: the model has 2 outputs/);
    await expect(integratedGradients(model, x, { steps: 0 })).rejects.toThrow(/steps must be a positive integer/);
    await expect(integratedGradients(model, x, { integration: 'simpson' as 'trapezoid' })).rejects.toThrow(/unknown integration 'simpson'/);
    await expect(deepLift(model, x, { target: [0] })).rejects.toThrow(/1 targets for 2 input rows/);
    await expect(saliency(model, x, { batchSize: 0 })).rejects.toThrow(/batchSize must be a positive integer/);
  });

  it.skipIf(!fixturesAvailable)('fixture-shaped checks: a baseline dataset of the wrong width', async () => {
    const model = fixtureModel(be, 'mlp');
    const x = be.tensor(Float32Array.from(fixtureInputs('mlp').data.slice(0, 22)), [2, 11]);
    const data = randn(be, [5, 10], 1);
    disposeAfterTest(x, data, model);
    await expect(integratedGradients(model, x, { baseline: { mean: data } })).rejects.toThrow(/baseline dataset has shape \[5, 10\]/);
  });
});
