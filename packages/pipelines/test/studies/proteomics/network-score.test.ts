/** The class and cohort network score: what the partial-correlation weight does to an indirect pair, and the cohort of a cohort with classes. */
import { describe, expect, it } from 'vitest';
import { PARTIAL_CORRELATION_EXPONENT, targetNormalizedNetwork } from '../../../src/studies/proteomics/networks.js';
import { cohortNetwork, MIN_CLASS_INSTANCES } from '../../../src/studies/proteomics/aggregation.js';

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

describe('cohortNetwork: cohorts with classes', () => {
  // 3 proteins; class A's patients have relevance only on the pair (0, 1), class B's only on (1, 2)
  const p = 3;
  const netA = Float32Array.from([0, 1, 0.05, 1, 0, 0.05, 0.05, 0.05, 0]);
  const netB = Float32Array.from([0, 0.05, 0.05, 0.05, 0, 1, 0.05, 1, 0]);
  const partial = { cohort: null, byClass: new Map<string, Float32Array | null>([['A', null], ['B', null]]) };
  const cohort = (a: number, b: number) => {
    const rows = Array.from({ length: a + b }, (_, i) => i);
    const classOf = (i: number) => (i < a ? 'A' : 'B');
    return cohortNetwork((i) => (i < a ? netA : netB), rows, p, classOf, partial);
  };

  it('is the strongest class network per pair when two classes have enough patients', () => {
    const got = cohort(MIN_CLASS_INSTANCES, 3 * MIN_CLASS_INSTANCES);
    const a = targetNormalizedNetwork(() => netA, Array.from({ length: MIN_CLASS_INSTANCES }, (_, i) => i), p, null);
    const b = targetNormalizedNetwork(() => netB, Array.from({ length: 3 * MIN_CLASS_INSTANCES }, (_, i) => i), p, null);
    for (let k = 0; k < 3; k++) expect(got.pairs[k]).toBe(Math.max(a.pairs[k]!, b.pairs[k]!));
    expect(got.directed.length).toBe(a.directed.length);
    for (let k = 0; k < a.directed.length; k++) expect(got.directed[k]).toBe(Math.max(a.directed[k]!, b.directed[k]!));
    // the minority class's edge (0, 1) is as strong as the majority's (1, 2): no dilution
    expect(got.pairs[0]).toBeCloseTo(got.pairs[2]!, 6);
  });

  it('is the pooled network when fewer than two classes have enough patients', () => {
    const a = MIN_CLASS_INSTANCES - 1, b = 3 * MIN_CLASS_INSTANCES;
    const got = cohort(a, b);
    const rows = Array.from({ length: a + b }, (_, i) => i);
    const pooled = targetNormalizedNetwork((i) => (i < a ? netA : netB), rows, p, null);
    expect(Array.from(got.pairs)).toEqual(Array.from(pooled.pairs));
    // pooled, the minority's edge is diluted below the majority's
    expect(got.pairs[0]!).toBeLessThan(got.pairs[2]!);
  });
});
