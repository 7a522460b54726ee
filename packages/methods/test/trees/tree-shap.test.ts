/**
 * TreeSHAP against brute-force Shapley values: the test enumerates all 2^M
 * coalitions of the game (interventional: mean over the background of
 * f(x_S, z_rest) through predictRaw; path-dependent: Algorithm 1's EXPVALUE
 * with the covers) and compares values and interaction values to 1e-6, on
 * every fixture tree and every output column, plus random synthetic trees
 * with repeated features on a path, every split mode and missing values.
 */
import { describe, expect, it } from 'vitest';
import { Generator } from '@relevance/core-wasm';
import { predictTreesRaw, treeShap, withCoversFromData, type TreeEnsemble } from '../../src/index.js';
import { chainTree, checkAgainstBruteForce, FIXTURE_NAMES, joinEnsembles, loadFixture, maxAbsDiff, randomEnsemble, randomRows, TOL, randomCase } from './helpers.js';

describe('interventional TreeSHAP equals brute-force Shapley values', () => {
  for (const name of FIXTURE_NAMES) {
    it(`${name}: values and interaction values to 1e-6, every output column`, () => {
      const f = loadFixture(name);
      const worst = checkAgainstBruteForce(f.ensemble, f.x.subarray(0, 6 * 6), 6, 'interventional', f.background);
      console.log(`tree-shap interventional ${name}: max |TreeSHAP - brute force| over values and interactions ${worst.toExponential(2)}`);
      expect(worst).toBeLessThan(TOL);
    });
  }
});

describe('path-dependent TreeSHAP equals brute-force Shapley values of E[f | x_S]', () => {
  for (const name of ['dt_reg', 'rf_reg', 'rf_clf'] as const) {
    it(`${name} (covers from nodes_hitrates)`, () => {
      const f = loadFixture(name);
      const worst = checkAgainstBruteForce(f.ensemble, f.x.subarray(0, 36), 6, 'path-dependent');
      console.log(`tree-shap path-dependent ${name}: max |TreeSHAP - brute force| ${worst.toExponential(2)}`);
      expect(worst).toBeLessThan(TOL);
    });
  }
  it('gbm_multi with covers counted from the background rows', () => {
    const f = loadFixture('gbm_multi');
    const e = withCoversFromData(f.ensemble, f.background, f.background.length / 6);
    expect(checkAgainstBruteForce(e, f.x.subarray(0, 24), 4, 'path-dependent')).toBeLessThan(TOL);
  });
});

describe('TreeSHAP on random trees (repeated features, all split modes, missing values)', () => {
  it('interventional and path-dependent equal brute force on 8 features, depth 6', () => {
    const { e, x, bg } = randomCase(7, { trees: 4, depth: 6, features: 8, outputs: 2, rows: 5, missing: 0.1, background: 12 });
    expect(checkAgainstBruteForce(e, x, 5, 'interventional', bg)).toBeLessThan(TOL);
    expect(checkAgainstBruteForce(e, x, 5, 'path-dependent')).toBeLessThan(TOL);
  });

  it('the per-leaf tables agree with the direct walks (shap recursion, background walk) to 1e-12', () => {
    const { e, x, bg } = randomCase(21, { trees: 6, depth: 7, features: 8, outputs: 2, rows: 10, missing: 0.1, background: 30 });
    for (const target of [0, 1]) {
      const a = treeShap(e, x, 10, { algorithm: 'path-dependent', target, pathTables: true });
      const b = treeShap(e, x, 10, { algorithm: 'path-dependent', target, pathTables: false });
      expect(a.params.pathTables).toBe(true);
      expect(b.params.pathTables).toBe(false);
      expect(maxAbsDiff(a.values64, b.values64)).toBeLessThan(1e-12);
      const c = treeShap(e, x, 10, { background: bg, target, pathTables: true });
      const d = treeShap(e, x, 10, { background: bg, target, pathTables: false });
      expect(c.params.tables).toBe(true);
      expect(d.params.tables).toBe(false);
      expect(maxAbsDiff(c.values64, d.values64)).toBeLessThan(1e-12);
    }
  });

  it('a feature no tree uses gets exactly zero; a row equal to the only background row gets all zeros', () => {
    const g = new Generator(3);
    const e = randomEnsemble(g, 3, 5, 6);
    const used = new Set(Array.from(e.feature).filter((f) => f >= 0));
    const x = randomRows(g, 3, 6);
    const r = treeShap(e, x, 3, { background: randomRows(g, 10, 6), target: 0 });
    for (let f = 0; f < 6; f++) if (!used.has(f)) for (let row = 0; row < 3; row++) expect(r.values64[row * 6 + f]).toBe(0);
    const same = treeShap(e, x.subarray(0, 6), 1, { background: x.subarray(0, 6), target: 0 });
    expect(Array.from(same.values64)).toEqual(new Array(6).fill(0));
    expect(same.expectedValue[0]).toBeCloseTo(predictTreesRaw(e, x.subarray(0, 6), 1)[0]!, 12);
  });

  it('is deterministic and independent of the row order', () => {
    const { e, x, bg } = randomCase(11, { trees: 5, depth: 5, features: 6, rows: 4, background: 8 });
    const a = treeShap(e, x, 4, { background: bg, target: 0 });
    const reversed = new Float32Array(24);
    for (let r = 0; r < 4; r++) reversed.set(x.subarray(r * 6, r * 6 + 6), (3 - r) * 6);
    const b = treeShap(e, reversed, 4, { background: bg, target: 0 });
    for (let r = 0; r < 4; r++) expect(Array.from(b.values64.subarray((3 - r) * 6, (4 - r) * 6))).toEqual(Array.from(a.values64.subarray(r * 6, r * 6 + 6)));
  });
});

describe('TreeSHAP leaf-table engine: threads, chunks and trees too deep for tables', () => {
  it('values are bit-identical for 1, 2 and 3 threads (groups of trees summed in order), for both algorithms', () => {
    const g = new Generator(5);
    const e = randomEnsemble(g, 12, 7, 9, 3);
    const rows = 700; // 8 groups of trees over the threads (values), two blocks of the engine
    const x = randomRows(g, rows, 9, 0.05);
    const bg = randomRows(g, 40, 9);
    for (const algorithm of ['interventional', 'path-dependent'] as const) {
      const runs = [1, 2, 3].map((threads) => treeShap(e, x, rows, { algorithm, background: bg, threads }).values64);
      for (const v of runs.slice(1)) expect(v.every((a, i) => Object.is(a, runs[0]![i]))).toBe(true);
      const walks = treeShap(e, x.subarray(0, 40 * 9), 40, { algorithm, background: bg, pathTables: false }).values64;
      expect(maxAbsDiff(runs[0]!.subarray(0, 40 * 9), walks)).toBeLessThan(1e-12);
    }
  });

  it('a path of 24 distinct features falls back to the walks, next to tabled trees, and still sums to f(x) - E[f]', () => {
    const g = new Generator(9);
    const F = 24;
    const chain = chainTree(24, F);
    const small = randomEnsemble(g, 2, 4, F);
    // the chain and two random trees in one ensemble
    const e = joinEnsembles(chain, small);
    const x = randomRows(g, 6, F);
    const bg = randomRows(g, 10, F);
    for (const algorithm of ['interventional', 'path-dependent'] as const) {
      const a = treeShap(e, x, 6, { algorithm, background: bg, target: 0 });
      const b = treeShap(e, x, 6, { algorithm, background: bg, target: 0, pathTables: false });
      expect(maxAbsDiff(a.values64, b.values64)).toBeLessThan(1e-12);
      expect(a.completeness!.maxAbsError).toBeLessThan(TOL);
    }
  });
});

describe('TreeSHAP errors', () => {
  const f = loadFixture('gbm_reg');
  it('interventional without a background names --background and the alternative', () => {
    expect(() => treeShap(f.ensemble, f.x, f.rows)).toThrow(/needs background rows \(--background/);
  });
  it('path-dependent without covers names --covers', () => {
    expect(() => treeShap(f.ensemble, f.x, f.rows, { algorithm: 'path-dependent' })).toThrow(/gbm_reg\.onnx has none .*--covers/);
  });
  it('out-of-range target, wrong width, unknown option', () => {
    expect(() => treeShap(f.ensemble, f.x, f.rows, { background: f.background, target: 1 })).toThrow(/target 1 \(row 0\) is out of range: gbm_reg\.onnx has 1 output/);
    expect(() => treeShap(f.ensemble, f.x.subarray(0, 10), 2, { background: f.background })).toThrow(/10 values are not 2 rows of 6 features/);
    expect(() => treeShap(f.ensemble, f.x, f.rows, { background: f.background, steps: 3 } as never)).toThrow(/option 'steps' does not apply/);
  });
});
