/**
 * Saliency (Simonyan et al. 2014): the gradient of the target output with
 * respect to the input, d f_t(x) / dx. With `abs` (Captum's default is
 * abs=True; here the default is the raw signed gradient, as in the reference
 * fixtures) the absolute value is returned.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { Model } from '../../model/model.js';
import type { Attribution, CommonOptions } from '../types.js';
import { gradientAttribution } from './shared.js';

/** CLI name. */
export const SALIENCY = 'saliency';

export interface SaliencyOptions extends CommonOptions {
  /** Return |gradient| (default false: the signed gradient). */
  abs?: boolean;
}

export async function saliency(model: Model, inputs: Tensor, options: SaliencyOptions = {}): Promise<Attribution> {
  const abs = options.abs ?? false;
  return gradientAttribution(SALIENCY, model, inputs, options, {
    optionNames: ['target', 'batchSize', 'abs'],
    params: { abs },
    finish(values) {
      if (abs) for (let i = 0; i < values.length; i++) values[i] = Math.abs(values[i]!);
    },
  });
}
