/**
 * Statistics used by the studies. Reference values marked "scipy" were
 * computed with scipy 1.17.1 (stats.kruskal, stats.hypergeom.sf, stats.chi2.sf,
 * stats.false_discovery_control, special.gammaln, stats.spearmanr); the rest
 * are checked by definition or by optimality conditions.
 */
import { describe, expect, it } from 'vitest';
import { Generator } from '@relevance/core-wasm';
import { stats } from '../../src/index.js';

describe('descriptive and special functions', () => {
  it('ranks average ties; quantiles follow numpy type 7', () => {
    expect(Array.from(stats.rank([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
    expect(stats.median([3, 1, 4, 1, 5])).toBe(3);
    expect(stats.quantile([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 12);
    expect(stats.median([1, NaN, 3])).toBe(2);
  });

  it('quantiles skip NaNs anywhere and match a plain sort on random data', () => {
    expect(stats.median([NaN, 3, NaN, 1, 2])).toBe(2);
    expect(stats.median([NaN, NaN])).toBeNaN();
    expect(stats.median([])).toBeNaN();
    const g = new Generator(3);
    for (const n of [1, 2, 7, 64, 501]) {
      const v = Array.from({ length: n }, () => (g.uniform() < 0.1 ? NaN : g.normal()));
      const sorted = v.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
      for (const q of [0, 0.25, 0.5, 0.9, 1]) {
        const pos = (sorted.length - 1) * q;
        const want = sorted.length ? sorted[Math.floor(pos)]! + (sorted[Math.ceil(pos)]! - sorted[Math.floor(pos)]!) * (pos - Math.floor(pos)) : NaN;
        expect(stats.quantile(v, q)).toBe(want);
      }
    }
  });

  it('quantiles by selection: the bytes of interpolating in a sorted copy, with heavy ties, zeros of both signs and infinities', () => {
    const g = new Generator(11);
    const sortedQuantile = (v: number[], q: number): number => {
      const sorted = Float64Array.from(v.filter((x) => !Number.isNaN(x))).sort();
      if (sorted.length === 0) return NaN;
      const pos = (sorted.length - 1) * q, lo = Math.floor(pos), hi = Math.ceil(pos);
      return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
    };
    const kinds: Array<() => number> = [
      () => g.int(3), // heavy ties
      () => [0, -0, 1, -1, Infinity, -Infinity, NaN][g.int(7)]!,
      () => (g.uniform() < 0.6 ? 0 : Math.abs(g.normal())), // relevance-like: many exact zeros
      () => g.normal(),
    ];
    for (const kind of kinds) {
      for (const n of [1, 2, 3, 15, 16, 17, 40, 257, 1000]) {
        const v = Array.from({ length: n }, kind);
        for (const q of [0, 0.025, 0.25, 0.5, 0.75, 0.9, 0.975, 1]) {
          expect(Object.is(stats.quantile(v, q), sortedQuantile(v, q)), `n=${n} q=${q}`).toBe(true);
        }
      }
    }
  });

  it('ranks by bisection: the average ranks of a sorted order, ties, zeros of both signs and infinities included', () => {
    const g = new Generator(12);
    const byOrder = (v: number[]): number[] => {
      const order = v.map((_, i) => i).sort((a, b) => v[a]! - v[b]! || a - b);
      const out = new Array<number>(v.length);
      for (let i = 0; i < v.length;) {
        let j = i;
        while (j + 1 < v.length && v[order[j + 1]!] === v[order[i]!]) j++;
        for (let k = i; k <= j; k++) out[order[k]!] = (i + j) / 2 + 1;
        i = j + 1;
      }
      return out;
    };
    for (const n of [0, 1, 2, 9, 100]) {
      for (const kind of [() => g.int(4), () => [0, -0, 2, Infinity, -Infinity][g.int(5)]!, () => g.normal()]) {
        const v = Array.from({ length: n }, kind);
        expect(Array.from(stats.rank(v))).toEqual(byOrder(v));
      }
    }
    expect(Array.from(stats.rank([3, NaN, 1]))).toHaveLength(3); // NaN input keeps the comparator path
  });

  it('log-gamma and chi-square tails (scipy)', () => {
    expect(stats.logGamma(0.3)).toBeCloseTo(1.0957979948180756, 12);
    expect(stats.logGamma(10.5)).toBeCloseTo(13.940625219403763, 11);
    expect(stats.logGamma(171.2)).toBeCloseTo(707.60092684767, 9);
    expect(stats.chiSquareSurvival(7.8, 3)).toBeCloseTo(0.050331097859853326, 12);
    expect(stats.chiSquareSurvival(0.5, 1)).toBeCloseTo(0.47950012218695337, 12);
    expect(stats.chiSquareSurvival(40, 10) / 1.694474393006737e-5).toBeCloseTo(1, 9);
  });

  it('spearman with ties (scipy)', () => {
    expect(stats.spearman([1, 2, 2, 5, 3, 9], [3, 1, 4, 1, 5, 9])).toBeCloseTo(0.3970588235294118, 12);
  });
});

describe('ranking quality', () => {
  const s = [0.9, 0.8, 0.8, 0.7, 0.3, 0.3, 0.2, 0.1];
  const y = [1, 1, 0, 1, 0, 1, 0, 0];

  it('AUROC equals the Mann-Whitney statistic with ties as one half (scipy)', () => {
    expect(stats.auroc(s, y)).toBeCloseTo(0.8125, 12);
    expect(stats.auroc([1, 2, 3], [0, 0, 0])).toBeNaN();
  });

  it('average precision by definition, perfect and reversed rankings', () => {
    // thresholds: 0.9 (1/1), 0.8 (2/3), 0.7 (3/4), 0.3 (4/6); recall steps of 1/4
    expect(stats.aupr(s, y)).toBeCloseTo(0.25 * (1 + 2 / 3 + 3 / 4 + 4 / 6), 12);
    expect(stats.aupr([4, 3, 2, 1], [1, 1, 0, 0])).toBe(1);
    expect(stats.auroc([1, 2, 3, 4], [1, 1, 0, 0])).toBe(0);
    const roc = stats.rocCurve(s, y);
    expect(roc[0]).toMatchObject({ x: 0, y: 0 });
    expect(roc[roc.length - 1]).toMatchObject({ x: 1, y: 1 });
  });
});

describe('tests', () => {
  it('hypergeometric upper tail (scipy)', () => {
    expect(stats.hypergeometricUpperTail(10, 496, 112, 36)).toBeCloseTo(0.27796440797243444, 10);
    expect(stats.hypergeometricUpperTail(30, 10731, 1838, 100) / 0.0010101759430366137).toBeCloseTo(1, 8);
    expect(stats.hypergeometricUpperTail(0, 50, 10, 5)).toBeCloseTo(1, 12);
  });

  it('Kruskal-Wallis with and without ties (scipy)', () => {
    const a = stats.kruskalWallis([[2.9, 3.0, 2.5, 2.6, 3.2], [3.8, 2.7, 4.0, 2.4], [2.8, 3.4, 3.7, 2.2, 2.0]]);
    expect(a.h).toBeCloseTo(0.7714285714285722, 10);
    expect(a.pValue).toBeCloseTo(0.6799647735788936, 10);
    const b = stats.kruskalWallis([[1, 2, 2, 3], [2, 3, 3, 4, 5], [1, 1, 2]]);
    expect(b.h).toBeCloseTo(6.282587064676624, 10);
    expect(b.pValue).toBeCloseTo(0.04322684639852824, 10);
  });

  it('Kruskal-Wallis equals the definition (ranks by counting) on random groups with ties and NaNs', () => {
    const g = new Generator(11);
    for (const sizes of [[1, 2], [3, 1, 4], [40, 25, 60, 7]]) {
      const groups = sizes.map((m) => Array.from({ length: m }, () => (g.uniform() < 0.05 ? NaN : Math.round(g.normal() * 3) / 2)));
      const all = groups.flat().filter((v) => !Number.isNaN(v));
      const n = all.length;
      // average rank of v = (number below) + (number equal + 1) / 2
      const rankOf = (v: number): number => all.filter((x) => x < v).length + (all.filter((x) => x === v).length + 1) / 2;
      let h = 0;
      for (const grp of groups) {
        const clean = grp.filter((v) => !Number.isNaN(v));
        if (!clean.length) continue;
        const s = clean.reduce((a, v) => a + rankOf(v), 0);
        h += (s * s) / clean.length;
      }
      h = (12 / (n * (n + 1))) * h - 3 * (n + 1);
      const counts = new Map<number, number>();
      for (const v of all) counts.set(v, (counts.get(v) ?? 0) + 1);
      const ties = [...counts.values()].reduce((a, t) => a + t * t * t - t, 0);
      const got = stats.kruskalWallis(groups);
      if (groups.filter((x) => x.some((v) => !Number.isNaN(v))).length < 2 || n < 3) expect(got.h).toBeNaN();
      else expect(got.h).toBeCloseTo(h / (1 - ties / (n * n * n - n)), 10);
    }
  });

  it('Benjamini-Hochberg q-values (scipy)', () => {
    const q = stats.benjaminiHochberg([0.01, 0.04, 0.03, 0.005, 0.5, 0.2]);
    [0.03, 0.06, 0.06, 0.03, 0.5, 0.24].forEach((v, i) => expect(q[i]).toBeCloseTo(v, 12));
  });
});

describe('association networks', () => {
  /** n samples of a Gaussian chain x0 -> x1 -> x2 -> x3 plus an independent x4. */
  function chain(n: number, seed: number): stats.DataMatrix {
    const g = new Generator(seed);
    const values = new Float64Array(n * 5);
    for (let i = 0; i < n; i++) {
      const x0 = g.normal();
      const x1 = 0.8 * x0 + 0.6 * g.normal();
      const x2 = 0.8 * x1 + 0.6 * g.normal();
      const x3 = 0.8 * x2 + 0.6 * g.normal();
      values.set([x0, x1, x2, x3, g.normal()], i * 5);
    }
    return { values, rows: n, cols: 5 };
  }

  it('partial correlation recovers a chain that plain correlation blurs', () => {
    const d = chain(4000, 1);
    const r = stats.correlationMatrix(d);
    const { partial, shrinkage } = stats.shrinkagePartialCorrelation(d);
    expect(shrinkage).toBeGreaterThanOrEqual(0);
    expect(shrinkage).toBeLessThan(0.05);
    // x0 and x2 are correlated (0.64) but conditionally independent given x1
    expect(Math.abs(r[0 * 5 + 2]!)).toBeGreaterThan(0.55);
    expect(Math.abs(partial[0 * 5 + 2]!)).toBeLessThan(0.06);
    expect(Math.abs(partial[0 * 5 + 1]!)).toBeGreaterThan(0.4);
    expect(Math.abs(partial[2 * 5 + 3]!)).toBeGreaterThan(0.4);
  });

  it('graphical lasso satisfies its optimality (KKT) conditions and is sparse', () => {
    const d = chain(2000, 2);
    const s = stats.standardizedCovariance(d);
    const lambda = 0.1;
    const r = stats.graphicalLasso(s, 5, lambda, { tolerance: 1e-7, maxIterations: 500 });
    expect(r.converged).toBe(true);
    const w = stats.inverseSpd(r.precision, 5)!;
    for (let a = 0; a < 5; a++) {
      expect(w[a * 5 + a]).toBeCloseTo(s[a * 5 + a]! + lambda, 3);
      for (let b = 0; b < 5; b++) {
        if (a === b) continue;
        const gap = w[a * 5 + b]! - s[a * 5 + b]!;
        expect(Math.abs(gap)).toBeLessThanOrEqual(lambda * 1.01 + 1e-4);
        const t = r.precision[a * 5 + b]!;
        if (Math.abs(t) > 1e-6) expect(gap).toBeCloseTo(lambda * Math.sign(t), 3);
      }
    }
    // the independent variable x4 gets no edge
    for (let a = 0; a < 4; a++) expect(Math.abs(r.precision[a * 5 + 4]!)).toBeLessThan(1e-8);
    const e = stats.graphicalLassoEbic(s, 5, 2000);
    expect(e.lambda).toBeGreaterThan(0);
  });

  it('pairwise-complete correlations ignore missing values', () => {
    const d = chain(500, 3);
    const withMissing = Float64Array.from(d.values);
    for (let i = 0; i < 500; i += 7) withMissing[i * 5 + 1] = NaN;
    const r = stats.correlationMatrix({ ...d, values: withMissing });
    const full = stats.correlationMatrix(d);
    expect(r[0 * 5 + 1]).toBeCloseTo(full[0 * 5 + 1]!, 1);
    expect(Number.isNaN(r[0 * 5 + 1]!)).toBe(false);
  });
});
