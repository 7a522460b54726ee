/** Small models, data and comparisons for the influence tests. */
import { Generator, type Backend, type Tensor } from '@relevance/core-wasm';
import { sequential, type Model } from '../../src/index.js';

/** Dense -> act -> Dense -> ... -> Dense (no activation after the last, none at all with null) with He-scaled Gaussian weights. */
export { randn, randomMlp } from '../attribution/gradient/helpers.js';

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Indices of the k largest |values|, most influential first. */
export function topByMagnitude(values: ArrayLike<number>, k: number): number[] {
  return Array.from({ length: values.length }, (_, i) => i)
    .sort((a, b) => Math.abs(values[b]!) - Math.abs(values[a]!) || a - b)
    .slice(0, k);
}

export interface LabelledData {
  x: Float32Array;
  labels: Int32Array;
  rows: number;
  features: number;
}

/**
 * Three classes from a multinomial logistic model over 8 standard-normal
 * features: class 0 (A) has score 2.5 (x1 + x2), class 1 (B) 2.5 (x3 + x4),
 * class 2 (C) a constant 1; the other features are noise.
 */
export function twoDriverClasses(rows: number, seed: number): LabelledData {
  const features = 8;
  const g = new Generator(seed);
  const x = new Float32Array(rows * features);
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < features; j++) x[r * features + j] = g.normal();
    const v = (j: number): number => x[r * features + j]!;
    const scores = [2.5 * (v(1) + v(2)), 2.5 * (v(3) + v(4)), 1];
    const m = Math.max(...scores);
    const e = scores.map((s) => Math.exp(s - m));
    const total = e.reduce((a, b) => a + b, 0);
    let u = g.uniform() * total;
    let c = 0;
    while (c < 2 && u >= e[c]!) u -= e[c++]!;
    labels[r] = c;
  }
  return { x, labels, rows, features };
}
