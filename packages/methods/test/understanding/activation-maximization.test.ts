/** Synthesized and dataset activation maximization. */
import { describe, expect, it } from 'vitest';
import { Generator } from '@relevance/core-wasm';
import { referenceBackendForFile } from '../helpers/backends.js';
import { cnn, mlp, sequential } from '../../src/index.js';
import { synthesizeActivation, topActivatingSamples } from '../../src/understanding/index.js';

const be = await referenceBackendForFile();

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! ** 2;
    bb += b[i]! ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

function data(rows: number, p: number, seed: number, offset = 0): Float32Array {
  const g = new Generator(seed);
  return Float32Array.from({ length: rows * p }, () => offset + g.normal());
}

describe('synthesized activation maximization', () => {
  it('recovers the weight direction of a linear class unit under the L2 penalty (cosine ~ 1)', async () => {
    const p = 8;
    const g = new Generator(1);
    const w = Float32Array.from({ length: 3 * p }, () => g.normal());
    const model = sequential(be, [-1, p], [{ type: 'Dense', name: 'fc', params: { weight: be.tensor(w, [3, p]), bias: be.tensor([0.5, -1, 2], [3]) } }]);
    const x = be.tensor(data(50, p, 2, 3), [50, p]);
    const r = await synthesizeActivation(model, { unit: 1, data: x, prior: 'l2', lambda: 0.05, learningRate: 1, steps: 300 });
    const w1 = w.subarray(p, 2 * p);
    expect(cosine(r.prototype, w1)).toBeGreaterThan(0.9999);
    // the optimum of w.x + b - lambda |x|^2 is w / (2 lambda)
    for (let j = 0; j < p; j++) expect(r.prototype[j]).toBeCloseTo(w1[j]! / 0.1, 3);
    expect(r.objective.length).toBe(301);
    // ascent never goes down (beyond float32 rounding of the model output)
    for (let s = 1; s < r.objective.length; s++) expect(r.objective[s]!).toBeGreaterThanOrEqual(r.objective[s - 1]! - 1e-5 * Math.abs(r.objective[s - 1]!));
    expect(r.layer).toBe('fc');
  });

  it('a hidden unit: seeds Model.backward at fc1 and recovers that row of W1', async () => {
    const model = mlp(be, { inputs: 6, hidden: [5], outputs: 2, seed: 3 });
    const r = await synthesizeActivation(model, { layer: 'fc1', unit: 2, start: 'zeros', lambda: 0.1, learningRate: 1, steps: 200 });
    const w1 = (await model.parameters().get('fc1.weight')!.read()) as Float32Array;
    expect(cosine(r.prototype, w1.subarray(2 * 6, 3 * 6))).toBeGreaterThan(0.9999);
  });

  it('the density prior keeps the prototype near the data and starts from the class mean', async () => {
    const p = 5;
    const model = mlp(be, { inputs: p, hidden: [8], outputs: 2, seed: 4 });
    const rows = 40;
    const x = be.tensor(data(rows, p, 5, 1), [rows, p]);
    const labels = Array.from({ length: rows }, (_, i) => i % 2);
    const r = await synthesizeActivation(model, { unit: 0, data: x, labels, start: 'class-mean', prior: 'density', lambda: 1, steps: 100, learningRate: 0.05 });
    expect(r.shrinkage).toBeGreaterThanOrEqual(0);
    expect(r.shrinkage).toBeLessThanOrEqual(1);
    expect(r.objective.at(-1)!).toBeGreaterThan(r.objective[0]!);
    expect(r.activation.at(-1)!).toBeGreaterThan(r.activation[0]!);
    await expect(synthesizeActivation(model, { unit: 5 })).rejects.toThrow(/unit 5 is out of range; layer 'fc2' has 2 units/);
  });
});

describe('dataset activation maximization', () => {
  it('ranks samples by s2 = sum max(0, z) of a dense unit; s1 by z^2', async () => {
    const p = 4;
    const eye = Float32Array.from({ length: p * p }, (_, i) => (i % (p + 1) === 0 ? 1 : 0));
    const model = sequential(be, [-1, p], [{ type: 'Dense', name: 'id', params: { weight: be.tensor(eye, [p, p]) } }, { type: 'ReLU', name: 'relu' }]);
    const values = data(30, p, 6);
    const x = be.tensor(values, [30, p]);
    const r = await topActivatingSamples(model, 'id', x, { k: 3, units: [2] });
    const column = Array.from({ length: 30 }, (_, i) => values[i * p + 2]!);
    const expected = column.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]).slice(0, 3).map(([, i]) => i);
    expect(Array.from(r.units[0]!.indices)).toEqual(expected);
    const s1 = await topActivatingSamples(model, 'id', x, { k: 1, units: [2], score: 's1' });
    const biggest = column.reduce((best, v, i) => (Math.abs(v) > Math.abs(column[best]!) ? i : best), 0);
    expect(s1.units[0]!.indices[0]).toBe(biggest);
  });

  it('sums a convolution channel over its spatial positions', async () => {
    const model = cnn(be, { input: [1, 6, 6], conv: [{ channels: 3, pool: 'none' }], outputs: 2, seed: 7 });
    const x = be.tensor(data(12, 36, 8), [12, 1, 6, 6]);
    const r = await topActivatingSamples(model, 'relu1', x, { k: 12, score: 's1' });
    expect(r.channels).toBe(3);
    expect(r.units.length).toBe(3);
    const pass = model.forward(x, { keep: ['relu1'], tape: false });
    const a = (await pass.activation('relu1').read()) as Float32Array;
    pass.dispose();
    for (const u of r.units) {
      for (let t = 0; t < 12; t++) {
        const row = u.indices[t]!;
        let s = 0;
        for (let q = 0; q < 36; q++) s += a[(row * 3 + u.unit) * 36 + q]! ** 2;
        expect(u.scores[t]).toBeCloseTo(s, 4);
        if (t > 0) expect(u.scores[t]!).toBeLessThanOrEqual(u.scores[t - 1]!);
      }
    }
  });
});
