import { describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import { alphaBetaRule, AttributionError } from '../../../../src/index.js';
import { denseCase, maxRelDiff, neg, pos, ruleOnDense, stab } from '../helpers.js';

const be = await createBackend('reference');

describe('alpha-beta rule', () => {
  it('alpha * positive part - beta * negative part, each normalised, in float64 to 1e-6', () => {
    for (const [alpha, beta] of [[2, 1], [1.5, 0.5]] as const) {
      const c = denseCase(14);
      const expected = c.x.map((x, n) => {
        const denA = c.w.map((row, j) => row.reduce((s, wji, i) => s + pos(wji) * pos(x[i]!) + neg(wji) * neg(x[i]!), pos(c.b[j]!)));
        const denB = c.w.map((row, j) => row.reduce((s, wji, i) => s + neg(wji) * pos(x[i]!) + pos(wji) * neg(x[i]!), neg(c.b[j]!)));
        return x.map((xi, i) => c.w.reduce((s, row, j) => {
          const partA = (pos(xi) * pos(row[i]!) + neg(xi) * neg(row[i]!)) / stab(denA[j]!, 1e-6);
          const partB = (pos(xi) * neg(row[i]!) + neg(xi) * pos(row[i]!)) / stab(denB[j]!, 1e-6);
          return s + c.r[n]![j]! * (alpha * partA - beta * partB);
        }, 0));
      });
      expect(maxRelDiff(ruleOnDense(be, alphaBetaRule({ alpha, beta }), c), expected)).toBeLessThan(1e-6);
    }
  });

  it('requires alpha - beta = 1 and non-negative parameters (as Zennit)', () => {
    expect(() => alphaBetaRule({ alpha: 2, beta: 2 })).toThrow(/alpha - beta must be 1/);
    expect(() => alphaBetaRule({ alpha: -1, beta: -2 })).toThrow(AttributionError);
    expect(alphaBetaRule().label).toBe('AlphaBeta(alpha=2, beta=1, stabilizer=1e-6)');
  });
});
