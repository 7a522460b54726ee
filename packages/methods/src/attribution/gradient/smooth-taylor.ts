/**
 * SmoothTaylor (Goh et al. 2020, "Understanding integrated gradients with
 * SmoothTaylor for deep neural network attribution"): the first-order Taylor
 * term around random roots z ~ N(x, sigma^2 I), averaged,
 *   R(x) = 1/S sum_s (x - z_s) ⊙ d f_t(z_s) / dz.
 * It connects SmoothGrad (the average gradient) with integrated gradients
 * (a sum of gradient x displacement), and tends to 0 as sigma -> 0.
 *
 * Defaults: 50 samples, noise level 15% of each row's range (or an absolute
 * `stdev`); deterministic given `seed` (default 0), with the same draw order
 * as SmoothGrad (noise.ts).
 */
import { toGenerator, type Tensor } from '@relevance/core-wasm';
import type { Model } from '../../model/model.js';
import type { Attribution, CommonOptions, RandomOptions } from '../types.js';
import { forEachNoisySample, noiseSigmas } from './noise.js';
import { openGradientMethod, positiveInteger, targetParam, targetsFor } from './shared.js';
import { DEFAULT_NOISE_LEVEL, DEFAULT_SAMPLES, seedParam } from './smoothgrad.js';

/** CLI name. */
export const SMOOTH_TAYLOR = 'smooth-taylor';

export interface SmoothTaylorOptions extends CommonOptions, RandomOptions {
  /** Random roots per row (default 50). */
  samples?: number;
  /** Absolute noise standard deviation (exclusive with noiseLevel). */
  stdev?: number;
  /** Noise sigma relative to each row's max - min (default 0.15). */
  noiseLevel?: number;
}

export async function smoothTaylor(model: Model, inputs: Tensor, options: SmoothTaylorOptions = {}): Promise<Attribution> {
  const method = SMOOTH_TAYLOR;
  const batchSize = openGradientMethod(method, model, inputs, options, ['target', 'batchSize', 'seed', 'samples', 'stdev', 'noiseLevel']);
  const samples = positiveInteger(method, 'samples', options.samples, DEFAULT_SAMPLES);
  const generator = toGenerator(options.seed ?? 0);
  const { sigmas, description } = await noiseSigmas(method, inputs, options, DEFAULT_NOISE_LEVEL);
  const targets = await targetsFor(model, inputs, options.target, batchSize);
  const sum = new Float64Array(inputs.size);
  await forEachNoisySample(model, inputs, targets, samples, sigmas, generator, batchSize, (_s, noise, g) => {
    // x - z = -noise
    for (let i = 0; i < g.length; i++) sum[i] -= noise[i]! * g[i]!;
  });
  const values = new Float32Array(inputs.size);
  for (let i = 0; i < values.length; i++) values[i] = sum[i]! / samples;
  return {
    method,
    params: { target: targetParam(options.target), samples, ...description, seed: seedParam(generator.seed), batchSize },
    targets,
    values,
    shape: [...inputs.shape],
  };
}
