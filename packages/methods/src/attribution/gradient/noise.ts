/**
 * Gradients at noisy copies of the input, shared by SmoothGrad and
 * SmoothTaylor.
 *
 * Noise scale: `stdev` is an absolute sigma; `noiseLevel` is relative to each
 * row's range, sigma_r = noiseLevel * (max_r - min_r), as in the SmoothGrad
 * paper (Smilkov et al. 2017, "noise level" sigma / (x_max - x_min)).
 *
 * Reproducibility: sample s uses the s-th device stream of the generator:
 * z_s = be.randomNormal(x.shape, generator) (standard normal, drawn in sample
 * order, one call per sample), and the noisy input is x + sigma_r * z_s. So
 * the result depends only on the seed, not on `batchSize`, and a test can
 * redraw the same noise.
 *
 * Batching: several samples are stacked into one pass when the rows are
 * fewer than `batchSize`; otherwise each sample's rows go through in batches.
 */
import type { Generator, Tensor } from '@relevance/core-wasm';
import type { Model } from '../../model/model.js';
import { readFloat } from '../common.js';
import { AttributionError } from '../types.js';
import { batchedGradient, nonNegative, rowSize } from './shared.js';

export interface NoiseScale {
  stdev?: number;
  noiseLevel?: number;
}

/** Per-row sigma from `stdev` or `noiseLevel` (default noiseLevel `dfltLevel`). */
export async function noiseSigmas(method: string, x: Tensor, scale: NoiseScale, dfltLevel: number): Promise<{ sigmas: Float64Array; description: Record<string, number> }> {
  const rows = x.shape[0]!;
  if (scale.stdev !== undefined && scale.noiseLevel !== undefined) {
    throw new AttributionError(`${method}: give either stdev (absolute) or noiseLevel (relative to each row's max - min), not both`);
  }
  if (scale.stdev !== undefined) {
    const s = nonNegative(method, 'stdev', scale.stdev);
    return { sigmas: new Float64Array(rows).fill(s), description: { stdev: s } };
  }
  const level = nonNegative(method, 'noiseLevel', scale.noiseLevel ?? dfltLevel);
  const v = await readFloat(x);
  const per = rowSize(x);
  const sigmas = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < per; i++) {
      const a = v[r * per + i]!;
      if (a < lo) lo = a;
      if (a > hi) hi = a;
    }
    sigmas[r] = level * (hi - lo);
  }
  return { sigmas, description: { noiseLevel: level } };
}

/**
 * Call `visit(s, noise, gradient)` for every sample s in order, where `noise`
 * is sigma_r * z_s (input-shaped, host) and `gradient` is d f_t / dx at
 * x + noise (input-shaped, host).
 */
export async function forEachNoisySample(
  model: Model,
  x: Tensor,
  targets: Int32Array,
  samples: number,
  sigmas: Float64Array,
  generator: Generator,
  batchSize: number,
  visit: (sample: number, noise: Float32Array, gradient: Float32Array) => void,
): Promise<void> {
  const be = model.be;
  const rows = x.shape[0]!;
  const per = rowSize(x);
  const samplesPerPass = Math.max(1, Math.floor(batchSize / rows));
  const sigmaShape = [rows, ...x.shape.slice(1).map(() => 1)];
  const sigma = be.tensor(Float32Array.from(sigmas), sigmaShape);
  try {
    for (let s0 = 0; s0 < samples; s0 += samplesPerPass) {
      const s1 = Math.min(samples, s0 + samplesPerPass);
      const { stacked, noise } = be.scope(() => {
        const noises: Tensor[] = [];
        const noisy: Tensor[] = [];
        for (let s = s0; s < s1; s++) {
          const n = be.mul(be.randomNormal(x.shape, generator), sigma);
          noises.push(n);
          noisy.push(be.add(x, n));
        }
        return { stacked: noisy.length === 1 ? noisy[0]! : be.concat(noisy, 0), noise: noises.length === 1 ? noises[0]! : be.concat(noises, 0) };
      });
      try {
        const stackedTargets = new Int32Array((s1 - s0) * rows);
        for (let j = 0; j < s1 - s0; j++) stackedTargets.set(targets, j * rows);
        const { gradient } = await batchedGradient(model, stacked, stackedTargets, batchSize);
        const noiseHost = await readFloat(noise);
        for (let s = s0; s < s1; s++) {
          const at = (s - s0) * rows * per;
          visit(s, noiseHost.subarray(at, at + rows * per), gradient.subarray(at, at + rows * per));
        }
      } finally {
        stacked.dispose();
        noise.dispose();
      }
    }
  } finally {
    sigma.dispose();
  }
}
