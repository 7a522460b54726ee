/**
 * Saliency (Simonyan et al. 2014): the gradient of the target output with
 * respect to the input, d f_t(x) / dx. With `abs` (Captum's default is
 * abs=True; here the default is the raw signed gradient, as in the reference
 * fixtures) the absolute value is returned.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { Model } from '../../model/model.js';
import { checkOptions } from '../common.js';
import type { Attribution, CommonOptions } from '../types.js';
import { batchedGradient, checkInput, explicitTargetsOrArgmax, resolveBatchSize, targetParam } from './shared.js';

/** CLI name. */
export const SALIENCY = 'saliency';

export interface SaliencyOptions extends CommonOptions {
  /** Return |gradient| (default false: the signed gradient). */
  abs?: boolean;
}

export async function saliency(model: Model, inputs: Tensor, options: SaliencyOptions = {}): Promise<Attribution> {
  checkOptions(SALIENCY, options, ['target', 'batchSize', 'abs']);
  checkInput(SALIENCY, model, inputs);
  const batchSize = resolveBatchSize(SALIENCY, options.batchSize);
  const abs = options.abs ?? false;
  const targets = await explicitTargetsOrArgmax(model, inputs, options.target);
  const g = await batchedGradient(model, inputs, targets, batchSize);
  const values = g.gradient;
  if (abs) for (let i = 0; i < values.length; i++) values[i] = Math.abs(values[i]!);
  return {
    method: SALIENCY,
    params: { target: targetParam(options.target), abs, batchSize },
    targets: g.targets,
    values,
    shape: [...inputs.shape],
  };
}
