/**
 * ONNX export of Relevance models (Sequential MLPs and CNNs, and graphs of the
 * same node types): Dense -> Gemm(transB=1), Conv2d -> Conv, pools, Flatten,
 * Reshape (shape initializer), activations, BatchNorm -> BatchNormalization,
 * Softmax, Add, Concat, Dropout/Identity -> Identity. Node names and
 * parameter names are kept, so an exported model imports back unchanged.
 * Parameters are read back from the backend, which is asynchronous on WebGPU.
 */
import type { Node, Model } from '../model/model.js';
import { attrInts, attrNumber } from '../model/op.js';
import { convOptions, poolOptions } from '../model/ops/index.js';
import { floatAttr, floatValueInfo, intAttr, intsAttr, irVersionForOpset, onnxNode } from './onnx-build.js';
import { encodeOnnxModel } from './onnx-codec.js';
import { OnnxError } from './onnx-error.js';
import type { AttributeProto, NodeProto, TensorProto } from './onnx-proto-types.js';
import { float32Tensor, int64Tensor } from './onnx-tensor.js';

export interface ExportOnnxOptions {
  /** ONNX opset, 11 to 18 (default 13, as the reference fixtures). */
  opset?: number;
  /** Name of the graph input (default 'input'). */
  inputName?: string;
  /** Name of the graph output (default: the model's output name, or 'logits' when that is the generic 'output'). */
  outputName?: string;
  /** Name of the symbolic batch dimension (default 'batch'). */
  batchName?: string;
  /** Written to ModelProto.producer_name (default 'relevance'). */
  producerName?: string;
}

export const MIN_EXPORT_OPSET = 11;
export const MAX_EXPORT_OPSET = 18;

type Pair = readonly [number, number];
const pairOf = (v: unknown): Pair => (Array.isArray(v) ? [v[0] as number, (v[1] ?? v[0]) as number] : [v as number, v as number]);
const padsOf = (v: unknown): number[] => {
  const p = Array.isArray(v) ? (v as number[]) : [v as number];
  if (p.length === 4) return [...p];
  const [h, w] = [p[0] ?? 0, p[1] ?? p[0] ?? 0];
  return [h, w, h, w];
};

interface ExportState {
  opset: number;
  initializers: TensorProto[];
  usedNames: Set<string>;
  /** IR value name -> ONNX value name (the graph input and output are renamed). */
  rename(value: string): string;
  param(node: Node, role: string): Promise<string>;
  valueShape(value: string): readonly number[];
}

type NodeExporter = (n: Node, s: ExportState, ins: string[], outs: string[]) => Promise<NodeProto[]>;

function plain(opType: string, attrs: (n: Node) => AttributeProto[] = () => []): NodeExporter {
  return async (n, _s, ins, outs) => [onnxNode(opType, n.name, ins, outs, attrs(n))];
}

function softmax(opType: 'Softmax' | 'LogSoftmax'): NodeExporter {
  return async (n, s, ins, outs) => {
    const axis = attrNumber(n.attrs, 'axis', -1);
    if (s.opset < 13) {
      // before opset 13 Softmax normalises over every dimension from `axis` on; equal only when those after it are 1
      const shape = s.valueShape(n.inputs[0]!);
      const ax = axis < 0 ? axis + shape.length : axis;
      if (shape.slice(ax + 1).some((d) => d !== 1)) {
        throw new OnnxError(`exportOnnx: ${n.type} node '${n.name}' over axis ${axis} of [${shape.join(', ')}] has no opset ${s.opset} equivalent (${opType} before opset 13 normalises over all trailing axes); export with opset >= 13`);
      }
      return [onnxNode(opType, n.name, ins, outs, [intAttr('axis', ax)])];
    }
    return [onnxNode(opType, n.name, ins, outs, [intAttr('axis', axis)])];
  };
}

const EXPORTERS: ReadonlyMap<string, NodeExporter> = new Map<string, NodeExporter>([
  ['Dense', async (n, s, ins, outs) => {
    const inputs = [...ins, await s.param(n, 'weight')];
    if (n.params.bias) inputs.push(await s.param(n, 'bias'));
    return [onnxNode('Gemm', n.name, inputs, outs, [floatAttr('alpha', 1), floatAttr('beta', 1), intAttr('transB', 1)])];
  }],
  ['Conv2d', async (n, s, ins, outs) => {
    const o = convOptions(n.attrs);
    const w = n.params.weight!.shape;
    const inputs = [...ins, await s.param(n, 'weight')];
    if (n.params.bias) inputs.push(await s.param(n, 'bias'));
    return [onnxNode('Conv', n.name, inputs, outs, [
      intsAttr('dilations', pairOf(o.dilation)),
      intAttr('group', o.groups ?? 1),
      intsAttr('kernel_shape', [w[2]!, w[3]!]),
      intsAttr('pads', padsOf(o.padding)),
      intsAttr('strides', pairOf(o.stride)),
    ])];
  }],
  ['MaxPool2d', async (n, _s, ins, outs) => {
    const o = poolOptions(n.attrs);
    const attrs = [intAttr('ceil_mode', o.ceilMode ? 1 : 0), intsAttr('kernel_shape', pairOf(o.kernel)), intsAttr('pads', padsOf(o.padding)), intsAttr('strides', pairOf(o.stride))];
    const d = pairOf(o.dilation);
    if (d[0] !== 1 || d[1] !== 1) attrs.push(intsAttr('dilations', d));
    return [onnxNode('MaxPool', n.name, ins, outs, attrs)];
  }],
  ['AvgPool2d', async (n, _s, ins, outs) => {
    const o = poolOptions(n.attrs);
    const d = pairOf(o.dilation);
    if (d[0] !== 1 || d[1] !== 1) throw new OnnxError(`exportOnnx: AvgPool2d node '${n.name}' has dilation [${d.join(', ')}], which AveragePool supports only from opset 19`);
    return [onnxNode('AveragePool', n.name, ins, outs, [
      intAttr('ceil_mode', o.ceilMode ? 1 : 0),
      intAttr('count_include_pad', o.countIncludePad === false ? 0 : 1),
      intsAttr('kernel_shape', pairOf(o.kernel)),
      intsAttr('pads', padsOf(o.padding)),
      intsAttr('strides', pairOf(o.stride)),
    ])];
  }],
  ['GlobalAveragePool', plain('GlobalAveragePool')],
  ['Flatten', plain('Flatten', (n) => [intAttr('axis', attrNumber(n.attrs, 'axis', 1))])],
  ['Reshape', async (n, s, ins, outs) => {
    const shape = attrInts(n.attrs, 'shape', [-1]);
    let name = `${n.name}.shape`;
    for (let k = 2; s.usedNames.has(name); k++) name = `${n.name}.shape.${k}`;
    s.usedNames.add(name);
    s.initializers.push(int64Tensor(name, [shape.length], shape));
    return [onnxNode('Reshape', n.name, [...ins, name], outs)];
  }],
  ['ReLU', plain('Relu')],
  ['LeakyReLU', plain('LeakyRelu', (n) => [floatAttr('alpha', attrNumber(n.attrs, 'alpha', 0.01))])],
  ['Sigmoid', plain('Sigmoid')],
  ['Tanh', plain('Tanh')],
  ['Softmax', softmax('Softmax')],
  ['LogSoftmax', softmax('LogSoftmax')],
  ['BatchNorm', async (n, s, ins, outs) => {
    const inputs = [...ins];
    for (const role of ['scale', 'bias', 'mean', 'var']) inputs.push(await s.param(n, role));
    return [onnxNode('BatchNormalization', n.name, inputs, outs, [floatAttr('epsilon', attrNumber(n.attrs, 'epsilon', 1e-5))])];
  }],
  ['Dropout', plain('Identity')],
  ['Identity', plain('Identity')],
  ['Add', async (n, s, ins, outs) => {
    const inputs = n.params.constant ? [...ins, await s.param(n, 'constant')] : ins;
    return [onnxNode('Add', n.name, inputs, outs)];
  }],
  ['Concat', plain('Concat', (n) => [intAttr('axis', attrNumber(n.attrs, 'axis', 1))])],
]);

export const EXPORTABLE_NODE_TYPES: readonly string[] = [...EXPORTERS.keys()];

/** Serialise a model as an ONNX ModelProto (opset 11 to 18, default 13). */
export async function exportOnnx(model: Model, options: ExportOnnxOptions = {}): Promise<Uint8Array> {
  const opset = options.opset ?? 13;
  if (!Number.isInteger(opset) || opset < MIN_EXPORT_OPSET || opset > MAX_EXPORT_OPSET) {
    throw new OnnxError(`exportOnnx: opset ${opset} is not supported; choose ${MIN_EXPORT_OPSET} to ${MAX_EXPORT_OPSET}`);
  }
  for (const n of model.nodes) {
    if (!EXPORTERS.has(n.type)) {
      throw new OnnxError(`exportOnnx: node '${n.name}' has type '${n.type}', which cannot be exported to ONNX; exportable types: ${EXPORTABLE_NODE_TYPES.join(', ')}`);
    }
  }
  const firstInput = model.inputs[0]!.name;
  const firstOutput = model.outputs[0]!;
  const inputName = options.inputName ?? 'input';
  const outputName = options.outputName ?? (firstOutput === 'output' ? 'logits' : firstOutput);
  const renames = new Map<string, string>([[firstInput, inputName], [firstOutput, outputName]]);
  // a renamed value must not collide with a value that keeps its name
  const kept = new Set<string>([...model.inputs.map((i) => i.name), ...model.nodes.flatMap((n) => n.outputs)].filter((v) => !renames.has(v)));
  for (const [from, to] of renames) {
    if (kept.has(to)) throw new OnnxError(`exportOnnx: cannot name '${from}' '${to}': the graph already has a value called '${to}'; pass another inputName/outputName`);
  }
  if (inputName === outputName && firstInput !== firstOutput) throw new OnnxError(`exportOnnx: the input and the output cannot both be named '${inputName}'`);

  const usedNames = new Set<string>([...kept, inputName, outputName]);
  const initializers: TensorProto[] = [];
  const state: ExportState = {
    opset,
    initializers,
    usedNames,
    rename: (v) => renames.get(v) ?? v,
    valueShape: (v) => model.valueShapes.get(v) ?? [],
    async param(node, role) {
      let name = node.paramNames[role] ?? `${node.name}.${role}`;
      for (let k = 2; usedNames.has(name); k++) name = `${node.paramNames[role] ?? `${node.name}.${role}`}.${k}`;
      usedNames.add(name);
      const t = node.params[role]!;
      initializers.push(float32Tensor(name, t.shape, await model.be.readFloat(t)));
      return name;
    },
  };
  const nodes: NodeProto[] = [];
  for (const n of model.nodes) {
    const exporter = EXPORTERS.get(n.type)!;
    nodes.push(...(await exporter(n, state, n.inputs.map(state.rename), n.outputs.map(state.rename))));
  }
  const batchName = options.batchName ?? 'batch';
  return encodeOnnxModel({
    ir_version: irVersionForOpset(opset),
    opset_import: [{ domain: '', version: opset }],
    producer_name: options.producerName ?? 'relevance',
    graph: {
      name: 'relevance',
      node: nodes,
      initializer: initializers,
      input: model.inputs.map((i) => floatValueInfo(state.rename(i.name), i.shape, batchName)),
      output: model.outputs.map((o) => floatValueInfo(state.rename(o), model.valueShapes.get(o) ?? [], batchName)),
    },
  });
}
