/** Fixture loading and brute-force Shapley values for the tree tests. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { goesYes, importTreeEnsemble, predictTreesRaw, type TreeEnsemble } from '../../src/index.js';

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
