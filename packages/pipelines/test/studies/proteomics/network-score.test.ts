/** The class and cohort network score: hand-computed cases and what it does to an indirect pair. */
import { describe, expect, it } from 'vitest';
import { networkScore, PARTIAL_CORRELATION_EXPONENT } from '../../../src/studies/proteomics/networks.js';

describe('networkScore', () => {
  it('is sqrt(mean * median) * |partial correlation|^(1/4) (hand-computed)', () => {
    const s = networkScore([0.8, 0.5, 0.2], [0.2, 0.5, -0.1], [0.0625, -1, 0.5]);
    expect(PARTIAL_CORRELATION_EXPONENT).toBe(0.25);
    expect(s[0]).toBeCloseTo(Math.sqrt(0.16) * 0.5, 6);
    expect(s[1]).toBeCloseTo(0.5, 6); // |-1|^(1/4) = 1
    expect(s[2]).toBe(0); // a negative median counts as 0
  });

  it('without a partial correlation the weight is 1', () => {
    expect(Array.from(networkScore([4], [1], null))).toEqual([2]);
  });

  it('ranks a direct pair above an indirect one of equal relevance when only the direct one has partial correlation', () => {
    // a -> b -> c: relevance leaks onto (a, c), whose partial correlation given b is near 0
    const [direct, indirect] = networkScore([0.5, 0.5], [0.4, 0.4], [0.3, 0.01]);
    expect(direct!).toBeGreaterThan(indirect!);
    // a weak partial correlation only lowers the score gently: 0.01 ^ 0.25 ~ 0.32, not 0
    expect(indirect! / direct!).toBeCloseTo((0.01 / 0.3) ** 0.25, 5);
  });
});
