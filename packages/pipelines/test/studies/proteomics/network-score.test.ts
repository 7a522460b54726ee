/** The class and cohort network score: what the partial-correlation weight does to an indirect pair. */
import { describe, expect, it } from 'vitest';
import { PARTIAL_CORRELATION_EXPONENT, targetNormalizedNetwork } from '../../../src/studies/proteomics/networks.js';

describe('targetNormalizedNetwork: the partial-correlation weight', () => {
  // a -> b -> c (proteins 0, 1, 2): relevance leaks onto (a, c) as strongly as onto the direct pairs
  const p = 3;
  const leak = Float32Array.from([0, 1, 1, 1, 0, 1, 1, 1, 0]);
  const pairsOf = (partial: number[] | null) => targetNormalizedNetwork(() => leak, [0, 1], p, partial).pairs;

  it('without a partial correlation the three pairs tie', () => {
    const s = pairsOf(null);
    expect(s[0]).toBeCloseTo(s[1]!, 7);
    expect(s[1]).toBeCloseTo(s[2]!, 7);
  });

  it('ranks the direct pairs above the indirect one when only they have partial correlation, gently', () => {
    // pairs: (0,1) direct, (0,2) indirect, (1,2) direct
    const s = pairsOf([0.3, 0.01, 0.3]);
    expect(PARTIAL_CORRELATION_EXPONENT).toBe(0.25);
    expect(s[0]!).toBeGreaterThan(s[1]!);
    expect(s[2]!).toBeGreaterThan(s[1]!);
    // 0.01 ^ 0.25 ~ 0.32: lowered, not silenced
    expect(s[1]! / s[0]!).toBeCloseTo((0.01 / 0.3) ** 0.25, 5);
  });
});
