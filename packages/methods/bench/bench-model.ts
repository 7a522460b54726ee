/**
 * The methods benchmark's MLP 256 -> 512 -> 512 -> 256 (ReLU), seeded, built
 * with a given `sequential` and `Generator`, so that bench/compare-builds.ts
 * can build the same model with another checkout's dist.
 */
import type { Backend, Generator, Tensor } from '@relevance/core-wasm';
import type { Model, sequential } from '../src/index.js';

export const SIZES = [256, 512, 512, 256] as const;

export function randomTensor(be: Backend, shape: number[], g: Generator, scale: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return be.tensor(Float32Array.from({ length: n }, () => g.normal() * scale), shape);
}

export function buildBenchModel(be: Backend, seq: typeof sequential, GeneratorClass: new (seed: number) => Generator): Model {
  const g = new GeneratorClass(20240601);
  const layers = [];
  for (let i = 0; i + 1 < SIZES.length; i++) {
    layers.push({
      type: 'Dense',
      name: `fc${i + 1}`,
      params: { weight: randomTensor(be, [SIZES[i + 1], SIZES[i]], g, Math.sqrt(2 / SIZES[i])), bias: randomTensor(be, [SIZES[i + 1]], g, 0.1) },
    });
    if (i + 2 < SIZES.length) layers.push({ type: 'ReLU', name: `relu${i + 1}` });
  }
  return seq(be, [-1, SIZES[0]], layers);
}
