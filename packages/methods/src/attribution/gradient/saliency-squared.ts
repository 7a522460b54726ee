/**
 * Sensitivity analysis: the squared gradient (d f_t(x) / dx)^2, the local
 * sensitivity of the target output to each input (Baehrens et al. 2010;
 * Zurada et al. 1994). Always non-negative; it says how much an input
 * matters locally, not in which direction.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { Model } from '../../model/model.js';
import { checkOptions } from '../common.js';
import type { Attribution, CommonOptions } from '../types.js';
import { batchedGradient, checkInput, explicitTargetsOrArgmax, resolveBatchSize, targetParam } from './shared.js';

/** CLI name. */
export const SALIENCY_SQUARED = 'saliency-squared';

export type SaliencySquaredOptions = CommonOptions;

export async function saliencySquared(model: Model, inputs: Tensor, options: SaliencySquaredOptions = {}): Promise<Attribution> {
  checkOptions(SALIENCY_SQUARED, options, ['target', 'batchSize']);
  checkInput(SALIENCY_SQUARED, model, inputs);
  const batchSize = resolveBatchSize(SALIENCY_SQUARED, options.batchSize);
  const targets = await explicitTargetsOrArgmax(model, inputs, options.target);
  const g = await batchedGradient(model, inputs, targets, batchSize);
  const values = g.gradient;
  for (let i = 0; i < values.length; i++) values[i] = values[i]! * values[i]!;
  return {
    method: SALIENCY_SQUARED,
    params: { target: targetParam(options.target), batchSize },
    targets: g.targets,
    values,
    shape: [...inputs.shape],
  };
}
