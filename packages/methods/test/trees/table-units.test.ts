/**
 * Where the leaf-table engine's walk stops (table-units.ts): subtrees of
 * height 2 become one unit with three inner nodes, smaller shapes smaller
 * units, and a subtree whose unit table would outgrow its leaves' tables is
 * split. The values through every kind of unit equal the reference walks.
 */
import { describe, expect, it } from 'vitest';
import { Generator } from '@relevance/core-wasm';
import { treeShap, type TreeEnsemble } from '../../src/index.js';
import { flattenTree } from '../../src/trees/leaf-tables.js';
import { randomTreeEnsemble } from '../../src/trees/random-ensemble.js';
import { maxAbsDiff, randomRows } from './helpers.js';

/** Units of the first tree: [inner nodes, slots above, slots] per unit, depth-first. */
function units(e: TreeEnsemble): number[][] {
  const t = flattenTree(e, e.roots[0]!, 0, undefined)!;
  return Array.from(t.unitAbove, (dA, u) => [t.unitInnerCount[u]!, dA, t.unitSlots[u]!]);
}

/** A tree of one feature only: split after split on feature 0 (every leaf has one slot). */
function oneFeatureTree(depth: number): TreeEnsemble {
  return randomTreeEnsemble({ trees: 1, depth, features: 1, seed: 4 });
}

describe('table units', () => {
  it('a complete tree of depth 4 stops at its four subtrees of height 2, each with three inner nodes', () => {
    const e = randomTreeEnsemble({ trees: 1, depth: 4, features: 40, seed: 2 });
    const u = units(e);
    expect(u.length).toBe(4);
    for (const [inner, dA, dU] of u) {
      expect(inner).toBe(3);
      expect(dA).toBe(2);
      expect(dU).toBeGreaterThanOrEqual(3);
      expect(dU).toBeLessThanOrEqual(5);
    }
    expect(units(randomTreeEnsemble({ trees: 1, depth: 1, features: 3, seed: 2 }))).toEqual([[1, 0, 1]]);
  });

  it('a subtree on one repeated feature is split where a height-2 table would outgrow its leaves', () => {
    // every leaf has one slot: a height-2 unit needs 2^(1 + 3) entries against its four leaves' 4 x 2
    const u = units(oneFeatureTree(4));
    expect(u.every(([inner]) => inner <= 1)).toBe(true);
    expect(u.length).toBe(8);
  });

  it('values through every kind of unit equal the reference walks, both algorithms', () => {
    const g = new Generator(8);
    for (const e of [oneFeatureTree(5), randomTreeEnsemble({ trees: 3, depth: 5, features: 4, seed: 6 }), randomTreeEnsemble({ trees: 2, depth: 7, features: 30, seed: 7 })]) {
      const F = e.features;
      const x = randomRows(g, 20, F, 0.05);
      const bg = randomRows(g, 12, F);
      for (const algorithm of ['interventional', 'path-dependent'] as const) {
        const a = treeShap(e, x, 20, { algorithm, background: bg, target: 0 });
        const b = treeShap(e, x, 20, { algorithm, background: bg, target: 0, pathTables: false });
        expect(maxAbsDiff(a.values64, b.values64)).toBeLessThan(1e-12);
      }
    }
  });
});
