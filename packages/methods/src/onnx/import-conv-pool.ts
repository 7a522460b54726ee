/** 2-D convolution and pooling over NCHW: Conv, MaxPool, AveragePool, GlobalAveragePool. */
import type { Tensor } from '@relevance/core-wasm';
import type { ImportContext } from './import-context.js';
import type { NodeAttributes } from './onnx-attributes.js';
import { mainOutput, requireExtraOutputsUnused, type OnnxOpImporter } from './onnx-op-importer.js';
import type { NodeProto } from './onnx-proto-types.js';
import { kernelShape, requirePadsInsideKernel, window2d } from './spatial-attributes.js';

function imageInput(ctx: ImportContext, node: NodeProto): { name: string; shape: readonly number[] } {
  const x = ctx.dataInput(node, 0, 'X');
  if (x.shape.length !== 4) {
    ctx.fail(node, `its input has shape [${x.shape.join(', ')}]; only 2-D ${node.op_type} over [N, C, H, W] is supported`);
  }
  return x;
}

export const importConv: OnnxOpImporter = {
  attributes: ['auto_pad', 'dilations', 'group', 'kernel_shape', 'pads', 'strides'],
  inputs: { min: 2, max: 3 },
  import(ctx: ImportContext, node: NodeProto, attrs: NodeAttributes) {
    const name = ctx.nodeName(node);
    const fail = (m: string): never => ctx.fail(node, m);
    const x = imageInput(ctx, node);
    const w = ctx.floatConstant(node, 1, 'weight W');
    if (w.dims.length !== 4) fail(`the weight '${w.name}' must be [out, in/group, kH, kW], got [${w.dims.join(', ')}]`);
    const kernel: [number, number] = [w.dims[2]!, w.dims[3]!];
    const declared = attrs.ints('kernel_shape');
    if (declared && (declared.length !== 2 || declared[0] !== kernel[0] || declared[1] !== kernel[1])) {
      fail(`kernel_shape [${declared.join(', ')}] does not match the weight [${w.dims.join(', ')}]`);
    }
    const win = window2d(attrs, kernel, [x.shape[2]!, x.shape[3]!], fail);
    const group = attrs.int('group', 1);
    if (!Number.isInteger(group) || group < 1) fail(`group=${group} must be a positive integer`);
    const params: Record<string, Tensor> = { weight: ctx.tensor(w.data, w.dims) };
    const paramNames: Record<string, string> = { weight: ctx.paramName(w.name, name, 'weight') };
    if (node.input?.[2]) {
      const b = ctx.floatConstant(node, 2, 'bias B');
      if (b.data.length !== w.dims[0]) fail(`the bias '${b.name}' has ${b.data.length} values, the weight has ${w.dims[0]} output channels`);
      params.bias = ctx.tensor(b.data, [w.dims[0]!]);
      paramNames.bias = ctx.paramName(b.name, name, 'bias');
    }
    ctx.add(node, {
      type: 'Conv2d',
      inputs: [x.name],
      outputs: [mainOutput(ctx, node)],
      attrs: { stride: win.stride, padding: win.padding, dilation: win.dilation, groups: group },
      params,
      paramNames,
    });
  },
};

export const importMaxPool: OnnxOpImporter = {
  attributes: ['auto_pad', 'ceil_mode', 'dilations', 'kernel_shape', 'pads', 'storage_order', 'strides'],
  inputs: { min: 1, max: 1 },
  import(ctx: ImportContext, node: NodeProto, attrs: NodeAttributes) {
    const fail = (m: string): never => ctx.fail(node, m);
    const x = imageInput(ctx, node);
    attrs.requireInt('storage_order', 0, [0], 'only row-major indices (storage_order=0) are supported');
    requireExtraOutputsUnused(ctx, node, 'the arg-max Indices');
    const win = window2d(attrs, kernelShape(attrs, fail), [x.shape[2]!, x.shape[3]!], fail);
    requirePadsInsideKernel(win, fail);
    ctx.add(node, {
      type: 'MaxPool2d',
      inputs: [x.name],
      outputs: [mainOutput(ctx, node)],
      // ONNX strides default to 1, the IR's to the kernel: always write them out
      attrs: { kernel: win.kernel, stride: win.stride, padding: win.padding, dilation: win.dilation, ceilMode: attrs.int('ceil_mode', 0) !== 0 },
    });
  },
};

export const importAveragePool: OnnxOpImporter = {
  // 'dilations' arrived in opset 19, outside the supported range
  attributes: ['auto_pad', 'ceil_mode', 'count_include_pad', 'kernel_shape', 'pads', 'strides'],
  inputs: { min: 1, max: 1 },
  import(ctx: ImportContext, node: NodeProto, attrs: NodeAttributes) {
    const fail = (m: string): never => ctx.fail(node, m);
    const x = imageInput(ctx, node);
    const win = window2d(attrs, kernelShape(attrs, fail), [x.shape[2]!, x.shape[3]!], fail, { dilations: false });
    requirePadsInsideKernel(win, fail);
    ctx.add(node, {
      type: 'AvgPool2d',
      inputs: [x.name],
      outputs: [mainOutput(ctx, node)],
      attrs: {
        kernel: win.kernel,
        stride: win.stride,
        padding: win.padding,
        ceilMode: attrs.int('ceil_mode', 0) !== 0,
        // ONNX's default is 0, PyTorch's (and the IR's) is 1
        countIncludePad: attrs.int('count_include_pad', 0) !== 0,
      },
    });
  },
};

export const importGlobalAveragePool: OnnxOpImporter = {
  attributes: [],
  inputs: { min: 1, max: 1 },
  import(ctx: ImportContext, node: NodeProto) {
    const x = imageInput(ctx, node);
    ctx.add(node, { type: 'GlobalAveragePool', inputs: [x.name], outputs: [mainOutput(ctx, node)] });
  },
};
