import { describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import { alphaBetaRule, zplusRule } from '../../../../src/index.js';
import { denseCase, maxRelDiff, neg, pos, ruleOnDense, stab } from '../helpers.js';

const be = await createBackend('reference');

describe('zplus rule', () => {
  it('den = W+x+ + W-x- + b+, R_in = x+ W+^T s + x- W-^T s, in float64 to 1e-6', () => {
    const c = denseCase(12);
    const expected = c.x.map((x, n) => {
      const den = c.w.map((row, j) => row.reduce((s, wji, i) => s + pos(wji) * pos(x[i]!) + neg(wji) * neg(x[i]!), pos(c.b[j]!)));
      return x.map((xi, i) => c.w.reduce((s, row, j) => s + (pos(xi) * pos(row[i]!) + neg(xi) * neg(row[i]!)) * c.r[n]![j]! / stab(den[j]!, 1e-6), 0));
    });
    expect(maxRelDiff(ruleOnDense(be, zplusRule(), c), expected)).toBeLessThan(1e-6);
  });

  it('equals AlphaBeta(1, 0)', () => {
    const c = denseCase(13);
    expect(maxRelDiff(ruleOnDense(be, zplusRule(), c), ruleOnDense(be, alphaBetaRule({ alpha: 1, beta: 0 }), c))).toBeLessThan(1e-6);
  });
});
