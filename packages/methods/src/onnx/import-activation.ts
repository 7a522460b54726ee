/** Elementwise activations and (log-)softmax. */
import type { Attrs } from '../model/op.js';
import type { ImportContext } from './import-context.js';
import type { NodeAttributes } from './onnx-attributes.js';
import { mainOutput, type OnnxOpImporter } from './onnx-op-importer.js';
import type { NodeProto } from './onnx-proto-types.js';

function elementwise(type: string, attributes: readonly string[] = [], read: (a: NodeAttributes) => Attrs = () => ({})): OnnxOpImporter {
  return {
    attributes,
    inputs: { min: 1, max: 1 },
    import(ctx: ImportContext, node: NodeProto, attrs: NodeAttributes) {
      const x = ctx.dataInput(node, 0, 'X');
      ctx.add(node, { type, inputs: [x.name], outputs: [mainOutput(ctx, node)], attrs: read(attrs) });
    },
  };
}

export const importRelu = elementwise('ReLU');
export const importSigmoid = elementwise('Sigmoid');
export const importTanh = elementwise('Tanh');
export const importLeakyRelu = elementwise('LeakyReLU', ['alpha'], (a) => ({ alpha: a.float('alpha', 0.01) }));

/**
 * Softmax axis. From opset 13 it is a plain axis (default -1). Before, the
 * input was coerced to 2-D at `axis` (default 1) and normalised over all the
 * trailing dimensions together; that equals a softmax over `axis` when every
 * dimension after it is 1, e.g. axis=1 on [batch, classes].
 */
function softmaxAxis(ctx: ImportContext, node: NodeProto, attrs: NodeAttributes, shape: readonly number[]): number {
  const axis = attrs.int('axis', ctx.opset >= 13 ? -1 : 1);
  const ax = axis < 0 ? axis + shape.length : axis;
  if (ax < 0 || ax >= shape.length) ctx.fail(node, `axis=${axis} is out of range for an input of shape [${shape.join(', ')}]`);
  if (ctx.opset >= 13) return axis;
  if (shape.slice(ax + 1).some((d) => d !== 1)) {
    ctx.fail(node, `before opset 13, ${node.op_type} normalises over all dimensions from axis ${axis} on ("coerced to 2-D"); for the input [${shape.join(', ')}] that is not a single axis, which is not supported (the common case, axis=1 on [batch, classes], is): re-export with opset_version >= 13`);
  }
  return ax;
}

function softmax(type: 'Softmax' | 'LogSoftmax'): OnnxOpImporter {
  return {
    attributes: ['axis'],
    inputs: { min: 1, max: 1 },
    import(ctx: ImportContext, node: NodeProto, attrs: NodeAttributes) {
      const x = ctx.dataInput(node, 0, 'input');
      const axis = softmaxAxis(ctx, node, attrs, x.shape);
      ctx.add(node, { type, inputs: [x.name], outputs: [mainOutput(ctx, node)], attrs: { axis } });
    },
  };
}

export const importSoftmax = softmax('Softmax');
export const importLogSoftmax = softmax('LogSoftmax');
