/** Structure ops: Flatten, Reshape, Add, Concat, Identity, Dropout, and Constant (folded, emits no node). */
import type { ImportContext } from './import-context.js';
import type { NodeAttributes } from './onnx-attributes.js';
import { mainOutput, requireExtraOutputsUnused, type OnnxOpImporter } from './onnx-op-importer.js';
import { DataType, type NodeProto, type TensorProto } from './onnx-proto-types.js';
import { readFloat32 } from './onnx-tensor.js';
import { shapeTarget } from './import-indexing.js';

export const importFlatten: OnnxOpImporter = {
  attributes: ['axis'],
  inputs: { min: 1, max: 1 },
  import(ctx: ImportContext, node: NodeProto, attrs: NodeAttributes) {
    const x = ctx.dataInput(node, 0, 'input');
    const axis = attrs.int('axis', 1);
    if (axis < -x.shape.length || axis > x.shape.length) ctx.fail(node, `axis=${axis} is out of range for an input of shape [${x.shape.join(', ')}]`);
    ctx.add(node, { type: 'Flatten', inputs: [x.name], outputs: [mainOutput(ctx, node)], attrs: { axis } });
  },
};

export const importReshape: OnnxOpImporter = {
  attributes: ['allowzero'],
  inputs: { min: 2, max: 2 },
  import(ctx: ImportContext, node: NodeProto, attrs: NodeAttributes) {
    const x = ctx.dataInput(node, 0, 'data');
    const shape = shapeTarget(ctx, node, x.shape, ctx.intConstant(node, 1, 'shape'));
    if (attrs.int('allowzero', 0) !== 0 && shape.includes(0)) {
      ctx.fail(node, `allowzero=1 with a 0 in the shape [${shape.join(', ')}] (an empty dimension) is not supported; only allowzero=0, where 0 copies the input's dimension`);
    }
    ctx.add(node, { type: 'Reshape', inputs: [x.name], outputs: [mainOutput(ctx, node)], attrs: { shape } });
  },
};

export const importAdd: OnnxOpImporter = {
  attributes: [],
  inputs: { min: 2, max: 2 },
  import(ctx: ImportContext, node: NodeProto) {
    const name = ctx.nodeName(node);
    const [a, b] = [node.input?.[0] ?? '', node.input?.[1] ?? ''];
    const output = mainOutput(ctx, node);
    if (ctx.isConstant(a) && ctx.isConstant(b)) {
      ctx.fail(node, `both operands ('${a}', '${b}') are constants; export with do_constant_folding=True so they are folded`);
    }
    if (!ctx.isConstant(a) && !ctx.isConstant(b)) {
      const x = ctx.dataInput(node, 0, 'A');
      const y = ctx.dataInput(node, 1, 'B');
      ctx.add(node, { type: 'Add', inputs: [x.name, y.name], outputs: [output] });
      return;
    }
    // addition commutes: the computed operand first, the constant as the IR's 'constant' parameter
    const [dataIndex, constIndex] = ctx.isConstant(a) ? [1, 0] : [0, 1];
    const x = ctx.dataInput(node, dataIndex, 'data');
    const c = ctx.floatConstant(node, constIndex, 'constant');
    ctx.add(node, {
      type: 'Add',
      inputs: [x.name],
      outputs: [output],
      params: { constant: ctx.tensor(c.data, c.dims) },
      paramNames: { constant: ctx.paramName(c.name, name, 'constant') },
    });
  },
};

export const importConcat: OnnxOpImporter = {
  attributes: ['axis'],
  inputs: { min: 1, max: 64 },
  import(ctx: ImportContext, node: NodeProto, attrs: NodeAttributes) {
    if (!attrs.has('axis')) ctx.fail(node, `attribute 'axis' is required`);
    const inputs = (node.input ?? []).map((_, i) => ctx.dataInput(node, i, `input ${i}`));
    const axis = attrs.int('axis', 1);
    const rank = inputs[0]!.shape.length;
    if (axis < -rank || axis >= rank) ctx.fail(node, `axis=${axis} is out of range for inputs of rank ${rank}`);
    ctx.add(node, { type: 'Concat', inputs: inputs.map((i) => i.name), outputs: [mainOutput(ctx, node)], attrs: { axis } });
  },
};

export const importIdentity: OnnxOpImporter = {
  attributes: [],
  inputs: { min: 1, max: 1 },
  import(ctx: ImportContext, node: NodeProto) {
    const input = node.input?.[0] ?? '';
    const output = mainOutput(ctx, node);
    // exporters emit Identity of an initializer for shared weights: the output is that constant
    const constant = ctx.constant(input);
    if (constant) {
      ctx.setConstant(output, constant);
      return;
    }
    const x = ctx.dataInput(node, 0, 'input');
    ctx.add(node, { type: 'Identity', inputs: [x.name], outputs: [output] });
  },
};

/** Identity at inference. Opset < 12 has a 'ratio' attribute; from 12 ratio and training_mode are optional inputs. */
export const importDropout: OnnxOpImporter = {
  attributes: ['ratio', 'seed'],
  inputs: { min: 1, max: 3 },
  import(ctx: ImportContext, node: NodeProto, attrs: NodeAttributes) {
    requireExtraOutputsUnused(ctx, node, 'the dropout mask');
    const x = ctx.dataInput(node, 0, 'data');
    let ratio = attrs.float('ratio', 0.5);
    const ratioInput = node.input?.[1];
    if (ratioInput) {
      const t = ctx.constant(ratioInput);
      if (!t) ctx.fail(node, `the ratio '${ratioInput}' is computed by the graph; only a constant ratio is supported`);
      ratio = readFloat32(t, `${ctx.where(node)}: ratio '${ratioInput}'`)[0] ?? 0.5;
    }
    const trainingInput = node.input?.[2];
    if (trainingInput) {
      const t = ctx.constant(trainingInput);
      const on = t && (t.raw_data?.[0] ?? t.int32_data?.[0] ?? 0) !== 0;
      if (!t || on) ctx.fail(node, `training_mode '${trainingInput}' is not a constant false; only inference is supported: export the model in eval() mode`);
    }
    ctx.add(node, { type: 'Dropout', inputs: [x.name], outputs: [mainOutput(ctx, node)], attrs: { ratio } });
  },
};

/** Constant: folded into the constants table, so Reshape, Gemm, ... read it like an initializer. */
export const importConstant: OnnxOpImporter = {
  attributes: ['value', 'value_float', 'value_floats', 'value_int', 'value_ints'],
  inputs: { min: 0, max: 0 },
  import(ctx: ImportContext, node: NodeProto, attrs: NodeAttributes) {
    const output = mainOutput(ctx, node);
    let t: TensorProto | undefined = attrs.tensor('value');
    if (!t && attrs.has('value_float')) t = { dims: [], data_type: DataType.FLOAT, float_data: [attrs.float('value_float', 0)] };
    if (!t && attrs.has('value_floats')) {
      const v = attrs.floats('value_floats')!;
      t = { dims: [v.length], data_type: DataType.FLOAT, float_data: v };
    }
    if (!t && attrs.has('value_int')) t = { dims: [], data_type: DataType.INT64, int64_data: [attrs.int('value_int', 0)] };
    if (!t && attrs.has('value_ints')) {
      const v = attrs.ints('value_ints')!;
      t = { dims: [v.length], data_type: DataType.INT64, int64_data: v };
    }
    if (!t) ctx.fail(node, `has no value (one of: value, value_float, value_floats, value_int, value_ints)`);
    ctx.setConstant(output, { ...t, name: output });
  },
};
