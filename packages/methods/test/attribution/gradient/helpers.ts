/** Small random models and float64 references for the gradient-method property tests. */
import { Generator, type Backend, type Tensor } from '@relevance/core-wasm';
import { sequential, type Model } from '../../../src/index.js';

export function randn(be: Backend, shape: number[], seed: number, scale = 1): Tensor {
  const g = new Generator(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return be.tensor(Float32Array.from({ length: n }, () => g.normal() * scale), shape);
}

/** Dense -> act -> Dense -> act -> Dense with N(0, 2/fan_in) weights (no activations with null). */
export function randomMlp(be: Backend, sizes: readonly number[], activation: 'ReLU' | 'Tanh' | 'Sigmoid' | null, seed: number): Model {
  const layers = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    layers.push({
      type: 'Dense',
      name: `fc${i + 1}`,
      params: { weight: randn(be, [sizes[i + 1]!, sizes[i]!], seed + 2 * i, Math.sqrt(2 / sizes[i]!)), bias: randn(be, [sizes[i + 1]!], seed + 2 * i + 1, 0.1) },
    });
    if (activation && i + 2 < sizes.length) layers.push({ type: activation, name: `act${i + 1}` });
  }
  return sequential(be, [-1, sizes[0]!], layers);
}

export interface MlpWeights {
  layers: Array<{ w: Float64Array; b: Float64Array; out: number; in: number }>;
}

/** Float64 gradient of logit t of a ReLU MLP (Dense/ReLU alternating, last Dense linear) at point x. */
export function mlpGradient64(m: MlpWeights, x: Float64Array, t: number): Float64Array {
  const acts: Float64Array[] = [x];
  const pre: Float64Array[] = [];
  let h = x;
  m.layers.forEach((l, k) => {
    const z = new Float64Array(l.out);
    for (let o = 0; o < l.out; o++) {
      let s = l.b[o]!;
      for (let i = 0; i < l.in; i++) s += l.w[o * l.in + i]! * h[i]!;
      z[o] = s;
    }
    pre.push(z);
    h = k + 1 < m.layers.length ? z.map((v) => (v > 0 ? v : 0)) : z;
    acts.push(h);
  });
  let g = new Float64Array(m.layers[m.layers.length - 1]!.out);
  g[t] = 1;
  for (let k = m.layers.length - 1; k >= 0; k--) {
    const l = m.layers[k]!;
    if (k + 1 < m.layers.length) g = g.map((v, o) => (pre[k]![o]! > 0 ? v : 0));
    const gi = new Float64Array(l.in);
    for (let o = 0; o < l.out; o++) for (let i = 0; i < l.in; i++) gi[i] += l.w[o * l.in + i]! * g[o]!;
    g = gi;
  }
  return g;
}
