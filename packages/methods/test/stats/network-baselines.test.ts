/**
 * Network-inference baselines (GENIE3, GRNBoost2, PIDC, CLR) on planted
 * structure, their determinism and option checks, and BEELINE's edge
 * metrics on hand-computed examples. Parity with the published BEELINE
 * rankings is in beeline-parity.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { Generator } from '@relevance/core-wasm';
import { stats } from '../../src/index.js';

/** n x p matrix from column generators (row-major). */
function matrix(n: number, p: number, fill: (row: Float64Array, g: Generator) => void, seed = 7): stats.DataMatrix {
  const g = new Generator(seed);
  const values = new Float64Array(n * p);
  const row = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    fill(row, g);
    values.set(row, i * p);
  }
  return { values, rows: n, cols: p };
}

/** y (column 5) = 2 x1 - x3 + small noise; x0, x2, x4 independent noise. */
const planted = matrix(400, 6, (r, g) => {
  for (let j = 0; j < 5; j++) r[j] = g.normal();
  r[5] = 2 * r[1]! - r[3]! + 0.1 * g.normal();
});

function topSources(scores: Float64Array, p: number, target: number, k: number): number[] {
  const s = Array.from({ length: p }, (_, j) => j).filter((j) => j !== target);
  return s.sort((a, b) => scores[target * p + b]! - scores[target * p + a]!).slice(0, k);
}

describe('GENIE3 and GRNBoost2', () => {
  it('GENIE3 ranks x1 then x3 first for y = 2 x1 - x3 + noise', () => {
    const s = stats.genie3(planted, { trees: 50, seed: 1, targets: [5] });
    expect(topSources(s, 6, 5, 2)).toEqual([1, 3]);
    expect(s[5 * 6 + 5]).toBe(0);
    // importances are variance shares of the unit-variance target: x1 and x3 explain nearly all of it
    expect(s[5 * 6 + 1]! + s[5 * 6 + 3]!).toBeGreaterThan(0.8);
    expect(s[5 * 6 + 1]! + s[5 * 6 + 3]!).toBeLessThan(1.05);
  });

  it('GRNBoost2 ranks x1 then x3 first, scores sum to the stages kept', () => {
    const s = stats.grnboost2(planted, { seed: 1, targets: [5] });
    expect(topSources(s, 6, 5, 2)).toEqual([1, 3]);
    const total = [0, 1, 2, 3, 4].reduce((a, j) => a + s[5 * 6 + j]!, 0);
    expect(Number.isInteger(Math.round(total))).toBe(true);
    expect(Math.abs(total - Math.round(total))).toBeLessThan(1e-6);
    expect(total).toBeGreaterThan(25);
    expect(total).toBeLessThanOrEqual(5000);
  });

  it('is deterministic per seed; another seed differs but ranks alike', () => {
    const a = stats.genie3(planted, { trees: 20, seed: 3 });
    const b = stats.genie3(planted, { trees: 20, seed: 3 });
    const c = stats.genie3(planted, { trees: 20, seed: 4 });
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(c)).not.toEqual(Array.from(a));
    expect(stats.spearman(a, c)).toBeGreaterThan(0.9);
    const g1 = stats.grnboost2(planted, { seed: 3, targets: [5, 1] });
    const g2 = stats.grnboost2(planted, { seed: 3, targets: [5, 1] });
    const g3 = stats.grnboost2(planted, { seed: 9, targets: [5, 1] });
    expect(Array.from(g2)).toEqual(Array.from(g1));
    expect(Array.from(g3)).not.toEqual(Array.from(g1));
    expect(stats.spearman(g1, g3)).toBeGreaterThan(0.8);
  });

  it('handles NaN: target rows skipped, predictors median-imputed, scores finite', () => {
    const values = Float64Array.from(planted.values);
    for (let i = 0; i < 40; i++) values[i * 6 + 5] = NaN;
    for (let i = 40; i < 80; i++) values[i * 6 + 1] = NaN;
    const d = { values, rows: planted.rows, cols: 6 };
    for (const s of [stats.genie3(d, { trees: 20, seed: 1 }), stats.grnboost2(d, { seed: 1, maxStages: 300 })]) {
      expect(s.every(Number.isFinite)).toBe(true);
      expect(topSources(s, 6, 5, 2)).toEqual([1, 3]);
    }
  });

  it('rejects bad options with the option name', () => {
    expect(() => stats.genie3(planted, { trees: 0 })).toThrow(/trees/);
    expect(() => stats.genie3(planted, { maxFeatures: 'log2' as 'sqrt' })).toThrow(/maxFeatures/);
    expect(() => stats.genie3(planted, { minLeaf: 1.5 })).toThrow(/minLeaf/);
    expect(() => stats.grnboost2(planted, { subsample: 1 })).toThrow(/subsample/);
    expect(() => stats.grnboost2(planted, { learningRate: -1 })).toThrow(/learningRate/);
    expect(() => stats.pidc(planted, { context: 'normal' as 'gamma' })).toThrow(/context/);
    expect(() => stats.genie3(planted, { targets: [6] })).toThrow(/targets/);
    expect(() => stats.grnboost2(planted, { maxFeatures: 0 })).toThrow(/maxFeatures/);
  });

  it('binning keeps every exact split of a feature with <= 256 distinct values', () => {
    const d = { values: Float64Array.from([3, 1, 2, 2, 10, 1]), rows: 6, cols: 1 };
    const b = stats.binColumns(d);
    expect(Array.from(b.bins)).toEqual([2, 0, 1, 1, 3, 0]);
    expect(b.binCount[0]).toBe(4);
    const big = matrix(2000, 1, (r, g) => { r[0] = g.normal(); });
    const bb = stats.binColumns(big);
    expect(bb.binCount[0]).toBe(256);
    const counts = new Int32Array(256);
    for (const v of bb.bins) counts[v]++;
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(2); // quantile bins
  });
});

/** x1 = x0^2 + noise, x3 = sin(2 x2) + noise, x4, x5 independent. */
const dependent = matrix(1500, 6, (r, g) => {
  r[0] = g.normal(); r[2] = g.normal(); r[4] = g.normal(); r[5] = g.normal();
  r[1] = r[0]! * r[0]! + 0.2 * g.normal();
  r[3] = Math.sin(2 * r[2]!) + 0.2 * g.normal();
});

describe('information-theoretic baselines', () => {
  const truePairs = [[0, 1], [2, 3]];
  const isTrue = (a: number, b: number): boolean => truePairs.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
  function separates(s: Float64Array, p = 6): boolean {
    let minTrue = Infinity, maxFalse = -Infinity;
    for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) {
      expect(s[a * p + b]).toBe(s[b * p + a]);
      if (isTrue(a, b)) minTrue = Math.min(minTrue, s[a * p + b]!);
      else maxFalse = Math.max(maxFalse, s[a * p + b]!);
    }
    return minTrue > maxFalse;
  }

  it('PIDC and CLR rank the two nonlinear dependencies above all independent pairs', () => {
    for (const context of ['gamma', 'empirical'] as const) expect(separates(stats.pidc(dependent, { context }).scores)).toBe(true);
    expect(separates(stats.clr(dependent))).toBe(true);
    expect(separates(stats.clr(dependent, { discretizer: 'uniform-count', bins: 10 }))).toBe(true);
    expect(separates(stats.mutualInformationMatrix(dependent))).toBe(true);
  });

  it('mutual information: identical variables give their entropy, independent ones about 0', () => {
    const a = { ids: Int32Array.from([0, 0, 1, 1, 2, 2, 3, 3]), bins: 4 };
    const b = { ids: Int32Array.from([0, 1, 0, 1, 0, 1, 0, 1]), bins: 2 };
    expect(stats.mutualInformationFromCounts(stats.jointCounts(a, a), 4, 4)).toBeCloseTo(2, 12);
    expect(stats.mutualInformationFromCounts(stats.jointCounts(a, b), 4, 2)).toBeCloseTo(0, 12);
  });

  it('Bayesian blocks separate the cores of two well-apart clusters and keep a constant variable in one bin', () => {
    const g = new Generator(2);
    const x = Float64Array.from({ length: 400 }, (_, i) => (i < 200 ? 0 : 10) + g.uniform());
    const d = stats.discretize(x);
    expect(d.bins).toBeGreaterThanOrEqual(2);
    // the block holding the empty gap takes the clusters' facing edges; the cores never share a bin
    const left = new Set(Array.from(d.ids.filter((_, i) => x[i]! < 0.9)));
    const right = new Set(Array.from(d.ids.filter((_, i) => x[i]! > 10.1)));
    for (const v of left) expect(right.has(v)).toBe(false);
    expect(stats.discretize(new Float64Array(50).fill(3)).bins).toBe(1);
  });

  it('PIDC: one-directional PUC contributions are symmetric and non-negative', () => {
    const r = stats.pidc(dependent);
    for (let a = 0; a < 6; a++) for (let b = 0; b < 6; b++) {
      expect(r.puc[a * 6 + b]).toBe(r.puc[b * 6 + a]);
      expect(r.puc[a * 6 + b]).toBeGreaterThanOrEqual(0);
      // each of the 4 third genes adds at most 1 per orientation
      expect(r.puc[a * 6 + b]).toBeLessThanOrEqual(8 + 1e-12);
    }
  });

  it('gamma maximum-likelihood fit recovers shape and scale', () => {
    const g = new Generator(5);
    const x = Float64Array.from({ length: 20000 }, () => -2 * (Math.log(1 - g.uniform()) + Math.log(1 - g.uniform()) + Math.log(1 - g.uniform())));
    const fit = stats.fitGamma(x)!;
    expect(fit.shape).toBeCloseTo(3, 0);
    expect(Math.abs(fit.shape * fit.scale - 6)).toBeLessThan(0.1);
    expect(stats.fitGamma([1, 0, 2])).toBeUndefined();
  });

  it('ARACNe DPI removes the weakest edge of a triangle', () => {
    const mi = Float64Array.from([0, 0.9, 0.8, 0.9, 0, 0.1, 0.8, 0.1, 0]);
    const out = stats.aracneDpi(mi, 3);
    expect(out[1 * 3 + 2]).toBe(0);
    expect(out[0 * 3 + 1]).toBe(0.9);
    expect(out[0 * 3 + 2]).toBe(0.8);
  });
});

describe('BEELINE edge metrics (hand-computed)', () => {
  // scores[target * 3 + source]; truth: 1 -> 0 and 0 -> 2; a self-loop on 1 that must be ignored
  const scores = Float64Array.from([0.99, 0.9, 0.1, 0.8, 5, 0.3, 0.2, 0.5, 0]);
  const truth = Uint8Array.from([0, 1, 0, 0, 1, 0, 1, 0, 0]);

  it('directed: AUROC 5/8, AP 0.7, EPR 1.5', () => {
    const m = stats.edgeMetrics(scores, truth, 3, { directed: true });
    expect(m.pairs).toBe(6);
    expect(m.positives).toBe(2);
    expect(m.auroc).toBeCloseTo(5 / 8, 12);
    expect(m.aupr).toBeCloseTo(0.7, 12);
    expect(m.auprRatio).toBeCloseTo(2.1, 12);
    expect(m.epr).toBeCloseTo(1.5, 12);
  });

  it('undirected (max of both directions): AUROC 1/2, AP 5/6, EPR 3/4', () => {
    const m = stats.edgeMetrics(scores, truth, 3);
    expect(m.pairs).toBe(3);
    expect(m.auroc).toBeCloseTo(0.5, 12);
    expect(m.aupr).toBeCloseTo(5 / 6, 12);
    expect(m.auprRatio).toBeCloseTo(1.25, 12);
    expect(m.epr).toBeCloseTo(0.75, 12);
  });

  it('early precision keeps edges tied with the k-th score; AUROC counts ties one half', () => {
    expect(stats.earlyPrecision([0.9, 0.5, 0.5, 0.1], [1, 0, 1, 0], 2)).toBeCloseTo(2 / 3, 12);
    expect(stats.auroc([0.5, 0.5], [1, 0])).toBe(0.5);
    expect(() => stats.edgeMetrics(new Float64Array(4).fill(NaN), new Uint8Array(4), 2)).toThrow(/NaN/);
  });
});
