/**
 * Input x Gradient (Shrikumar et al. 2016): x ⊙ d f_t(x) / dx. For a
 * piecewise-linear network without biases it equals LRP-0 and DeepLIFT with a
 * zero baseline.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { Model } from '../../model/model.js';
import { readFloat } from '../common.js';
import type { Attribution, CommonOptions } from '../types.js';
import { gradientAttribution } from './shared.js';

/** CLI name. */
export const INPUT_X_GRADIENT = 'input-x-gradient';

export type InputXGradientOptions = CommonOptions;

export async function inputXGradient(model: Model, inputs: Tensor, options: InputXGradientOptions = {}): Promise<Attribution> {
  return gradientAttribution(INPUT_X_GRADIENT, model, inputs, options, {
    async finish(values) {
      const x = await readFloat(inputs);
      for (let i = 0; i < values.length; i++) values[i] = values[i]! * x[i]!;
    },
  });
}
