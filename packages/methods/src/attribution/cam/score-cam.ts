/**
 * Score-CAM (Wang et al. 2020): gradient-free channel weights from how much
 * each activation map, used as a mask on the input, keeps of the target's
 * probability. As in the authors' implementation:
 *   H_c = normalise(upsample_bilinear(A_c)) to [0, 1] (min-max over the map),
 *   w_c = softmax(f(x ⊙ H_c))[t]   (0 for a constant map, which the reference code skips),
 *   map = relu(sum_c w_c A_c).
 * The mask is broadcast over the input's channels. `relu` defaults to true.
 * Unlike the reference code the map is not min-max normalised at the end
 * (attributions stay comparable across rows); it is [N, 1, h, w] unless
 * `upsample` is given. The rows x channels masked inputs are evaluated in
 * chunks of `batchSize`.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { Model } from '../../model/model.js';
import { batches, readFloat, resolveTargets, sliceRows } from '../common.js';
import { AttributionError, type Attribution } from '../types.js';
import { camSetup, finishMaps, perturbedCamBuffers, weightedMaps, type CamOptions } from './layer.js';

/** CLI name. */
export const SCORE_CAM = 'score-cam';

export type ScoreCamOptions = CamOptions;

export async function scoreCam(model: Model, inputs: Tensor, options: ScoreCamOptions = {}): Promise<Attribution> {
  const setup = camSetup(SCORE_CAM, model, inputs, options, true);
  if (inputs.rank !== 4) throw new AttributionError(`${SCORE_CAM}: the input must be [N, C, H, W] (the activation maps are upsampled to mask it), got [${inputs.shape.join(', ')}]`);
  const be = model.be;
  const rows = inputs.shape[0]!;
  const [, , inH, inW] = inputs.shape as [number, number, number, number];
  const { channels, height, width, layer, batchSize } = setup;
  const area = height * width;
  const { explicit, activations, weights, targets, rowsPerPass } = await perturbedCamBuffers(model, inputs, options.target, setup);
  for (const [r0, r1] of batches(rows, rowsPerPass)) {
    await be.asyncScope(async () => {
      const rb = r1 - r0;
      const xb = sliceRows(be, inputs, r0, r1);
      const pass = model.forward(xb, { keep: [layer.name], tape: false });
      let masks: Tensor;
      let constant: Float32Array;
      try {
        const out = await readFloat(pass.output);
        const t = explicit ? explicit.subarray(r0, r1) : await resolveTargets(model, xb, 'argmax', out);
        targets.set(t, r0);
        const a = pass.activation(layer.name);
        activations.set(await readFloat(a), r0 * channels * area);
        // masks [rb * channels, 1, H, W], min-max normalised per map
        const up = be.reshape(be.resize2d(a, { height: inH, width: inW, mode: 'bilinear', alignCorners: false }), [rb * channels, inH * inW]);
        const lo = be.min(up, 1, true);
        const range = be.sub(be.max(up, 1, true), lo);
        const varies = be.greater(range, be.full([1], 0));
        constant = (await readFloat(varies)).map((v) => (v > 0 ? 0 : 1));
        const safeRange = be.where(varies, range, be.full([1], 1));
        masks = be.reshape(be.div(be.sub(up, lo), safeRange), [rb * channels, 1, inH, inW]);
      } finally {
        pass.dispose();
      }
      const pairs = rb * channels;
      for (const [p0, p1] of batches(pairs, batchSize)) {
        const probs = await be.asyncScope(async () => {
          const rowIndex = Int32Array.from({ length: p1 - p0 }, (_, k) => Math.floor((p0 + k) / channels));
          const mask = be.slice(masks, [p0, 0, 0, 0], [p1, 1, inH, inW]);
          const masked = be.mul(be.gather(xb, rowIndex, 0), mask);
          const y = be.softmax(model.predict(masked), -1);
          const yv = await readFloat(y);
          const w = y.size / (p1 - p0);
          return Float64Array.from({ length: p1 - p0 }, (_, k) => yv[k * w + targets[r0 + rowIndex[k]!]!]!);
        });
        for (let k = 0; k < p1 - p0; k++) {
          const p = p0 + k;
          weights[r0 * channels + p] = constant![p] ? 0 : probs[k]!;
        }
      }
    });
  }
  const map = weightedMaps(weights, activations, rows, channels, area);
  const { values, shape } = await finishMaps(model, inputs, map, setup);
  return {
    method: SCORE_CAM,
    params: { target: setup.targetParam, layer: layer.name, relu: setup.relu, upsample: setup.upsample, batchSize },
    targets,
    values,
    shape,
    layer: layer.name,
  };
}
