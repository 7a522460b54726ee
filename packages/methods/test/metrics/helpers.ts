/** Small models and data for the metric tests. */
import { Generator, type Backend, type Tensor } from '@relevance/core-wasm';
import { sequential, type Model } from '../../src/index.js';

/** f(x) = w . x + b as a one-output Dense model; w and x drawn from the seed. */
export function linearModel(be: Backend, features: number, seed: number, bias = 0): { model: Model; w: Float32Array } {
  const g = new Generator(seed);
  const w = Float32Array.from({ length: features }, () => g.normal());
  const model = sequential(be, [-1, features], [{ type: 'Dense', name: 'fc', params: { weight: be.tensor(w, [1, features]), bias: be.tensor([bias], [1]) } }]);
  return { model, w };
}

export function normalRows(be: Backend, rows: number, features: number, seed: number): { x: Tensor; data: Float32Array } {
  const g = new Generator(seed);
  const data = Float32Array.from({ length: rows * features }, () => g.normal());
  return { x: be.tensor(data, [rows, features]), data };
}

/** w * x per element: the exact contributions of a linear model with baseline 0. */
export function contributions(w: Float32Array, data: Float32Array): Float32Array {
  return Float32Array.from(data, (v, i) => v * w[i % w.length]!);
}
