/**
 * SHAP interaction values from the per-leaf pair tables (interaction-tables.ts)
 * against the brute-force Shapley interaction index over all coalitions, on
 * small trees of awkward shapes: a lone leaf, depth 1, unbalanced chains,
 * repeated features on a path, missing-value branches, a one-row background;
 * against the reference walks (pathTables: false); across thread counts; and
 * the fallback to the walks when a tree's pair tables would be too big.
 */
import { describe, expect, it } from 'vitest';
import { Generator } from '@relevance/core-wasm';
import { treeShap, type TreeEnsemble } from '../../src/index.js';
import { LeafTableEngine } from '../../src/trees/leaf-tables.js';
import { treeOutputs } from '../../src/trees/tree-shap.js';
import { chainTree, checkAgainstBruteForce, joinEnsembles, maxAbsDiff, randomEnsemble, randomRows, TOL, randomCase } from './helpers.js';

/** A node: a leaf value, or a split [feature, threshold, yes, no] with optional mode (index into SPLIT_MODES) and missing-value direction. */
type Spec = number | { f: number; t: number; yes: Spec; no: Spec; mode?: number; missingYes?: boolean };

/** An ensemble of the given trees over F features; covers split each node's cover 0.3 / 0.7, 0.4 / 0.6, ... by node number. */
function ensembleOf(trees: Spec[], F: number): TreeEnsemble {
  const feature: number[] = [], threshold: number[] = [], mode: number[] = [], yes: number[] = [], no: number[] = [], missing: number[] = [], leaf: number[] = [], cover: number[] = [];
  const add = (s: Spec, c: number): number => {
    const n = feature.length;
    feature.push(-1); threshold.push(0); mode.push(0); yes.push(0); no.push(0); missing.push(0); leaf.push(0); cover.push(c);
    if (typeof s === 'number') {
      leaf[n] = s;
      return n;
    }
    const share = 0.3 + 0.1 * (n % 4);
    feature[n] = s.f; threshold[n] = Math.fround(s.t); mode[n] = s.mode ?? 0; missing[n] = s.missingYes ? 1 : 0;
    yes[n] = add(s.yes, c * share);
    no[n] = add(s.no, c * (1 - share));
    return n;
  };
  const roots = trees.map((t) => add(t, 100));
  return {
    kind: 'tree-ensemble', source: 'spec', task: 'regression', features: F, outputs: 1, roots: Int32Array.from(roots), feature: Int32Array.from(feature),
    threshold: Float32Array.from(threshold), mode: Uint8Array.from(mode), yes: Int32Array.from(yes), no: Int32Array.from(no), missingYes: Uint8Array.from(missing),
    leafValue: Float64Array.from(leaf), base: new Float64Array(1).fill(0.25), cover: Float64Array.from(cover), postTransform: 'NONE', inputName: 'x',
  };
}

const split = (f: number, t: number, y: Spec, n: Spec, more: { mode?: number; missingYes?: boolean } = {}): Spec => ({ f, t, yes: y, no: n, ...more });

/** Trees of awkward shapes over 6 features. */
const SHAPES: Record<string, Spec[]> = {
  'a lone leaf and a depth-1 tree': [1.5, split(2, 0, 2, -1)],
  'depth 1 only': [split(0, 0.1, -0.5, 1.25)],
  'an unbalanced chain (yes side) and its mirror (no side)': [
    split(0, 0.5, split(1, 0, split(2, -0.3, split(3, 0.2, 1, -2), 0.5), -1), 3),
    split(4, -0.2, 0.7, split(5, 0.1, -0.4, split(3, 0.4, 2.5, split(1, -0.6, -1, 0.2)))),
  ],
  'repeated features on a path': [
    split(0, 0, split(1, 0.5, split(0, -0.5, 1, split(1, -0.2, 2, -1)), split(2, 0, -3, 0.5)), split(0, 1, split(3, 0, 0.1, 0.9), -2)),
    split(4, 0, split(4, -0.5, 1, split(4, -0.25, -1, 2)), split(5, 0.3, split(4, 0.8, 0.5, -0.5), 1)),
  ],
  'missing-value branches and every split mode': [
    split(0, 0, split(1, 0.2, 1, -1, { mode: 1, missingYes: true }), split(2, -0.1, 2, 0.5, { mode: 2 }), { missingYes: true }),
    split(3, 0.3, split(4, 0, -2, 1, { mode: 3, missingYes: true }), split(5, 0.5, 0.25, -0.75, { mode: 1 }), { mode: 2 }),
    split(1, 0, 1, split(1, 0, -1, 3, { mode: 5 }), { mode: 4, missingYes: true }),
  ],
};

describe('TreeSHAP interaction values from the pair tables equal brute force', () => {
  const g = new Generator(41);
  const x = randomRows(g, 6, 6, 0.2); // a fifth of the values missing
  const bg = randomRows(g, 9, 6);
  for (const [name, trees] of Object.entries(SHAPES)) {
    it(`${name}: interventional and path-dependent, to 1e-6`, () => {
      const e = ensembleOf(trees, 6);
      expect(checkAgainstBruteForce(e, x, 6, 'interventional', bg)).toBeLessThan(TOL);
      expect(checkAgainstBruteForce(e, x, 6, 'path-dependent')).toBeLessThan(TOL);
      const r = treeShap(e, x, 6, { background: bg, interactions: true });
      expect(r.params.tables).toBe(true);
    });
  }

  it('all the shapes in one ensemble, with a one-row background', () => {
    const e = ensembleOf(Object.values(SHAPES).flat(), 6);
    for (let z = 0; z < 3; z++) expect(checkAgainstBruteForce(e, x, 6, 'interventional', bg.subarray(z * 6, z * 6 + 6))).toBeLessThan(TOL);
  });

  it('random trees of depth 7 with two outputs, missing values', () => {
    const h = new Generator(43);
    const e = randomEnsemble(h, 5, 7, 8, 2);
    const rows = randomRows(h, 4, 8, 0.1);
    expect(checkAgainstBruteForce(e, rows, 4, 'interventional', randomRows(h, 15, 8))).toBeLessThan(TOL);
    expect(checkAgainstBruteForce(e, rows, 4, 'path-dependent')).toBeLessThan(TOL);
  });
});

describe('TreeSHAP interaction values: tables against the walks, threads, fallback', () => {
  it('the pair tables agree with the reference walks to 1e-12, and are symmetric', () => {
    const { e, x, bg } = randomCase(45, { trees: 8, depth: 7, features: 9, outputs: 2, rows: 30, missing: 0.1, background: 25 });
    for (const algorithm of ['interventional', 'path-dependent'] as const) {
      const a = treeShap(e, x, 30, { algorithm, background: bg, interactions: true });
      const b = treeShap(e, x, 30, { algorithm, background: bg, interactions: true, pathTables: false });
      expect(maxAbsDiff(a.interactions!, b.interactions!)).toBeLessThan(1e-12);
      expect(maxAbsDiff(a.values64, b.values64)).toBeLessThan(1e-12);
      for (let r = 0; r < 30; r++) for (let i = 0; i < 9; i++) for (let j = 0; j < 9; j++) expect(a.interactions![r * 81 + i * 9 + j]).toBe(a.interactions![r * 81 + j * 9 + i]);
    }
  });

  it('interaction values are bit-identical for 1, 2 and 3 threads over several chunks', () => {
    const g = new Generator(47);
    const e = randomEnsemble(g, 10, 6, 7, 2);
    const rows = 700; // three chunks of 256 rows with 3 threads, two blocks of the engine
    const x = randomRows(g, rows, 7, 0.05);
    const bg = randomRows(g, 20, 7);
    for (const algorithm of ['interventional', 'path-dependent'] as const) {
      const runs = [1, 2, 3].map((threads) => treeShap(e, x, rows, { algorithm, background: bg, threads, interactions: true }));
      for (const r of runs.slice(1)) {
        expect(r.interactions!.every((a, i) => Object.is(a, runs[0]!.interactions![i]))).toBe(true);
        expect(r.values64.every((a, i) => Object.is(a, runs[0]!.values64[i]))).toBe(true);
      }
    }
  });

  it('a tree whose pair tables would be too big falls back to the walks (values still tabled), next to tabled trees', () => {
    const g = new Generator(49);
    const F = 17;
    const chain = chainTree(17, F); // values: about 2^18 x 17 entries (fits); pairs: about 2^18 x 136 (too many)
    const small = randomEnsemble(g, 2, 4, F);
    const e = joinEnsembles(chain, small);
    const x = randomRows(g, 4, F);
    const bg = randomRows(g, 6, F);
    for (const algorithm of ['interventional', 'path-dependent'] as const) {
      const engine = new LeafTableEngine(e, { algorithm, background: bg, targets: new Int32Array(4), has: treeOutputs(e), interactions: true });
      const r = engine.run(x, 0, 4);
      expect([engine.tabled, engine.walked, engine.pairsWalked]).toEqual([3, 0, 1]);
      const walks = treeShap(e, x, 4, { algorithm, background: bg, target: 0, interactions: true, pathTables: false });
      expect(maxAbsDiff(r.interactions!, walks.interactions!)).toBeLessThan(1e-12);
      expect(maxAbsDiff(r.values, walks.values64)).toBeLessThan(1e-12);
    }
  });
});
