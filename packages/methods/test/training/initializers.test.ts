/**
 * Initialisers: sample mean and variance against torch.nn.init's formulas
 * (60,000 draws: the variance's relative standard error is about 0.6% for a
 * normal and 0.4% for a uniform, so 3% is a loose, never-flaky bound), fans
 * and gains, and determinism from the seed.
 */
import { describe, expect, it } from 'vitest';
import { createBackend, Generator, type Backend, type Tensor } from '@relevance/core-wasm';
import {
  fans, gain, initLayer, kaimingNormal, kaimingUniform, torchDefaultBias, torchDefaultWeight, xavierNormal, xavierUniform,
} from '../../src/index.js';

const be: Backend = await createBackend('reference');

function stats(t: Tensor): { mean: number; variance: number; min: number; max: number } {
  const v = t.readSync() as Float32Array;
  let s = 0;
  for (const x of v) s += x;
  const mean = s / v.length;
  let q = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const x of v) {
    q += (x - mean) ** 2;
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  t.dispose();
  return { mean, variance: q / v.length, min, max };
}

function expectStats(t: Tensor, variance: number, bound?: number): void {
  const n = t.size;
  const s = stats(t);
  // mean within 4 standard errors of 0
  expect(Math.abs(s.mean)).toBeLessThan(4 * Math.sqrt(variance / n));
  expect(s.variance / variance).toBeGreaterThan(0.97);
  expect(s.variance / variance).toBeLessThan(1.03);
  if (bound !== undefined) {
    expect(s.min).toBeGreaterThanOrEqual(-bound);
    expect(s.max).toBeLessThan(bound);
  }
}

describe('fans and gains (torch.nn.init)', () => {
  it('fans of dense and conv weights', () => {
    expect(fans([200, 300])).toEqual({ fanIn: 300, fanOut: 200 });
    expect(fans([8, 4, 3, 3])).toEqual({ fanIn: 36, fanOut: 72 });
  });

  it('calculate_gain', () => {
    expect(gain('linear')).toBe(1);
    expect(gain('sigmoid')).toBe(1);
    expect(gain('tanh')).toBeCloseTo(5 / 3, 12);
    expect(gain('relu')).toBeCloseTo(Math.SQRT2, 12);
    expect(gain('leaky_relu', 0.2)).toBeCloseTo(Math.sqrt(2 / 1.04), 12);
  });
});

describe('initialiser statistics (shape [200, 300]: fan_in 300, fan_out 200)', () => {
  const shape = [200, 300];
  it('Xavier uniform: U(-a, a), a = gain sqrt(6 / (fan_in + fan_out)), variance 2 gain^2 / (fan_in + fan_out)', () => {
    expectStats(xavierUniform(be, shape, new Generator(1)), 2 / 500, Math.sqrt(6 / 500));
    expectStats(xavierUniform(be, shape, new Generator(2), 5 / 3), (25 / 9) * (2 / 500), (5 / 3) * Math.sqrt(6 / 500));
  });

  it('Xavier normal: std = gain sqrt(2 / (fan_in + fan_out))', () => {
    expectStats(xavierNormal(be, shape, new Generator(3)), 2 / 500);
  });

  it('Kaiming uniform (ReLU, fan_in): bound sqrt(6 / fan_in), variance 2 / fan_in', () => {
    expectStats(kaimingUniform(be, shape, new Generator(4)), 2 / 300, Math.sqrt(6 / 300));
    expectStats(kaimingUniform(be, shape, new Generator(5), { mode: 'fan_out' }), 2 / 200, Math.sqrt(6 / 200));
  });

  it('Kaiming normal (ReLU, fan_in): std sqrt(2 / fan_in); leaky ReLU lowers the gain', () => {
    expectStats(kaimingNormal(be, shape, new Generator(6)), 2 / 300);
    expectStats(kaimingNormal(be, shape, new Generator(7), { nonlinearity: 'leaky_relu', slope: 0.2 }), 2 / 1.04 / 300);
  });

  it('PyTorch\'s default Linear init (kaiming_uniform a = sqrt 5): U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias', () => {
    expectStats(torchDefaultWeight(be, shape, new Generator(8)), 1 / (3 * 300), 1 / Math.sqrt(300));
    const bias = stats(torchDefaultBias(be, [60000, 300], new Generator(9)));
    expect(bias.max).toBeLessThan(1 / Math.sqrt(300));
    expect(bias.min).toBeGreaterThanOrEqual(-1 / Math.sqrt(300));
    expect(bias.variance * 3 * 300).toBeCloseTo(1, 1);
  });

  it('conv weights use the receptive field in the fans', () => {
    // [64, 32, 5, 5]: fan_in 800
    expectStats(kaimingNormal(be, [64, 32, 5, 5], new Generator(10)), 2 / 800);
  });
});

describe('initLayer', () => {
  it('zero biases except for torch_default; the same generator state gives the same weights', () => {
    const a = initLayer(be, 'kaiming_uniform', [4, 3], new Generator(11), { nonlinearity: 'relu' });
    const b = initLayer(be, 'kaiming_uniform', [4, 3], new Generator(11), { nonlinearity: 'relu' });
    expect([...(a.bias!.readSync() as Float32Array)]).toEqual([0, 0, 0, 0]);
    expect(a.weight.readSync()).toEqual(b.weight.readSync());
    const t = initLayer(be, 'torch_default', [4, 3], new Generator(12));
    expect([...(t.bias!.readSync() as Float32Array)].some((v) => v !== 0)).toBe(true);
    for (const x of [a.weight, a.bias!, b.weight, b.bias!, t.weight, t.bias!]) x.dispose();
  });
});
