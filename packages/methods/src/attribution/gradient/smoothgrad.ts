/**
 * SmoothGrad (Smilkov et al. 2017) and its variants, averaging gradients over
 * noisy copies x + N(0, sigma^2 I) of the input:
 * - plain:   mean_s g_s (SmoothGrad);
 * - squared: mean_s g_s^2 (SmoothGrad-Squared, Hooker et al. 2019);
 * - vargrad: mean_s g_s^2 - (mean_s g_s)^2, the variance (VarGrad, Adebayo et al. 2018).
 * Captum's NoiseTunnel computes the same three (smoothgrad, smoothgrad_sq, vargrad).
 *
 * Defaults from the paper: 50 samples, noise level 15% of each row's range.
 * Deterministic given `seed` (default 0); see noise.ts for the draw order.
 */
import { toGenerator, type Tensor } from '@relevance/core-wasm';
import type { Model } from '../../model/model.js';
import { AttributionError, type Attribution, type CommonOptions, type RandomOptions } from '../types.js';
import { forEachNoisySample, noiseSigmas } from './noise.js';
import { openGradientMethod, positiveInteger, targetParam, targetsFor } from './shared.js';

/** CLI name. */
export const SMOOTHGRAD = 'smoothgrad';

export const SMOOTHGRAD_VARIANTS = ['plain', 'squared', 'vargrad'] as const;
export type SmoothGradVariant = (typeof SMOOTHGRAD_VARIANTS)[number];

export interface SmoothGradOptions extends CommonOptions, RandomOptions {
  /** Noisy samples per row (default 50). */
  samples?: number;
  /** Absolute noise standard deviation (exclusive with noiseLevel). */
  stdev?: number;
  /** Noise sigma relative to each row's max - min (default 0.15). */
  noiseLevel?: number;
  /** 'plain' (default), 'squared' or 'vargrad'. */
  variant?: SmoothGradVariant;
}

export const DEFAULT_SAMPLES = 50;
export const DEFAULT_NOISE_LEVEL = 0.15;

export async function smoothGrad(model: Model, inputs: Tensor, options: SmoothGradOptions = {}): Promise<Attribution> {
  const method = SMOOTHGRAD;
  const batchSize = openGradientMethod(method, model, inputs, options, ['target', 'batchSize', 'seed', 'samples', 'stdev', 'noiseLevel', 'variant']);
  const samples = positiveInteger(method, 'samples', options.samples, DEFAULT_SAMPLES);
  const variant = options.variant ?? 'plain';
  if (!SMOOTHGRAD_VARIANTS.includes(variant)) throw new AttributionError(`${method}: unknown variant '${String(variant)}'; choose ${SMOOTHGRAD_VARIANTS.join(', ')}`);
  const generator = toGenerator(options.seed ?? 0);
  const { sigmas, description } = await noiseSigmas(method, inputs, options, DEFAULT_NOISE_LEVEL);
  const targets = await targetsFor(model, inputs, options.target, batchSize);
  const sum = new Float64Array(inputs.size);
  const sumSquares = new Float64Array(inputs.size);
  await forEachNoisySample(model, inputs, targets, samples, sigmas, generator, batchSize, (_s, _noise, g) => {
    for (let i = 0; i < g.length; i++) {
      const v = g[i]!;
      sum[i] += v;
      sumSquares[i] += v * v;
    }
  });
  const values = new Float32Array(inputs.size);
  for (let i = 0; i < values.length; i++) {
    const mean = sum[i]! / samples;
    const meanSquare = sumSquares[i]! / samples;
    values[i] = variant === 'plain' ? mean : variant === 'squared' ? meanSquare : Math.max(0, meanSquare - mean * mean);
  }
  return {
    method,
    params: { target: targetParam(options.target), samples, ...description, variant, seed: seedParam(generator.seed), batchSize },
    targets,
    values,
    shape: [...inputs.shape],
  };
}

/** Seeds as JSON-friendly params (bigint seeds as strings). */
export function seedParam(seed: number | bigint): number | string {
  return typeof seed === 'bigint' ? seed.toString() : seed;
}
