/**
 * Untaped forward passes run each Dense -> ReLU pair as one GEMM with the
 * bias and the ReLU in its store loop. The result must be bit-identical to
 * the taped pass (which runs the ops one by one), on every CPU backend and
 * thread count, and a kept Dense output must still be there.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend, Generator, type Backend, type Tensor } from '@relevance/core-wasm';
import { sequential } from '../../src/index.js';

const SIZES = [37, 130, 67, 9];

function tensor(be: Backend, shape: number[], g: Generator): Tensor {
  return be.tensor(Float32Array.from({ length: shape[0]! * (shape[1] ?? 1) }, () => g.normal()), shape);
}

function mlp(be: Backend) {
  const g = new Generator(31);
  const layers = [];
  for (let i = 0; i + 1 < SIZES.length; i++) {
    layers.push({ type: 'Dense', name: `fc${i}`, params: { weight: tensor(be, [SIZES[i + 1]!, SIZES[i]!], g), bias: tensor(be, [SIZES[i + 1]!], g) } });
    if (i + 2 < SIZES.length) layers.push({ type: 'ReLU', name: `relu${i}` });
  }
  return sequential(be, [-1, SIZES[0]!], layers);
}

const backends: Array<[string, Backend]> = [
  ['reference', await createBackend('reference')],
  ['wasm, 1 thread', await createBackend('wasm', { threads: 1 })],
  ['wasm, 2 threads', await createBackend('wasm', { threads: 2 })],
];
afterAll(() => {
  for (const [, be] of backends) be.destroy();
});

const bits = (t: Tensor): number[] => Array.from(new Uint32Array((t.readSync() as Float32Array).buffer));

describe('fused Dense -> ReLU in untaped passes', () => {
  for (const [name, be] of backends) {
    it(`${name}: predict equals the op-by-op taped pass bit for bit, without leaks`, () => {
      const model = mlp(be);
      const x = tensor(be, [203, SIZES[0]!], new Generator(5));
      const before = be.memory().tensors;
      const fused = model.predict(x);
      const pass = model.forward(x);
      const plain = pass.value(model.outputs[0]!);
      expect(bits(fused)).toEqual(bits(plain));
      // a kept Dense output is computed (and so not fused)
      const kept = model.forward(x, { tape: false, keep: ['fc1'] });
      expect(bits(kept.activation('fc1'))).toEqual(bits(pass.activation('fc1')));
      expect(bits(kept.value(model.outputs[0]!))).toEqual(bits(plain));
      fused.dispose();
      pass.dispose();
      kept.dispose();
      expect(be.memory().tensors).toBe(before);
      x.dispose();
      model.dispose();
    });
  }
});
