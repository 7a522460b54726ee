/**
 * Quantities (comparative, internal units, custom seeds), slices (a hidden
 * layer), Gaussian samples (seeded, batch-independent), memory and errors.
 */
import { describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import { AttributionError, distributionalInfluence, influenceAndAttribution, targetGradient } from '../../src/index.js';
import { maxAbs, maxDiff, randn, randomMlp } from './helpers.js';

const be = await createBackend('reference');

describe('quantities of interest', () => {
  it('comparative influence is the difference of the two class influences', async () => {
    const model = randomMlp(be, [6, 12, 4], 'ReLU', 1);
    const x = randn(be, [12, 6], 2);
    const d = { kind: 'dataset' } as const;
    const a = await distributionalInfluence(model, x, { quantity: { kind: 'class', class: 0 }, distribution: d });
    const b = await distributionalInfluence(model, x, { quantity: { kind: 'class', class: 3 }, distribution: d });
    const ab = await distributionalInfluence(model, x, { quantity: { kind: 'comparative', a: 0, b: 3 }, distribution: d });
    expect(maxDiff(ab.values, Array.from(a.values, (v, i) => v - b.values[i]!))).toBeLessThan(1e-6);
    expect(ab.params.quantity).toBe('class 0 - class 3');
    x.dispose();
    model.dispose();
  });

  it('the sum of internal units: pre-activation units of fc1 have gradient sum_u W[u, :]', async () => {
    const model = randomMlp(be, [5, 7, 3], 'Tanh', 4);
    const x = randn(be, [3, 5], 5);
    const units = [0, 2, 6];
    const r = await distributionalInfluence(model, x, { quantity: { kind: 'units', layer: 'fc1', units } });
    const w = (await model.node('fc1').params.weight!.read()) as Float32Array;
    const expected = new Float32Array(5);
    for (const u of units) for (let i = 0; i < 5; i++) expected[i] += w[u * 5 + i]!;
    for (let row = 0; row < 3; row++) expect(maxDiff(r.values.subarray(row * 5, row * 5 + 5), expected)).toBeLessThan(1e-6);
    expect(r.params.quantity).toBe('sum of units 0,2,6 of fc1');
    // at a hidden slice: the units of fc2 = W2 h + b2 have gradient sum_u W2[u, :] with respect to h = act1
    const hidden = await distributionalInfluence(model, x, { slice: 'act1', quantity: { kind: 'units', layer: 'fc2', units: [0, 2] }, distribution: { kind: 'dataset' } });
    const w2 = (await model.node('fc2').params.weight!.read()) as Float32Array;
    expect(hidden.shape).toEqual([7]);
    expect(maxDiff(hidden.values, Array.from({ length: 7 }, (_, i) => w2[i]! + w2[2 * 7 + i]!))).toBeLessThan(1e-6);
    x.dispose();
    model.dispose();
  });

  it('a custom quantity through its seed gradient: q = 2 y0 + y1 is linear in the class gradients', async () => {
    const model = randomMlp(be, [4, 9, 2], 'ReLU', 6);
    const x = randn(be, [5, 4], 7);
    const seed = (_outputs: Float32Array, rows: number, width: number): Float32Array => {
      const s = new Float32Array(rows * width);
      for (let r = 0; r < rows; r++) {
        s[r * width] = 2;
        s[r * width + 1] = 1;
      }
      return s;
    };
    const custom = await distributionalInfluence(model, x, { quantity: { kind: 'custom', name: '2 y0 + y1', seed } });
    const g0 = (await targetGradient(model, x, new Int32Array(5).fill(0))).input!;
    const g1 = (await targetGradient(model, x, new Int32Array(5).fill(1))).input!;
    expect(maxDiff(custom.values, Array.from(g0, (v, i) => 2 * v + g1[i]!))).toBeLessThan(1e-5);
    x.dispose();
    model.dispose();
  });
});

describe('slices and distributions', () => {
  it('influence at a hidden layer is the gradient at that layer; attribution uses the baseline activation', async () => {
    const model = randomMlp(be, [4, 8, 6, 3], 'ReLU', 8);
    const x = randn(be, [6, 4], 9);
    const { influence, attribution } = await influenceAndAttribution(model, x, { quantity: { kind: 'class', class: 2 }, slice: 'act1' });
    expect(influence.shape).toEqual([6, 8]);
    expect(influence.slice).toBe('act1');
    const g = await targetGradient(model, x, new Int32Array(6).fill(2), { input: false, nodes: ['act1'] });
    expect(maxAbs(influence.values)).toBeGreaterThan(0.01);
    expect(Array.from(influence.values)).toEqual(Array.from(g.nodes.get('act1')!));
    // baseline activation h(0) = relu(b1)
    const b1 = (await model.node('fc1').params.bias!.read()) as Float32Array;
    const pass = model.forward(x, { tape: false, keep: ['act1'] });
    const h = (await pass.activation('act1').read()) as Float32Array;
    pass.dispose();
    const expected = Array.from(h, (v, i) => Math.fround((v - Math.max(0, b1[i % 8]!)) * influence.values[i]!));
    expect(maxDiff(attribution.values, expected)).toBeLessThan(1e-6);
    const zero = await influenceAndAttribution(model, x, { quantity: { kind: 'class', class: 2 }, slice: 'act1', activationBaseline: 'zero' });
    expect(maxDiff(zero.attribution.values, Array.from(h, (v, i) => v * influence.values[i]!))).toBeLessThan(1e-6);
    x.dispose();
    model.dispose();
  });

  it('Gaussian samples: seeded, independent of the batch size, the point at stdev 0, smoothing otherwise', async () => {
    const model = randomMlp(be, [5, 16, 3], 'ReLU', 10);
    const x = randn(be, [8, 5], 11);
    const opts = (stdev: number, seed: number, batchSize: number) =>
      ({ quantity: { kind: 'class', class: 0 }, distribution: { kind: 'gaussian', stdev, samples: 12, seed }, batchSize }) as const;
    const a = await distributionalInfluence(model, x, opts(0.5, 3, 256));
    const b = await distributionalInfluence(model, x, opts(0.5, 3, 5));
    const c = await distributionalInfluence(model, x, opts(0.5, 4, 256));
    expect(Array.from(b.values)).toEqual(Array.from(a.values));
    expect(maxDiff(a.values, c.values)).toBeGreaterThan(0);
    const zero = await distributionalInfluence(model, x, opts(0, 3, 256));
    const point = await distributionalInfluence(model, x, { quantity: { kind: 'class', class: 0 } });
    expect(maxDiff(zero.values, point.values)).toBeLessThan(1e-6);
    // a class set around Gaussian samples is the mean of the instances' Gaussian influences
    const set = await distributionalInfluence(model, x, { quantity: { kind: 'class', class: 0 }, distribution: { kind: 'rows', rows: [2, 5], around: { kind: 'gaussian', stdev: 0.5, samples: 12, seed: 3 } } });
    const expected = Array.from({ length: 5 }, (_, j) => (a.values[2 * 5 + j]! + a.values[5 * 5 + j]!) / 2);
    expect(maxDiff(set.values, expected)).toBeLessThan(1e-6);
    x.dispose();
    model.dispose();
  });

  it('leaves no tensor behind', async () => {
    const model = randomMlp(be, [5, 8, 3], 'ReLU', 12);
    const x = randn(be, [10, 5], 13);
    const before = be.memory().tensors;
    await influenceAndAttribution(model, x, { distribution: { kind: 'linear-path', steps: 7 }, slice: 'act1', batchSize: 9 });
    await influenceAndAttribution(model, x, { quantity: { kind: 'units', layer: 'fc2', units: [1] }, distribution: { kind: 'dataset', around: { kind: 'gaussian', stdev: 0.1, samples: 3 } } });
    await expect(distributionalInfluence(model, x, { quantity: { kind: 'class', class: 7 } })).rejects.toThrow();
    expect(be.memory().tensors).toBe(before);
    x.dispose();
    model.dispose();
  });
});

describe('errors name the problem', () => {
  const model = randomMlp(be, [3, 4, 2], 'ReLU', 14);
  const x = randn(be, [4, 3], 15);
  const cases: Array<[string, Parameters<typeof distributionalInfluence>[2], RegExp]> = [
    ['unknown slice', { slice: 'fc9' }, /no layer named 'fc9' to use as the slice; use 'input' or one of: fc1, act1, fc2/],
    ['class out of range', { quantity: { kind: 'class', class: 2 } }, /class 2 is out of range: the model has 2 outputs/],
    ['same classes', { quantity: { kind: 'comparative', a: 1, b: 1 } }, /two different classes/],
    ['empty class', { distribution: { kind: 'class', labels: ['a', 'a', 'b', 'b'], class: 'c' } }, /no row has the label "c"/],
    ['label count', { distribution: { kind: 'class', labels: ['a'], class: 'a' } }, /1 labels for 4 input rows/],
    ['row range', { distribution: { kind: 'rows', rows: [0, 4] } }, /row 4 is out of range: the input has 4 rows/],
    ['unknown option', { steps: 3 } as never, /option 'steps' does not apply/],
    ['slice after the units', { slice: 'fc2', quantity: { kind: 'units', layer: 'act1' } }, /slice 'fc2' does not lie before layer 'act1'/],
    ['unit range', { quantity: { kind: 'units', layer: 'fc1', units: [4] } }, /unit 4 is out of range for layer 'fc1' with 4 units/],
    ['custom seed size', { quantity: { kind: 'custom', name: 'bad', seed: () => new Float32Array(1) } }, /must return a Float32Array of 4 x 2 = 8 values/],
    ['gaussian stdev', { distribution: { kind: 'gaussian', stdev: -1 } }, /stdev must be a finite number >= 0/],
    ['path steps', { distribution: { kind: 'linear-path', steps: 0 } }, /steps must be a positive integer/],
  ];
  for (const [name, options, message] of cases) {
    it(name, async () => {
      const p = distributionalInfluence(model, x, options);
      await expect(p).rejects.toThrow(AttributionError);
      await expect(distributionalInfluence(model, x, options)).rejects.toThrow(message);
    });
  }
  it('a disposed input', async () => {
    const y = randn(be, [2, 3], 1);
    y.dispose();
    await expect(distributionalInfluence(model, y)).rejects.toThrow(/already disposed/);
    expect(maxAbs([0])).toBe(0);
  });
});
