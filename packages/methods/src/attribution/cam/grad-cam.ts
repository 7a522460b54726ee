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
import { camSetup, finishMaps, layerData, weightedMaps, type CamOptions } from './layer.js';

/** CLI name. */
export const GRAD_CAM = 'grad-cam';

export type GradCamOptions = CamOptions;

export async function gradCam(model: Model, inputs: Tensor, options: GradCamOptions = {}): Promise<Attribution> {
  const setup = camSetup(GRAD_CAM, model, inputs, options, false);
  const rows = inputs.shape[0]!;
  const { channels, height, width } = setup;
  const area = height * width;
  const data = await layerData(model, inputs, setup.layer, options.target, setup.batchSize, true);
  const grads = data.gradients!;
  const weights = new Float64Array(rows * channels);
  for (let nc = 0; nc < rows * channels; nc++) {
    let s = 0;
    for (let i = 0; i < area; i++) s += grads[nc * area + i]!;
    weights[nc] = s / area;
  }
  const map = weightedMaps(weights, data.activations, rows, channels, area);
  const { values, shape } = await finishMaps(model, inputs, map, setup);
  return {
    method: GRAD_CAM,
    params: { target: setup.targetParam, layer: setup.layer.name, relu: setup.relu, upsample: setup.upsample, batchSize: setup.batchSize },
    targets: data.targets,
    values,
    shape,
    layer: setup.layer.name,
  };
}
