/** The indirect-path correction of class and cohort networks: hand-computed cases and a chain. */
import { describe, expect, it } from 'vitest';
import { aggregate, pairCount, withoutIndirectPaths, withoutIndirectPathsDirected } from '../../../src/studies/proteomics/networks.js';

describe('withoutIndirectPaths', () => {
  it('subtracts half the strongest two-step path (hand-computed, three proteins)', () => {
    // pairs in order (0,1), (0,2), (1,2)
    const { score, indirect } = withoutIndirectPaths([1, 0.5, 0.8], 3);
    expect(Array.from(indirect)).toEqual([0.5, 0.8, 0.5].map(Math.fround)); // (0,1) via 2: min(0.5, 0.8); (0,2) via 1: min(1, 0.8); (1,2) via 0: min(1, 0.5)
    expect(score[0]).toBeCloseTo(1 - 0.25, 6);
    expect(score[1]).toBeCloseTo(0.5 - 0.4, 6);
    expect(score[2]).toBeCloseTo(0.8 - 0.25, 6);
  });

  it('ranks every direct pair of a chain above every indirect one when half of each path leaks', () => {
    const p = 6;
    const direct = [1, 1, 0.3, 1, 1]; // one weak direct link
    // pair (a, c) of a chain: the leak of the path through the mediators, halved per mediator
    const scores = new Float32Array(pairCount(p));
    for (let a = 0, k = 0; a < p; a++) for (let c = a + 1; c < p; c++, k++) {
      let s = Infinity;
      for (let b = a; b < c; b++) s = Math.min(s, direct[b]!);
      scores[k] = s * 0.5 ** (c - a - 1);
    }
    const { score } = withoutIndirectPaths(scores, p);
    let minDirect = Infinity, maxIndirect = -Infinity;
    for (let a = 0, k = 0; a < p; a++) for (let c = a + 1; c < p; c++, k++) {
      if (c === a + 1) minDirect = Math.min(minDirect, score[k]!);
      else maxIndirect = Math.max(maxIndirect, score[k]!);
    }
    expect(minDirect).toBeGreaterThan(maxIndirect);
    // without the correction the weak direct pair (0.3) ranks below strong indirect ones (0.5)
    let rawMinDirect = Infinity, rawMaxIndirect = -Infinity;
    for (let a = 0, k = 0; a < p; a++) for (let c = a + 1; c < p; c++, k++) {
      if (c === a + 1) rawMinDirect = Math.min(rawMinDirect, scores[k]!);
      else rawMaxIndirect = Math.max(rawMaxIndirect, scores[k]!);
    }
    expect(rawMinDirect).toBeLessThan(rawMaxIndirect);
  });

  it('has a directed form: s -> b -> t leaks onto s -> t, not onto t -> s', () => {
    const p = 3;
    // [target * p + source]: 0 -> 1 (1.0), 1 -> 2 (0.8), 0 -> 2 (0.5), reverse directions 0.1
    const m = new Float64Array(p * p).fill(0.1);
    m[1 * p + 0] = 1; m[2 * p + 1] = 0.8; m[2 * p + 0] = 0.5;
    const d: number[] = [];
    for (let t = 0; t < p; t++) for (let s = 0; s < p; s++) if (s !== t) d.push(m[t * p + s]!);
    const out = withoutIndirectPathsDirected(d, p);
    // order: (t=0,s=1), (t=0,s=2), (t=1,s=0), (t=1,s=2), (t=2,s=0), (t=2,s=1)
    expect(out[4]).toBeCloseTo(0.5 - 0.5 * Math.min(1, 0.8), 6); // 0 -> 2 through 1
    expect(out[1]).toBeCloseTo(0.1 - 0.5 * Math.min(0.1, 0.1), 6); // 2 -> 0 has only weak paths
  });

  it('is what aggregate reports as the score of the mean network', () => {
    const nets = Float32Array.from([1, 0.5, 0.8, 0.6, 0.2, 0.4]); // two instances, three pairs
    const a = aggregate(nets, 3);
    const { score, indirect } = withoutIndirectPaths(a.mean, 3);
    expect(Array.from(a.score)).toEqual(Array.from(score));
    expect(Array.from(a.indirect)).toEqual(Array.from(indirect));
  });
});
