import { describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import { AttributionError, epsilonRule } from '../../../../src/index.js';
import { denseCase, maxRelDiff, ruleOnDense, stab } from '../helpers.js';

const be = await createBackend('reference');

describe('epsilon rule', () => {
  it('R_in = x * W^T (R / stab(Wx + b, epsilon)) on Dense, in float64 to 1e-6', () => {
    for (const epsilon of [1e-6, 0.5]) {
      const c = denseCase(11);
      const expected = c.x.map((x, n) => {
        const z = c.w.map((row, j) => row.reduce((s, wji, i) => s + wji * x[i]!, c.b[j]!));
        return x.map((xi, i) => xi * c.w.reduce((s, row, j) => s + row[i]! * c.r[n]![j]! / stab(z[j]!, epsilon), 0));
      });
      expect(maxRelDiff(ruleOnDense(be, epsilonRule({ epsilon }), c), expected)).toBeLessThan(1e-6);
    }
  });

  it('reports its parameters and rejects a negative epsilon', () => {
    const r = epsilonRule({ epsilon: 0.25 });
    expect(r.label).toBe('Epsilon(epsilon=0.25)');
    expect(r.params).toEqual({ epsilon: 0.25 });
    expect(r.zeroForZeroInput).toBe(true);
    expect(() => epsilonRule({ epsilon: -1 })).toThrow(AttributionError);
  });
});
