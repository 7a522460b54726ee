/**
 * Input x Gradient (Shrikumar et al. 2016): x ⊙ d f_t(x) / dx. For a
 * piecewise-linear network without biases it equals LRP-0 and DeepLIFT with a
 * zero baseline.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { Model } from '../../model/model.js';
import { checkOptions, readFloat } from '../common.js';
import type { Attribution, CommonOptions } from '../types.js';
import { batchedGradient, checkInput, explicitTargetsOrArgmax, resolveBatchSize, targetParam } from './shared.js';

/** CLI name. */
export const INPUT_X_GRADIENT = 'input-x-gradient';

export type InputXGradientOptions = CommonOptions;

export async function inputXGradient(model: Model, inputs: Tensor, options: InputXGradientOptions = {}): Promise<Attribution> {
  checkOptions(INPUT_X_GRADIENT, options, ['target', 'batchSize']);
  checkInput(INPUT_X_GRADIENT, model, inputs);
  const batchSize = resolveBatchSize(INPUT_X_GRADIENT, options.batchSize);
  const targets = await explicitTargetsOrArgmax(model, inputs, options.target);
  const g = await batchedGradient(model, inputs, targets, batchSize);
  const x = await readFloat(inputs);
  const values = g.gradient;
  for (let i = 0; i < values.length; i++) values[i] = values[i]! * x[i]!;
  return {
    method: INPUT_X_GRADIENT,
    params: { target: targetParam(options.target), batchSize },
    targets: g.targets,
    values,
    shape: [...inputs.shape],
  };
}
