/**
 * Ablation-CAM (Ramaswamy & Desai 2020): gradient-free channel weights from
 * ablating one activation map at a time,
 *   w_c = (y - y_c) / y,
 * y being the target output and y_c the target output with channel c of the
 * layer set to zero (the rest of the model re-run from the layer), and
 * map = relu(sum_c w_c A_c) (`relu` defaults to true, the paper's definition).
 * A target output of exactly 0 makes the weights undefined; those rows get
 * weights y - y_c instead (stated in params.zeroScoreRows).
 *
 * The rows x channels ablated copies go through the model in chunks of
 * `batchSize`.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { Model } from '../../model/model.js';
import { batches, readFloat, resolveTargets, sliceRows } from '../common.js';
import type { Attribution } from '../types.js';
import { camSetup, finishMaps, perturbedCamBuffers, forwardFromLayer, weightedMaps, type CamOptions } from './layer.js';

/** CLI name. */
export const ABLATION_CAM = 'ablation-cam';

export type AblationCamOptions = CamOptions;

export async function ablationCam(model: Model, inputs: Tensor, options: AblationCamOptions = {}): Promise<Attribution> {
  const setup = camSetup(ABLATION_CAM, model, inputs, options, true);
  const be = model.be;
  const rows = inputs.shape[0]!;
  const { channels, height, width, layer, batchSize } = setup;
  const area = height * width;
  const { explicit, activations, weights, targets, rowsPerPass } = await perturbedCamBuffers(model, inputs, options.target, setup);
  const zeroScoreRows: number[] = [];
  for (const [r0, r1] of batches(rows, rowsPerPass)) {
    await be.asyncScope(async () => {
      const xb = sliceRows(be, inputs, r0, r1);
      const pass = model.forward(xb, { keep: 'all', tape: false });
      try {
        const out = await readFloat(pass.output);
        const widthOut = pass.output.size / (r1 - r0);
        const t = explicit ? explicit.subarray(r0, r1) : await resolveTargets(model, xb, 'argmax', out);
        targets.set(t, r0);
        const a = pass.activation(layer.name);
        activations.set(await readFloat(a), r0 * channels * area);
        // (row, channel) pairs, row-major
        const pairs = (r1 - r0) * channels;
        for (const [p0, p1] of batches(pairs, batchSize)) {
          const scores = await be.asyncScope(async () => {
            const rowIndex = Int32Array.from({ length: p1 - p0 }, (_, k) => Math.floor((p0 + k) / channels));
            const keep = new Float32Array((p1 - p0) * channels).fill(1);
            for (let k = 0; k < p1 - p0; k++) keep[k * channels + ((p0 + k) % channels)] = 0;
            const ablated = be.mul(be.gather(a, rowIndex, 0), be.tensor(keep, [p1 - p0, channels, 1, 1]));
            const y = forwardFromLayer(model, layer, ablated, (v) => be.gather(pass.value(v), rowIndex, 0));
            const yv = await readFloat(y);
            const w = y.size / (p1 - p0);
            return Float64Array.from({ length: p1 - p0 }, (_, k) => yv[k * w + t[rowIndex[k]!]!]!);
          });
          for (let k = 0; k < p1 - p0; k++) {
            const p = p0 + k;
            const row = Math.floor(p / channels);
            const c = p % channels;
            const score = out[row * widthOut + t[row]!]!;
            weights[(r0 + row) * channels + c] = score === 0 ? -scores[k]! : (score - scores[k]!) / score;
          }
        }
        for (let row = 0; row < r1 - r0; row++) if (out[row * widthOut + t[row]!] === 0) zeroScoreRows.push(r0 + row);
      } finally {
        pass.dispose();
      }
    });
  }
  const map = weightedMaps(weights, activations, rows, channels, area);
  const { values, shape } = await finishMaps(model, inputs, map, setup);
  return {
    method: ABLATION_CAM,
    params: { target: setup.targetParam, layer: layer.name, relu: setup.relu, upsample: setup.upsample, batchSize, ...(zeroScoreRows.length ? { zeroScoreRows } : {}) },
    targets,
    values,
    shape,
    layer: layer.name,
  };
}
