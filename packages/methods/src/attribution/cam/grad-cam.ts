/**
 * Grad-CAM (Selvaraju et al. 2017) on a named 4-D layer, as Captum's
 * LayerGradCam: channel weights w_c = spatial mean of d f_t / d A_c, map =
 * sum_c w_c A_c with the channel dimension kept as 1 ([N, 1, h, w]).
 * `relu` defaults to false (Captum's relu_attributions=False; the paper
 * applies a ReLU); `upsample` resizes to the input's height and width like
 * Captum's LayerAttribution.interpolate.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { Model } from '../../model/model.js';
import type { Attribution } from '../types.js';
import { gradientCam, type CamOptions } from './layer.js';

/** CLI name. */
export const GRAD_CAM = 'grad-cam';

export type GradCamOptions = CamOptions;

export async function gradCam(model: Model, inputs: Tensor, options: GradCamOptions = {}): Promise<Attribution> {
  // the mean gradient over the channel's positions
  return gradientCam(GRAD_CAM, model, inputs, options, false, (grads, _acts, off, area) => {
    let s = 0;
    for (let i = 0; i < area; i++) s += grads[off + i]!;
    return s / area;
  });
}
