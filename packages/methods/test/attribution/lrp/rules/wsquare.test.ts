import { describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import { wsquareRule } from '../../../../src/index.js';
import { denseCase, maxRelDiff, ruleOnDense, stab } from '../helpers.js';

const be = await createBackend('reference');

describe('wsquare rule', () => {
  it('R_in = (W^2)^T (R / stab(sum_i W^2 + b^2)), inputs ignored, in float64 to 1e-6', () => {
    const c = denseCase(18);
    const den = c.w.map((row, j) => row.reduce((s, wji) => s + wji * wji, c.b[j]! * c.b[j]!));
    const expected = c.x.map((x, n) => x.map((_, i) => c.w.reduce((s, row, j) => s + row[i]! * row[i]! * c.r[n]![j]! / stab(den[j]!, 1e-6), 0)));
    expect(maxRelDiff(ruleOnDense(be, wsquareRule(), c), expected)).toBeLessThan(1e-6);
    // the input values do not matter
    const other = { ...c, x: c.x.map((row) => row.map((v) => v * 3 + 1)) };
    expect(maxRelDiff(ruleOnDense(be, wsquareRule(), other), expected)).toBeLessThan(1e-6);
  });
});
