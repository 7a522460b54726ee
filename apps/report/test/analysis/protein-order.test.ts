import { describe, expect, it } from 'vitest';
import { circularLayout } from '../../src/analysis/circular-layout.js';
import { filterNames } from '../../src/analysis/protein-filter.js';
import { clusteredProteinOrder, proteinsByDegree, type WeightedEdge } from '../../src/analysis/protein-order.js';
import { spearman } from '../../src/analysis/rank-correlation.js';

/** Two modules, {A,B,C} and {X,Y,Z}, strong inside, weak across; listed interleaved. */
const PROTEINS = ['A', 'X', 'B', 'Y', 'C', 'Z'];
function modularEdges(): WeightedEdge[] {
  const edges: WeightedEdge[] = [];
  for (let i = 0; i < PROTEINS.length; i++) {
    for (let j = i + 1; j < PROTEINS.length; j++) {
      const a = PROTEINS[i]!;
      const b = PROTEINS[j]!;
      const same = (a < 'M') === (b < 'M');
      edges.push({ source: a, target: b, relevance: same ? 0.8 + 0.01 * (i + j) : 0.05 });
    }
  }
  return edges;
}

describe('clusteredProteinOrder', () => {
  it('puts the proteins of a module next to each other', () => {
    const { order, clustered } = clusteredProteinOrder(PROTEINS, modularEdges(), []);
    expect(clustered).toBe(6);
    expect([...order].sort()).toEqual([...PROTEINS].sort());
    const modules = order.map((p) => (p < 'M' ? 'first' : 'second'));
    expect(modules.slice(0, 3).every((m) => m === modules[0])).toBe(true);
    expect(modules.slice(3).every((m) => m === modules[3])).toBe(true);
    expect(modules[0]).not.toBe(modules[3]);
  });

  it('uses class networks too: a module seen only in one class still clusters', () => {
    const cohort = PROTEINS.flatMap((a, i) => PROTEINS.slice(i + 1).map((b) => ({ source: a, target: b, relevance: 0.1 })));
    const { order } = clusteredProteinOrder(PROTEINS, cohort, [modularEdges()]);
    const modules = order.map((p) => p < 'M');
    expect(new Set(modules.slice(0, 3)).size).toBe(1);
  });

  it('clusters the strongest proteins only when asked, appending the rest by degree', () => {
    const { order, clustered } = clusteredProteinOrder(PROTEINS, modularEdges(), [], 3);
    expect(clustered).toBe(3);
    const byDegree = proteinsByDegree(PROTEINS, modularEdges());
    expect(order.slice(3)).toEqual(byDegree.slice(3));
    expect(new Set(order.slice(0, 3))).toEqual(new Set(byDegree.slice(0, 3)));
  });
});

describe('layout, filter and rank correlation helpers', () => {
  it('places nodes on the unit circle clockwise from the top', () => {
    const nodes = circularLayout(['a', 'b', 'c', 'd']);
    expect(nodes.map((n) => [n.x, n.y])).toEqual([
      [0, 1],
      [1, 0],
      [0, -1],
      [-1, 0],
    ]);
  });

  it('filters names by comma- or space-separated parts, case-insensitively', () => {
    expect(filterNames(['AKT1', 'MTOR', 'MAPK1', 'MAPK3'], 'mapk, akt')).toEqual(['AKT1', 'MAPK1', 'MAPK3']);
    expect(filterNames(['AKT1', 'MTOR'], '  ')).toEqual(['AKT1', 'MTOR']);
  });

  it('computes Spearman with ties', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1);
    expect(spearman([1, 1, 2, 3], [1, 2, 3, 4])).toBeCloseTo(0.9487, 3);
    expect(spearman([1, 2], [1, 2])).toBeNull();
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(() => spearman([1, 2, 3], [1, 2])).toThrow(/3 x values but 2 y values/);
  });
});
