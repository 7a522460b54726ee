/**
 * Sensitivity analysis: the squared gradient (d f_t(x) / dx)^2, the local
 * sensitivity of the target output to each input (Baehrens et al. 2010;
 * Zurada et al. 1994). Always non-negative; it says how much an input
 * matters locally, not in which direction.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { Model } from '../../model/model.js';
import type { Attribution, CommonOptions } from '../types.js';
import { gradientAttribution } from './shared.js';

/** CLI name. */
export const SALIENCY_SQUARED = 'saliency-squared';

export type SaliencySquaredOptions = CommonOptions;

export async function saliencySquared(model: Model, inputs: Tensor, options: SaliencySquaredOptions = {}): Promise<Attribution> {
  return gradientAttribution(SALIENCY_SQUARED, model, inputs, options, {
    finish(values) {
      for (let i = 0; i < values.length; i++) values[i] = values[i]! * values[i]!;
    },
  });
}
