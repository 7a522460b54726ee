/**
 * Grad-CAM++ (Chattopadhay et al. 2018), in the closed form that assumes the
 * explained score is exp(S) (the paper's eq. 19), as pytorch-grad-cam
 * implements it: with g = d S_t / d A (S_t the target output),
 *   alpha_c,ij = g_ij^2 / (2 g_ij^2 + sum_ab A_c,ab * g_ij^3)   (0 where g_ij = 0),
 *   w_c = sum_ij alpha_c,ij * relu(g_ij),
 *   map = relu(sum_c w_c A_c).
 * The exp(S) factor of the paper's weights is the same for every channel of
 * a row, so it only rescales the map and is dropped. `relu` defaults to true
 * (the paper's definition); the denominator gets +1e-7 only where it is 0.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { Model } from '../../model/model.js';
import type { Attribution } from '../types.js';
import { gradientCam, type CamOptions } from './layer.js';

/** CLI name. */
export const GRAD_CAM_PLUS_PLUS = 'grad-cam-plus-plus';

export type GradCamPlusPlusOptions = CamOptions;

export async function gradCamPlusPlus(model: Model, inputs: Tensor, options: GradCamPlusPlusOptions = {}): Promise<Attribution> {
  return gradientCam(GRAD_CAM_PLUS_PLUS, model, inputs, options, true, (grads, acts, off, area) => {
    let activationSum = 0;
    for (let i = 0; i < area; i++) activationSum += acts[off + i]!;
    let w = 0;
    for (let i = 0; i < area; i++) {
      const g = grads[off + i]!;
      if (g <= 0) continue; // relu(g) = 0; alpha is 0 where g = 0 anyway
      const g2 = g * g;
      let den = 2 * g2 + activationSum * g2 * g;
      if (den === 0) den = 1e-7;
      w += (g2 / den) * g;
    }
    return w;
  }, { form: 'exp-score closed form (pytorch-grad-cam)' });
}
