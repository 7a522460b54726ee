/** Fixture loading and brute-force Shapley values for the tree tests. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { Generator } from '@relevance/core-wasm';
import { fileURLToPath } from 'node:url';
import { goesYes, importTreeEnsemble, predictTreesRaw, treeShap, type TreeEnsemble, type TreeShapOptions } from '../../src/index.js';

export const TREE_FIXTURES = fileURLToPath(new URL('../fixtures/trees/', import.meta.url));
export const FIXTURE_NAMES = ['dt_reg', 'rf_reg', 'gbm_reg', 'rf_clf', 'gbm_bin', 'gbm_multi'] as const;
export type FixtureName = (typeof FIXTURE_NAMES)[number];

export interface TreeFixture {
  ensemble: TreeEnsemble;
  x: Float32Array;
  rows: number;
  background: Float32Array;
  raw: number[][];
  probabilities?: number[][];
  label?: number[];
}

export function loadFixture(name: FixtureName): TreeFixture {
  const ensemble = importTreeEnsemble(readFileSync(`${TREE_FIXTURES}${name}.onnx`), { source: `${name}.onnx` });
  const json = JSON.parse(readFileSync(`${TREE_FIXTURES}${name}.json`, 'utf8')) as { x: number[][]; background: number[][]; raw: number[][]; probabilities?: number[][]; label?: number[] };
  return {
    ensemble, x: Float32Array.from(json.x.flat()), rows: json.x.length, background: Float32Array.from(json.background.flat()), raw: json.raw,
    ...(json.probabilities ? { probabilities: json.probabilities } : {}), ...(json.label ? { label: json.label } : {}),
  };
}

/** Exact Shapley values and SHAP interaction values of a game over M players, by enumerating all 2^M coalitions. */
export function bruteForceShapley(M: number, game: (coalition: number) => number): { phi: Float64Array; inter: Float64Array } {
  const v = new Float64Array(1 << M);
  for (let s = 0; s < 1 << M; s++) v[s] = game(s);
  const fact = [1];
  for (let i = 1; i <= M; i++) fact.push(fact[i - 1]! * i);
  const size = (s: number): number => s.toString(2).replace(/0/g, '').length;
  const phi = new Float64Array(M);
  const inter = new Float64Array(M * M);
  for (let i = 0; i < M; i++) {
    for (let s = 0; s < 1 << M; s++) {
      if (s & (1 << i)) continue;
      const k = size(s);
      phi[i]! += ((fact[k]! * fact[M - k - 1]!) / fact[M]!) * (v[s | (1 << i)]! - v[s]!);
    }
  }
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < M; j++) {
      if (i === j) continue;
      let total = 0;
      for (let s = 0; s < 1 << M; s++) {
        if (s & (1 << i) || s & (1 << j)) continue;
        const k = size(s);
        const w = (fact[k]! * fact[M - k - 2]!) / fact[M - 1]!;
        total += w * (v[s | (1 << i) | (1 << j)]! - v[s | (1 << i)]! - v[s | (1 << j)]! + v[s]!);
      }
      inter[i * M + j] = total / 2;
    }
  }
  for (let i = 0; i < M; i++) {
    let s = 0;
    for (let j = 0; j < M; j++) if (j !== i) s += inter[i * M + j]!;
    inter[i * M + i] = phi[i]! - s;
  }
  return { phi, inter };
}

/** v(S) = mean over background z of f(x_S, z_rest), through predictRaw (independent of the TreeSHAP walk). */
export function interventionalGame(e: TreeEnsemble, x: Float32Array, row: number, bg: Float32Array, out: number): (s: number) => number {
  const F = e.features;
  const zRows = bg.length / F;
  return (s) => {
    const mixed = new Float32Array(zRows * F);
    for (let z = 0; z < zRows; z++) for (let f = 0; f < F; f++) mixed[z * F + f] = s & (1 << f) ? x[row * F + f]! : bg[z * F + f]!;
    const raw = predictTreesRaw(e, mixed, zRows);
    let m = 0;
    for (let z = 0; z < zRows; z++) m += raw[z * e.outputs + out]!;
    return m / zRows;
  };
}

/** v(S) = E[f | x_S] under the covers (Lundberg et al. 2020, Algorithm 1: EXPVALUE). */
export function pathDependentGame(e: TreeEnsemble, x: Float32Array, row: number, out: number): (s: number) => number {
  const F = e.features;
  const cover = e.cover!;
  const g = (n: number, s: number): number => {
    const f = e.feature[n]!;
    if (f < 0) return e.leafValue[n * e.outputs + out]!;
    if (s & (1 << f)) return g(goesYes(e.mode[n]!, x[row * F + f]!, e.threshold[n]!, e.missingYes[n]!) ? e.yes[n]! : e.no[n]!, s);
    // a node no covered row reaches has no conditional distribution: it adds nothing (as in the TreeSHAP recursion)
    if (cover[n] === 0) return 0;
    return (cover[e.yes[n]!]! * g(e.yes[n]!, s) + cover[e.no[n]!]! * g(e.no[n]!, s)) / cover[n]!;
  };
  return (s) => {
    let total = e.base[out]!;
    for (const root of e.roots) total += g(root, s);
    return total;
  };
}

export const TOL = 1e-6;

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Check every row and output of `e` against brute force; returns the largest error seen. */
export function checkAgainstBruteForce(e: TreeEnsemble, x: Float32Array, rows: number, algorithm: 'interventional' | 'path-dependent', background?: Float32Array, extra: TreeShapOptions = {}): number {
  const F = e.features;
  let worst = 0;
  for (let out = 0; out < e.outputs; out++) {
    const r = treeShap(e, x, rows, { target: out, algorithm, interactions: true, ...(background ? { background } : {}), ...extra });
    for (let row = 0; row < rows; row++) {
      const game = algorithm === 'interventional' ? interventionalGame(e, x, row, background!, out) : pathDependentGame(e, x, row, out);
      const bf = bruteForceShapley(F, game);
      const dv = maxAbsDiff(r.values64.subarray(row * F, (row + 1) * F), bf.phi);
      const di = maxAbsDiff(r.interactions!.subarray(row * F * F, (row + 1) * F * F), bf.inter);
      worst = Math.max(worst, dv, di);
      // efficiency: the values add up to f(x) - E[f] = v(all) - v(empty)
      const sum = r.values64.subarray(row * F, (row + 1) * F).reduce((a, b) => a + b, 0);
      expect(Math.abs(sum - (game((1 << F) - 1) - game(0)))).toBeLessThan(TOL);
      expect(Math.abs(r.prediction[row]! - r.expectedValue[row]! - sum)).toBeLessThan(TOL);
    }
    expect(r.completeness!.maxAbsError).toBeLessThan(TOL);
  }
  return worst;
}

/** A random tree ensemble: every split mode, repeated features on paths, random missing-value directions. */
export function randomEnsemble(g: Generator, trees: number, depth: number, F: number, outputs = 1): TreeEnsemble {
  const feature: number[] = [];
  const threshold: number[] = [];
  const mode: number[] = [];
  const yes: number[] = [];
  const no: number[] = [];
  const missing: number[] = [];
  const leaf: number[] = [];
  const cover: number[] = [];
  const roots: number[] = [];
  const grow = (d: number, c: number): number => {
    const n = feature.length;
    feature.push(-1); threshold.push(0); mode.push(0); yes.push(0); no.push(0); missing.push(0); cover.push(c);
    for (let j = 0; j < outputs; j++) leaf.push(0);
    if (d === depth || (d > 1 && g.uniform() < 0.15)) {
      for (let j = 0; j < outputs; j++) leaf[n * outputs + j] = g.normal();
      return n;
    }
    feature[n] = Math.floor(g.uniform() * F);
    mode[n] = Math.floor(g.uniform() * 4); // LEQ, LT, GTE, GT
    threshold[n] = Math.fround(g.normal() * 0.7);
    missing[n] = g.uniform() < 0.5 ? 1 : 0;
    const share = 0.2 + 0.6 * g.uniform();
    yes[n] = grow(d + 1, c * share);
    no[n] = grow(d + 1, c * (1 - share));
    return n;
  };
  for (let t = 0; t < trees; t++) roots.push(grow(0, 100));
  return {
    kind: 'tree-ensemble', source: 'random', task: 'regression', features: F, outputs, roots: Int32Array.from(roots), feature: Int32Array.from(feature),
    threshold: Float32Array.from(threshold), mode: Uint8Array.from(mode), yes: Int32Array.from(yes), no: Int32Array.from(no), missingYes: Uint8Array.from(missing),
    leafValue: Float64Array.from(leaf), base: new Float64Array(outputs).fill(0.5), cover: Float64Array.from(cover), postTransform: 'NONE', inputName: 'x',
  };
}

export function randomRows(g: Generator, rows: number, F: number, missing = 0): Float32Array {
  return Float32Array.from({ length: rows * F }, () => (g.uniform() < missing ? NaN : Math.fround(g.normal())));
}

/** A seeded random ensemble with rows to explain (a share `missing` of them NaN) and background rows, drawn in that order from one Generator. */
export function randomCase(
  seed: number,
  o: { trees: number; depth: number; features: number; outputs?: number; rows: number; missing?: number; background: number },
): { e: TreeEnsemble; x: Float32Array; bg: Float32Array } {
  const g = new Generator(seed);
  const e = randomEnsemble(g, o.trees, o.depth, o.features, o.outputs);
  const x = randomRows(g, o.rows, o.features, o.missing);
  const bg = randomRows(g, o.background, o.features);
  return { e, x, bg };
}

/** One chain tree testing `depth` distinct features in turn (too many for the per-leaf tables). */
export function chainTree(depth: number, F: number): TreeEnsemble {
  const n = 2 * depth + 1;
  const feature = new Int32Array(n).fill(-1);
  const yes = new Int32Array(n);
  const no = new Int32Array(n);
  const leafValue = new Float64Array(n);
  const threshold = new Float32Array(n);
  for (let i = 0; i < depth; i++) {
    // node 2i tests feature i: yes -> leaf 2i + 1, no -> the next test (the last one's no is a leaf)
    feature[2 * i] = i % F;
    threshold[2 * i] = Math.fround(0.1 * (i % 5) - 0.2);
    yes[2 * i] = 2 * i + 1;
    no[2 * i] = 2 * i + 2;
    leafValue[2 * i + 1] = (i % 3) - 1 + 0.25 * i;
  }
  leafValue[n - 1] = 2;
  const cover = new Float64Array(n);
  for (let i = 0; i < n; i++) cover[i] = n - i;
  return {
    kind: 'tree-ensemble', source: 'chain', task: 'regression', features: F, outputs: 1, roots: Int32Array.from([0]), feature, threshold, mode: new Uint8Array(n), yes, no,
    missingYes: new Uint8Array(n), leafValue, base: new Float64Array(1), cover, postTransform: 'NONE', inputName: 'x',
  };
}


/** One ensemble holding the trees of a and then those of b (b's node indices shifted). */
export function joinEnsembles(a: TreeEnsemble, b: TreeEnsemble): TreeEnsemble {
  const shift = a.feature.length;
  return {
    ...a, roots: Int32Array.from([...a.roots, ...Array.from(b.roots, (r) => r + shift)]),
    feature: Int32Array.from([...a.feature, ...b.feature]), threshold: Float32Array.from([...a.threshold, ...b.threshold]),
    mode: Uint8Array.from([...a.mode, ...b.mode]), yes: Int32Array.from([...a.yes, ...Array.from(b.yes, (c) => c + shift)]),
    no: Int32Array.from([...a.no, ...Array.from(b.no, (c) => c + shift)]), missingYes: Uint8Array.from([...a.missingYes, ...b.missingYes]),
    leafValue: Float64Array.from([...a.leafValue, ...b.leafValue]), cover: Float64Array.from([...a.cover!, ...b.cover!]),
  };
}
