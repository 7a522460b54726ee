/** Label nudging: order kept, gaps respected, inside the range when they fit. */
import { describe, expect, it } from 'vitest';
import { nudgeApart } from '../../src/analysis/label-nudge.js';

describe('nudgeApart', () => {
  it('leaves labels that are already apart where they are', () => {
    expect(nudgeApart([0, 5, 10], 2, -100, 100)).toEqual([0, 5, 10]);
  });
  it('pushes crowded labels apart by the gap, keeping their order, and pulls them back inside the range', () => {
    const ys = nudgeApart([9.9, 10, 10.1, 2], 1, 0, 10);
    const sorted = [...ys].sort((a, b) => a - b);
    for (let k = 1; k < sorted.length; k++) expect(sorted[k]! - sorted[k - 1]!).toBeGreaterThanOrEqual(1 - 1e-12);
    expect(Math.max(...ys)).toBeLessThanOrEqual(10);
    expect(ys[0]! < ys[1]! && ys[1]! < ys[2]!).toBe(true);
    expect(ys[3]).toBe(2);
  });
  it('spreads labels from the bottom when the range is too small for all of them', () => {
    expect(nudgeApart([0, 0, 0], 2, 0, 1)).toEqual([0, 2, 4]);
  });
});
