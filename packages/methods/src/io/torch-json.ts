/**
 * Load a PyTorch Sequential model described as JSON: an `architecture` list
 * (Linear, Conv2d, ReLU, MaxPool2d, AvgPool2d, Flatten, ...) plus named float32
 * parameters in torch layouts (`fc1.weight` [out, in]). This is the format of
 * `weights.json` in the reference fixtures, and an easy export from any torch
 * model: `{name: p.tolist() for name, p in model.state_dict().items()}`.
 */
import type { Backend, Tensor } from '@relevance/core-wasm';
import { Model, type NodeSpec } from '../model/model.js';
import { checkFiniteParameter } from './finite-parameters.js';
import { ModelError, type Attrs } from '../model/op.js';

export interface TorchJsonLayer {
  name: string;
  op: string;
  [key: string]: unknown;
}

export interface TorchJson {
  input_shape_without_batch: number[];
  architecture: TorchJsonLayer[];
  params: Record<string, { shape: number[]; data: number[] }>;
}

function ints(v: unknown, dflt: number[]): number[] {
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'number') return [v, v];
  return (v as number[]).map(Number);
}

export function modelFromTorchJson(be: Backend, json: TorchJson, source = 'weights.json'): Model {
  if (!json || !Array.isArray(json.architecture) || !json.params || !Array.isArray(json.input_shape_without_batch)) {
    throw new ModelError(`${source}: expected {input_shape_without_batch, architecture: [...], params: {...}}`);
  }
  const param = (name: string): Tensor => {
    const p = json.params[name];
    if (!p) throw new ModelError(`${source}: parameter '${name}' is missing (have: ${Object.keys(json.params).join(', ')})`);
    const data = Float32Array.from(p.data);
    checkFiniteParameter(data, `${source}: parameter '${name}'`);
    return be.tensor(data, p.shape);
  };
  const optionalParam = (name: string): Tensor | undefined => (json.params[name] ? param(name) : undefined);
  const nodes: NodeSpec[] = [];
  let prev = 'input';
  json.architecture.forEach((layer, i) => {
    const out = i === json.architecture.length - 1 ? 'output' : `${layer.name}:out`;
    let type: string;
    let attrs: Attrs = {};
    const params: Record<string, Tensor> = {};
    switch (layer.op) {
      case 'Linear':
        type = 'Dense';
        params.weight = param(`${layer.name}.weight`);
        if (json.params[`${layer.name}.bias`]) params.bias = param(`${layer.name}.bias`);
        break;
      case 'Conv2d': {
        type = 'Conv2d';
        const pad = ints(layer.padding, [0, 0]);
        attrs = { stride: ints(layer.stride, [1, 1]), padding: [pad[0]!, pad[1]!, pad[0]!, pad[1]!], dilation: ints(layer.dilation, [1, 1]), groups: Number(layer.groups ?? 1) };
        params.weight = param(`${layer.name}.weight`);
        const b = optionalParam(`${layer.name}.bias`);
        if (b) params.bias = b;
        break;
      }
      case 'MaxPool2d':
      case 'AvgPool2d': {
        type = layer.op;
        const k = ints(layer.kernel_size, [2, 2]);
        const pad = ints(layer.padding, [0, 0]);
        attrs = { kernel: k, stride: ints(layer.stride, k), padding: [pad[0]!, pad[1]!, pad[0]!, pad[1]!], ceilMode: Boolean(layer.ceil_mode ?? false), countIncludePad: Boolean(layer.count_include_pad ?? true) };
        break;
      }
      case 'BatchNorm2d':
      case 'BatchNorm1d':
        type = 'BatchNorm';
        attrs = { epsilon: Number(layer.eps ?? 1e-5) };
        params.scale = param(`${layer.name}.weight`);
        params.bias = param(`${layer.name}.bias`);
        params.mean = param(`${layer.name}.running_mean`);
        params.var = param(`${layer.name}.running_var`);
        break;
      case 'ReLU': case 'Sigmoid': case 'Tanh': case 'Flatten': case 'Identity': case 'Dropout':
        type = layer.op;
        if (layer.op === 'Dropout') attrs = { ratio: Number(layer.p ?? 0.5) };
        break;
      case 'LeakyReLU':
        type = 'LeakyReLU';
        attrs = { alpha: Number(layer.negative_slope ?? 0.01) };
        break;
      case 'Softmax':
        type = 'Softmax';
        attrs = { axis: Number(layer.dim ?? -1) };
        break;
      default:
        throw new ModelError(`${source}: layer '${layer.name}' has op '${layer.op}', which is not supported; supported: Linear, Conv2d, MaxPool2d, AvgPool2d, BatchNorm1d, BatchNorm2d, ReLU, LeakyReLU, Sigmoid, Tanh, Softmax, Flatten, Dropout, Identity`);
    }
    nodes.push({ name: layer.name, type, inputs: [prev], outputs: [out], attrs, params });
    prev = out;
  });
  return new Model(be, { inputs: [{ name: 'input', shape: [-1, ...json.input_shape_without_batch] }], outputs: [prev], nodes });
}
