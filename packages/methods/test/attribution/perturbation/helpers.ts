/** Small models and inputs with known Shapley / LIME answers for the perturbation tests. */
import { Generator, type Backend, type Tensor } from '@relevance/core-wasm';
import { sequential, type Model } from '../../../src/index.js';

/** f(x) = x W^T + c, W [outputs, inputs] row-major. */
export function linearModel(be: Backend, weights: Float32Array, bias: Float32Array): Model {
  const outputs = bias.length;
  const inputs = weights.length / outputs;
  return sequential(be, [-1, inputs], [{ type: 'Dense', params: { weight: be.tensor(weights.slice(), [outputs, inputs]), bias: be.tensor(bias.slice(), [outputs]) } }]);
}

export function randomArray(n: number, seed: number, scale = 1): Float32Array {
  const g = new Generator(seed);
  return Float32Array.from({ length: n }, () => g.normal() * scale);
}

/**
 * A model computed on the host (a stand-in for a Model in tests): `fn(row)` gives the
 * outputs of one input row. Only what the perturbation methods use is provided.
 */
export function hostModel(be: Backend, inputs: number, outputs: number, fn: (row: Float32Array) => number[]): Model {
  return {
    be,
    outputs: ['y'],
    valueShapes: new Map([['y', [-1, outputs]]]),
    predict(x: Tensor): Tensor {
      const data = x.readSync() as Float32Array;
      const rows = x.shape[0]!;
      const out = new Float32Array(rows * outputs);
      for (let r = 0; r < rows; r++) out.set(fn(data.subarray(r * inputs, (r + 1) * inputs)), r * outputs);
      return be.tensor(out, [rows, outputs]);
    },
  } as unknown as Model;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}
