import { describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import { epsilonRule, gammaRule } from '../../../../src/index.js';
import { denseCase, maxRelDiff, neg, pos, ruleOnDense, stab } from '../helpers.js';

const be = await createBackend('reference');

describe('gamma rule (generalised)', () => {
  it('branches on the sign of z = Wx + b and handles negative inputs, in float64 to 1e-6', () => {
    for (const gamma of [0.25, 1]) {
      const c = denseCase(15);
      const up = (v: number) => v + gamma * pos(v);
      const down = (v: number) => v + gamma * neg(v);
      const expected = c.x.map((x, n) => {
        const z = c.w.map((row, j) => row.reduce((s, wji, i) => s + wji * x[i]!, c.b[j]!));
        const denPos = c.w.map((row, j) => row.reduce((s, wji, i) => s + up(wji) * pos(x[i]!) + down(wji) * neg(x[i]!), up(c.b[j]!)));
        const denNeg = c.w.map((row, j) => row.reduce((s, wji, i) => s + down(wji) * pos(x[i]!) + up(wji) * neg(x[i]!), down(c.b[j]!)));
        return x.map((xi, i) => c.w.reduce((s, row, j) => {
          const wji = row[i]!;
          if (z[j]! > 0) return s + (pos(xi) * up(wji) + neg(xi) * down(wji)) * c.r[n]![j]! / stab(denPos[j]!, 1e-6);
          if (z[j]! < 0) return s + (pos(xi) * down(wji) + neg(xi) * up(wji)) * c.r[n]![j]! / stab(denNeg[j]!, 1e-6);
          return s;
        }, 0));
      });
      expect(maxRelDiff(ruleOnDense(be, gammaRule({ gamma }), c), expected)).toBeLessThan(1e-6);
    }
  });

  it('with gamma = 0 it is the epsilon rule with the stabiliser (away from z == 0)', () => {
    const c = denseCase(16);
    expect(maxRelDiff(ruleOnDense(be, gammaRule({ gamma: 0 }), c), ruleOnDense(be, epsilonRule({ epsilon: 1e-6 }), c))).toBeLessThan(1e-5);
  });
});
