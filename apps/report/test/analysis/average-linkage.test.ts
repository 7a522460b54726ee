import { describe, expect, it } from 'vitest';
import { averageLinkage } from '../../src/analysis/average-linkage.js';

function lineDistances(points: number[]): Float64Array {
  const n = points.length;
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) d[i * n + j] = Math.abs(points[i]! - points[j]!);
  return d;
}

describe('averageLinkage', () => {
  it('merges by average distance (UPGMA) and orders leaves by the dendrogram', () => {
    const { order, merges } = averageLinkage(lineDistances([0, 1, 5, 6, 20]), 5);
    expect(merges.map((m) => m.distance)).toEqual([1, 1, 5, 17]);
    // the tie between {0,1} and {2,3} goes to the first pair in index order
    expect(merges[0]).toMatchObject({ left: [0], right: [1] });
    expect(merges[2]).toMatchObject({ left: [0, 1], right: [2, 3] });
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('keeps groups together whatever the input order', () => {
    // three groups on a line, interleaved in the input
    const points = [0, 50, 100, 1, 51, 101, 2, 52, 102];
    const { order } = averageLinkage(lineDistances(points), points.length);
    const groups = order.map((i) => Math.floor(points[i]! / 50));
    expect(groups).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2]);
    expect([...order].sort((a, b) => a - b)).toEqual(points.map((_, i) => i));
  });

  it('is deterministic and handles tiny and degenerate inputs', () => {
    const d = lineDistances([3, 3, 3, 3]);
    expect(averageLinkage(d, 4).order).toEqual(averageLinkage(d, 4).order);
    expect(averageLinkage(new Float64Array(0), 0).order).toEqual([]);
    expect(averageLinkage(new Float64Array(1), 1).order).toEqual([0]);
    const nan = new Float64Array([0, NaN, NaN, 0]);
    expect(averageLinkage(nan, 2).order).toEqual([0, 1]);
    expect(() => averageLinkage(new Float64Array(3), 2)).toThrow(/2x2/);
  });
});
