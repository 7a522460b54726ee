/** Learning-rate schedules: PyTorch's closed forms at chosen epochs. */
import { describe, expect, it } from 'vitest';
import { constantLr, cosineLr, stepLr } from '../../src/index.js';

describe('learning-rate schedules', () => {
  it('constant', () => {
    const s = constantLr(0.01);
    expect([0, 1, 100].map(s)).toEqual([0.01, 0.01, 0.01]);
  });

  it('step: lr * gamma^floor(epoch / stepSize)', () => {
    const s = stepLr(0.1, { stepSize: 10, gamma: 0.5 });
    expect(s(0)).toBe(0.1);
    expect(s(9)).toBe(0.1);
    expect(s(10)).toBe(0.05);
    expect(s(25)).toBe(0.025);
    // PyTorch's default gamma is 0.1
    expect(stepLr(1, { stepSize: 3 })(6)).toBeCloseTo(0.01, 12);
  });

  it('cosine: from lr to minLr over the period, then held', () => {
    const s = cosineLr(0.1, { period: 10, minLr: 0.001 });
    expect(s(0)).toBeCloseTo(0.1, 12);
    expect(s(5)).toBeCloseTo((0.1 + 0.001) / 2, 12);
    expect(s(10)).toBeCloseTo(0.001, 12);
    expect(s(15)).toBeCloseTo(0.001, 12);
    // eta_min + (eta_max - eta_min) (1 + cos(pi t / T)) / 2 at t = 2
    expect(s(2)).toBeCloseTo(0.001 + 0.099 * (1 + Math.cos(Math.PI / 5)) / 2, 12);
    // monotone decreasing
    for (let e = 0; e < 10; e++) expect(s(e + 1)).toBeLessThan(s(e));
  });

  it('rejects invalid settings', () => {
    expect(() => constantLr(0)).toThrow(/lr/);
    expect(() => stepLr(0.1, { stepSize: 0 })).toThrow(/stepSize/);
    expect(() => cosineLr(0.1, { period: 10, minLr: 0.2 })).toThrow(/minLr/);
  });
});
