/**
 * Losses: values against hand computations of PyTorch's formulas, gradients
 * against central finite differences, masked MSE's handling of unmasked
 * entries and of empty masks, cross-entropy's stability on large logits.
 */
import { describe, expect, it } from 'vitest';
import { createBackend, Generator, type Backend, type Tensor } from '@relevance/core-wasm';
import { crossEntropyLoss, maskedMseLoss, mseLoss, type Loss } from '../../src/index.js';
import { disposeAfterTest } from '../helpers/disposal.js';

const be: Backend = await createBackend('reference');

function values(t: Tensor): number[] {
  return [...(t.readSync() as Float32Array)];
}

function scalar(t: Tensor): number {
  return values(t)[0]!;
}

/** Compute, read value and gradient, free everything. */
function run(loss: Loss, p: Tensor, t: Tensor, mask?: Tensor): { value: number; total: number; count: number; grad: number[] } {
  const out = loss.compute(be, p, t, { mask });
  const r = { value: scalar(out.value), total: scalar(out.total), count: scalar(out.count), grad: values(out.grad!) };
  for (const x of [out.value, out.total, out.count, out.grad!]) x.dispose();
  return r;
}

/** Central differences of the loss value with respect to each prediction entry (float64 host arithmetic on float32 data). */
function numericGrad(loss: Loss, p: Tensor, t: Tensor, mask?: Tensor, h = 1e-2): number[] {
  const base = p.readSync() as Float32Array;
  const grad: number[] = [];
  for (let i = 0; i < base.length; i++) {
    const f = (delta: number): number => {
      const moved = base.slice();
      moved[i] = base[i]! + delta;
      const q = be.tensor(moved, p.shape);
      const out = loss.compute(be, q, t, { mask, grad: false });
      const v = scalar(out.value);
      for (const x of [q, out.value, out.total, out.count]) x.dispose();
      return v;
    };
    grad.push((f(h) - f(-h)) / (2 * h));
  }
  return grad;
}

function randomTensor(shape: number[], seed: number, scale = 1): Tensor {
  const g = new Generator(seed);
  return be.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => scale * g.normal()), shape);
}

describe('mseLoss', () => {
  it('is the mean of the squared differences, gradient 2 (p - t) / n', () => {
    const p = be.tensor([1, 2, 3, 4], [2, 2]);
    const t = be.tensor([0, 2, 1, 1], [2, 2]);
    disposeAfterTest(p, t);
    const r = run(mseLoss(), p, t);
    // differences 1, 0, 2, 3: squares 1 + 0 + 4 + 9 = 14 over 4 entries
    expect(r.value).toBeCloseTo(3.5, 6);
    expect(r.total).toBeCloseTo(14, 6);
    expect(r.count).toBe(4);
    expect(r.grad).toEqual([0.5, 0, 1, 1.5]);
  });

  it('matches finite differences', () => {
    const p = randomTensor([5, 3], 1);
    const t = randomTensor([5, 3], 2);
    disposeAfterTest(p, t);
    const analytic = run(mseLoss(), p, t).grad;
    numericGrad(mseLoss(), p, t).forEach((g, i) => expect(analytic[i]!).toBeCloseTo(g, 3));
  });

  it('rejects mismatched shapes and masks', () => {
    const p = be.zeros([2, 2]);
    const t = be.zeros([2, 3]);
    disposeAfterTest(p, t);
    expect(() => mseLoss().compute(be, p, t)).toThrow(/shape/);
    expect(() => mseLoss().compute(be, p, p, { mask: p })).toThrow(/maskedMseLoss/);
  });
});

describe('maskedMseLoss', () => {
  it('averages over the masked entries only', () => {
    const p = be.tensor([1, 2, 3, 4], [2, 2]);
    const t = be.tensor([0, 2, 1, 1], [2, 2]);
    const m = be.tensor([1, 0, 0, 1], [2, 2]);
    const r = run(maskedMseLoss(), p, t, m);
    // masked differences 1 and 3: (1 + 9) / 2 entries
    expect(r.value).toBeCloseTo(5, 6);
    expect(r.count).toBe(2);
    expect(r.grad).toEqual([1, 0, 0, 3]);
    // the unmasked targets do not matter
    const t2 = be.tensor([0, 100, -50, 1], [2, 2]);
    disposeAfterTest(p, t, m, t2);
    const r2 = run(maskedMseLoss(), p, t2, m);
    expect(r2.value).toBe(r.value);
    expect(r2.grad).toEqual(r.grad);
  });

  it('gives loss 0 and gradient 0 (not NaN) when no entry is masked', () => {
    const p = randomTensor([3, 4], 3);
    const t = randomTensor([3, 4], 4);
    const m = be.zeros([3, 4]);
    disposeAfterTest(p, t, m);
    const r = run(maskedMseLoss(), p, t, m);
    expect(r.value).toBe(0);
    expect(r.count).toBe(0);
    expect(r.grad.every((g) => g === 0)).toBe(true);
  });

  it('matches finite differences', () => {
    const p = randomTensor([4, 5], 5);
    const t = randomTensor([4, 5], 6);
    const g = new Generator(7);
    const m = be.tensor(Float32Array.from({ length: 20 }, () => (g.uniform() < 0.4 ? 1 : 0)), [4, 5]);
    disposeAfterTest(p, t, m);
    const analytic = run(maskedMseLoss(), p, t, m).grad;
    numericGrad(maskedMseLoss(), p, t, m).forEach((v, i) => expect(analytic[i]!).toBeCloseTo(v, 3));
  });

  it('requires a mask', () => {
    const p = be.zeros([2, 2]);
    disposeAfterTest(p);
    expect(() => maskedMseLoss().compute(be, p, p)).toThrow(/mask/);
  });
});

/** PyTorch's CrossEntropyLoss(weight=w, reduction='mean') in float64: -sum w[y] log softmax(z)[y] / sum w[y]. */
function torchCrossEntropy(logits: number[][], targets: number[], weights?: number[]): number {
  let num = 0;
  let den = 0;
  logits.forEach((z, n) => {
    const mx = Math.max(...z);
    const lse = mx + Math.log(z.reduce((s, v) => s + Math.exp(v - mx), 0));
    const w = weights ? weights[targets[n]!]! : 1;
    num += -w * (z[targets[n]!]! - lse);
    den += w;
  });
  return num / den;
}

describe('crossEntropyLoss', () => {
  const logits = [[1, 2, 0.5], [0.1, 0.2, 3], [2, -1, 0], [0, 0, 0]];
  const targets = [1, 2, 0, 2];
  const weights = [0.2, 1, 3];

  it('matches a hand computation of PyTorch\'s formula, unweighted and class-weighted', () => {
    const z = be.tensor(logits.flat(), [4, 3]);
    const y = be.tensor(Int32Array.from(targets));
    disposeAfterTest(z, y);
    const plain = run(crossEntropyLoss(), z, y);
    expect(plain.value).toBeCloseTo(torchCrossEntropy(logits, targets), 5);
    expect(plain.count).toBe(4);
    const weighted = run(crossEntropyLoss({ classWeights: weights }), z, y);
    // weighted mean: divide by w[1] + w[2] + w[0] + w[2] = 1 + 3 + 0.2 + 3 = 7.2, not by 4
    expect(weighted.count).toBeCloseTo(7.2, 5);
    expect(weighted.value).toBeCloseTo(torchCrossEntropy(logits, targets, weights), 5);
    // by hand: the rows' -log p[y] are 0.464369, 0.109601, 0.169846, 1.098612 (= ln 3);
    // unweighted mean 1.842429 / 4, weighted (1 * 0.464369 + 3 * 0.109601 + 0.2 * 0.169846 + 3 * 1.098612) / 7.2
    expect(plain.value).toBeCloseTo(0.460607, 5);
    expect(weighted.value).toBeCloseTo(0.572636, 5);
  });

  it('matches finite differences, with and without class weights', () => {
    const z = randomTensor([4, 3], 8, 2);
    const y = be.tensor(Int32Array.from(targets));
    disposeAfterTest(z, y);
    for (const loss of [crossEntropyLoss(), crossEntropyLoss({ classWeights: weights })]) {
      const analytic = run(loss, z, y).grad;
      numericGrad(loss, z, y, undefined, 1e-2).forEach((v, i) => expect(analytic[i]!).toBeCloseTo(v, 3));
    }
  });

  it('is stable for large logits (log-softmax, no overflow)', () => {
    const z = be.tensor([1000, -1000, 0, -500, 500, 0], [2, 3]);
    const y = be.tensor(Int32Array.from([1, 1]));
    disposeAfterTest(z, y);
    const r = run(crossEntropyLoss(), z, y);
    // row 0: 2000; row 1: 0 (the target holds all the mass)
    expect(r.value).toBeCloseTo(1000, 3);
    expect(r.grad.every(Number.isFinite)).toBe(true);
  });

  it('checks targets and weights', () => {
    const z = be.zeros([2, 3]);
    const yFloat = be.tensor([0, 1]);
    expect(() => crossEntropyLoss().compute(be, z, yFloat)).toThrow(/int32/);
    const y = be.tensor(Int32Array.from([0, 1]));
    disposeAfterTest(z, yFloat, y);
    expect(() => crossEntropyLoss({ classWeights: [1, 2] }).compute(be, z, y)).toThrow(/2 class weights for 3 classes/);
    expect(() => crossEntropyLoss({ classWeights: [1, -2, 1] })).toThrow(/non-negative/);
  });

  it('frees every intermediate tensor', () => {
    const z = randomTensor([4, 3], 9);
    const y = be.tensor(Int32Array.from(targets));
    disposeAfterTest(z, y);
    const before = be.memory().tensors;
    const out = crossEntropyLoss({ classWeights: weights }).compute(be, z, y);
    expect(be.memory().tensors).toBe(before + 4);
    for (const x of [out.value, out.total, out.count, out.grad!]) x.dispose();
    expect(be.memory().tensors).toBe(before);
  });
});
