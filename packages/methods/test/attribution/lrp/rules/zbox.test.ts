import { describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import { zboxRule } from '../../../../src/index.js';
import { denseCase, maxRelDiff, neg, pos, ruleOnDense, stab } from '../helpers.js';

const be = await createBackend('reference');

describe('zbox rule', () => {
  it('den = z - (W+ l + b+) - (W- h + b-), R_in = x W^T s - l W+^T s - h W-^T s, in float64 to 1e-6', () => {
    const [low, high] = [-3, 2.5];
    const c = denseCase(17);
    const expected = c.x.map((x, n) => {
      const den = c.w.map((row, j) => row.reduce((s, wji, i) => s + wji * x[i]! - pos(wji) * low - neg(wji) * high, c.b[j]! - pos(c.b[j]!) - neg(c.b[j]!)));
      return x.map((xi, i) => c.w.reduce((s, row, j) => s + (xi * row[i]! - low * pos(row[i]!) - high * neg(row[i]!)) * c.r[n]![j]! / stab(den[j]!, 1e-6), 0));
    });
    expect(maxRelDiff(ruleOnDense(be, zboxRule({ low, high }), c), expected)).toBeLessThan(1e-6);
  });

  it('needs low < high', () => {
    expect(() => zboxRule({})).toThrow(/needs 'low' and 'high'/);
    expect(() => zboxRule({ low: 1, high: 1 })).toThrow(/low must be below high/);
    expect(zboxRule({ low: -3, high: 3 }).zeroForZeroInput).toBe(false);
  });
});
