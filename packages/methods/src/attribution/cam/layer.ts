/**
 * Shared machinery of the class-activation-map (CAM) family: resolving the
 * layer, reading its activations A [N, C, h, w] (and the target's gradient
 * with respect to them), re-running the model from the layer with modified
 * activations, and turning channel weights into maps
 *   map[n] = sum_c w[n, c] A[n, c]   ([N, 1, h, w]),
 * optionally rectified and upsampled to the input's spatial size.
 */
import type { Tensor } from '@relevance/core-wasm';
import { moduleAlias, type Model, type Node } from '../../model/model.js';
import { batches, checkOptions, concatHost, oneHotSeed, readFloat, resolveTargets, sliceRows } from '../common.js';
import { AttributionError, type Attribution, type CommonOptions, type Target } from '../types.js';
import { checkInput, resolveBatchSize, targetParam } from '../gradient/shared.js';

export const UPSAMPLE_MODES = ['none', 'nearest', 'bilinear'] as const;
export type UpsampleMode = (typeof UPSAMPLE_MODES)[number];

export interface CamOptions extends CommonOptions {
  /** The layer: a node name ('/conv2/Conv'), a module alias ('conv2') or an output value name. Required. */
  layer?: string;
  /** Rectify the map (ReLU). */
  relu?: boolean;
  /** Resize the map to the input's height and width (PyTorch interpolate, align_corners=False). Default 'none'. */
  upsample?: UpsampleMode;
}

export const CAM_OPTION_NAMES = ['target', 'batchSize', 'layer', 'relu', 'upsample'] as const;

export interface CamSetup {
  layer: Node;
  /** Channels, height and width of the layer output. */
  channels: number;
  height: number;
  width: number;
  relu: boolean;
  upsample: UpsampleMode;
  batchSize: number;
  targetParam: string | number | number[];
}

/** Validate options, the input and the layer (which must have a 4-D [N, C, H, W] output). */
export function camSetup(method: string, model: Model, x: Tensor, options: CamOptions, reluDefault: boolean, extraOptions: readonly string[] = []): CamSetup {
  checkOptions(method, options, [...CAM_OPTION_NAMES, ...extraOptions]);
  checkInput(method, model, x);
  if (options.layer === undefined || options.layer === '') {
    throw new AttributionError(`${method}: the 'layer' option is required; 4-D layers of this model: ${fourDLayers(model).join(', ') || 'none'}`);
  }
  const layer = model.node(options.layer);
  const shape = model.valueShapes.get(layer.outputs[0]!) ?? [];
  if (shape.length !== 4) {
    throw new AttributionError(`${method}: layer '${options.layer}' (${layer.type}) has output shape [${shape.map((d) => (d < 0 ? 'batch' : d)).join(', ')}]; CAM methods need a 4-D [N, C, H, W] layer, e.g. ${fourDLayers(model).join(', ') || '(this model has none)'}`);
  }
  const upsample = options.upsample ?? 'none';
  if (!UPSAMPLE_MODES.includes(upsample)) throw new AttributionError(`${method}: unknown upsample '${String(upsample)}'; choose ${UPSAMPLE_MODES.join(', ')}`);
  if (upsample !== 'none' && x.rank !== 4) throw new AttributionError(`${method}: upsample needs a 4-D input [N, C, H, W], got [${x.shape.join(', ')}]`);
  return {
    layer,
    channels: shape[1]!,
    height: shape[2]!,
    width: shape[3]!,
    relu: options.relu ?? reluDefault,
    upsample,
    batchSize: resolveBatchSize(method, options.batchSize),
    targetParam: targetParam(options.target),
  };
}

/** Names (with module aliases) of the nodes whose output is 4-D. */
export function fourDLayers(model: Model): string[] {
  return model.nodes
    .filter((n) => (model.valueShapes.get(n.outputs[0]!) ?? []).length === 4)
    .map((n) => {
      const alias = moduleAlias(n.name);
      return alias ? `${n.name} (${alias})` : n.name;
    });
}

export interface LayerData {
  /** Layer activations, [N, C, h, w] flat. */
  activations: Float32Array;
  /** d output[r, target[r]] / d activations (when requested), [N, C, h, w] flat. */
  gradients: Float32Array | null;
  /** Model outputs [N, width]. */
  outputs: Float32Array;
  width: number;
  targets: Int32Array;
}

/**
 * Activations of the layer (and, with `withGradient`, the target's gradient
 * with respect to them) for every row, in batches.
 */
export async function layerData(model: Model, x: Tensor, layer: Node, target: Target | undefined, batchSize: number, withGradient: boolean): Promise<LayerData> {
  const be = model.be;
  const rows = x.shape[0]!;
  const explicit = (target ?? 'argmax') === 'argmax' ? null : await resolveTargets(model, x, target);
  const acts: Float32Array[] = [];
  const grads: Float32Array[] = [];
  const outs: Float32Array[] = [];
  const targets = new Int32Array(rows);
  let width = 0;
  for (const [r0, r1] of batches(rows, batchSize)) {
    await be.asyncScope(async () => {
      const xb = sliceRows(be, x, r0, r1);
      const pass = model.forward(xb, { keep: [layer.name], tape: withGradient });
      try {
        const out = await readFloat(pass.output);
        width = pass.output.size / (r1 - r0);
        const t = explicit ? explicit.subarray(r0, r1) : await resolveTargets(model, xb, 'argmax', out);
        targets.set(t, r0);
        outs.push(out);
        acts.push(await readFloat(pass.activation(layer.name)));
        if (withGradient) {
          const seed = be.reshape(oneHotSeed(be, t, width), pass.output.shape);
          // 'nodes' rather than 'stopAt': Model.backward drops the gradient at a stopAt value (see the report)
          const g = model.backward(pass, seed, { nodes: [layer.name], input: false });
          try {
            const gl = g.nodes.get(layer.name);
            grads.push(gl ? await readFloat(gl) : new Float32Array(pass.activation(layer.name).size));
          } finally {
            g.dispose();
          }
        }
      } finally {
        pass.dispose();
      }
    });
  }
  return { activations: concatHost(acts), gradients: withGradient ? concatHost(grads) : null, outputs: concatHost(outs), width, targets };
}

/** map[n, :, :] = sum_c weights[n, c] * A[n, c, :, :], in float64. */
export function weightedMaps(weights: Float64Array, activations: Float32Array, rows: number, channels: number, area: number): Float64Array {
  const map = new Float64Array(rows * area);
  for (let n = 0; n < rows; n++) {
    for (let c = 0; c < channels; c++) {
      const w = weights[n * channels + c]!;
      if (w === 0) continue;
      const a = (n * channels + c) * area;
      for (let i = 0; i < area; i++) map[n * area + i] += w * activations[a + i]!;
    }
  }
  return map;
}

/** Rectify and upsample maps [N, h, w]; returns values and the [N, 1, H, W] shape. */
export async function finishMaps(model: Model, x: Tensor, map: Float64Array, setup: CamSetup): Promise<{ values: Float32Array; shape: number[] }> {
  const rows = x.shape[0]!;
  const values = new Float32Array(map.length);
  for (let i = 0; i < map.length; i++) values[i] = setup.relu ? Math.max(0, map[i]!) : map[i]!;
  if (setup.upsample === 'none') return { values, shape: [rows, 1, setup.height, setup.width] };
  const be = model.be;
  const height = x.shape[2]!;
  const width = x.shape[3]!;
  const up = be.scope(() => be.resize2d(be.tensor(values, [rows, 1, setup.height, setup.width]), { height, width, mode: setup.upsample as 'nearest' | 'bilinear', alignCorners: false }));
  try {
    return { values: await readFloat(up), shape: [rows, 1, height, width] };
  } finally {
    up.dispose();
  }
}

/**
 * Re-run the model from `layer` with its output replaced by `replacement`
 * (rows may be a selection/replication of the original rows). Values the
 * downstream nodes read from elsewhere (skip connections) come from
 * `external(valueName)`. Returns the first graph output (caller owns it).
 */
export function forwardFromLayer(model: Model, layer: Node, replacement: Tensor, external: (value: string) => Tensor): Tensor {
  const be = model.be;
  const layerValue = layer.outputs[0]!;
  const downstream = new Set<string>([layerValue]);
  return be.scope(() => {
    const values = new Map<string, Tensor>([[layerValue, replacement]]);
    for (const n of model.nodes) {
      if (n === layer || !n.inputs.some((i) => downstream.has(i))) continue;
      for (const o of n.outputs) downstream.add(o);
      const ins = n.inputs.map((i) => values.get(i) ?? external(i));
      const r = n.op.forward({ be, attrs: n.attrs, params: n.params, training: false, node: n.name }, ins);
      for (const t of r.saved ?? []) t.dispose();
      n.outputs.forEach((o, k) => values.set(o, r.outputs[k]!));
    }
    const out = values.get(model.outputs[0]!);
    if (!out) throw new AttributionError(`the model output does not depend on layer '${layer.name}'`);
    return out === replacement ? be.reshape(out, out.shape) : out;
  });
}


/**
 * Buffers of the CAMs that score perturbed copies (Ablation-CAM, Score-CAM): the
 * explicit targets (null: each row's argmax, found per batch), the layer's
 * activations and the channel weights per row, and how many rows go through
 * together so that their `channels` copies fill about one batch.
 */
export async function perturbedCamBuffers(model: Model, inputs: Tensor, target: Target | undefined, setup: CamSetup) {
  const rows = inputs.shape[0]!;
  const { channels, height, width, batchSize } = setup;
  const explicit = (target ?? 'argmax') === 'argmax' ? null : await resolveTargets(model, inputs, target);
  return {
    explicit,
    activations: new Float32Array(rows * channels * height * width),
    weights: new Float64Array(rows * channels),
    targets: new Int32Array(rows),
    rowsPerPass: Math.max(1, Math.min(rows, Math.floor(batchSize / channels))),
  };
}

/**
 * The gradient CAMs (Grad-CAM, Grad-CAM++): activations and gradients at the
 * layer, one weight per row and channel from `channelWeight(grads, acts, off, area)`
 * (the channel's maps start at `off`), the weighted map, then ReLU and upsampling.
 * `params` are reported between upsample and batchSize.
 */
export async function gradientCam(
  method: string, model: Model, inputs: Tensor, options: CamOptions, reluDefault: boolean,
  channelWeight: (grads: Float32Array, acts: Float32Array, off: number, area: number) => number,
  params: Record<string, unknown> = {},
): Promise<Attribution> {
  const setup = camSetup(method, model, inputs, options, reluDefault);
  const rows = inputs.shape[0]!;
  const { channels, height, width } = setup;
  const area = height * width;
  const data = await layerData(model, inputs, setup.layer, options.target, setup.batchSize, true);
  const weights = new Float64Array(rows * channels);
  for (let nc = 0; nc < rows * channels; nc++) weights[nc] = channelWeight(data.gradients!, data.activations, nc * area, area);
  const map = weightedMaps(weights, data.activations, rows, channels, area);
  const { values, shape } = await finishMaps(model, inputs, map, setup);
  return {
    method,
    params: { target: setup.targetParam, layer: setup.layer.name, relu: setup.relu, upsample: setup.upsample, ...params, batchSize: setup.batchSize },
    targets: data.targets,
    values,
    shape,
    layer: setup.layer.name,
  };
}
