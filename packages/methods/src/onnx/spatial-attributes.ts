/**
 * The 2-D window attributes shared by Conv, MaxPool and AveragePool
 * (kernel_shape, strides, dilations, pads, auto_pad), resolved to explicit
 * [top, left, bottom, right] padding. auto_pad SAME_* needs the input's
 * spatial size, which the importer knows from shape inference.
 */
import type { NodeAttributes } from './onnx-attributes.js';

export interface Window2d {
  kernel: [number, number];
  stride: [number, number];
  dilation: [number, number];
  /** [top, left, bottom, right], the IR's order (ONNX pads are [x1_begin, x2_begin, x1_end, x2_end], the same). */
  padding: [number, number, number, number];
}

function pair(values: number[] | undefined, dflt: number, name: string, fail: (m: string) => never): [number, number] {
  if (!values) return [dflt, dflt];
  if (values.length !== 2) fail(`attribute '${name}' must have 2 values for a 2-D window, got [${values.join(', ')}]`);
  if (values.some((v) => !Number.isInteger(v) || v < 1)) fail(`attribute '${name}' must be positive integers, got [${values.join(', ')}]`);
  return [values[0]!, values[1]!];
}

/** Total SAME padding along one axis, split as ONNX says: the odd pixel goes at the end (UPPER) or the beginning (LOWER). */
function samePadding(size: number, kernel: number, stride: number, dilation: number, upper: boolean): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max(0, (out - 1) * stride + (kernel - 1) * dilation + 1 - size);
  const small = Math.floor(total / 2);
  return upper ? [small, total - small] : [total - small, small];
}

/**
 * Read the window of a 2-D Conv or pool. `kernel` comes from the weight for
 * Conv (kernel_shape, when given, must agree) and from kernel_shape for pools.
 * `spatial` is the input's [H, W] (-1 where unknown).
 */
export function window2d(
  attrs: NodeAttributes,
  kernel: [number, number],
  spatial: readonly [number, number],
  fail: (message: string) => never,
  options: { dilations?: boolean } = {},
): Window2d {
  const stride = pair(attrs.ints('strides'), 1, 'strides', fail);
  const dilation = options.dilations === false ? ([1, 1] as [number, number]) : pair(attrs.ints('dilations'), 1, 'dilations', fail);
  const autoPad = attrs.string('auto_pad', 'NOTSET');
  let padding: [number, number, number, number];
  switch (autoPad) {
    case 'NOTSET': {
      const pads = attrs.ints('pads') ?? [0, 0, 0, 0];
      if (pads.length !== 4) fail(`attribute 'pads' must have 4 values [top, left, bottom, right] for a 2-D window, got [${pads.join(', ')}]`);
      if (pads.some((p) => !Number.isInteger(p) || p < 0)) fail(`attribute 'pads' must be non-negative integers, got [${pads.join(', ')}]`);
      padding = [pads[0]!, pads[1]!, pads[2]!, pads[3]!];
      break;
    }
    case 'VALID':
      padding = [0, 0, 0, 0];
      break;
    case 'SAME_UPPER':
    case 'SAME_LOWER': {
      if (attrs.has('pads')) fail(`attribute 'pads' cannot be combined with auto_pad=${autoPad}`);
      if (spatial[0] < 0 || spatial[1] < 0) {
        fail(`auto_pad=${autoPad} needs the input's height and width, which are not known ([${spatial.join(', ')}]); export with fixed spatial sizes or explicit pads`);
      }
      const upper = autoPad === 'SAME_UPPER';
      const [top, bottom] = samePadding(spatial[0], kernel[0], stride[0], dilation[0], upper);
      const [left, right] = samePadding(spatial[1], kernel[1], stride[1], dilation[1], upper);
      padding = [top, left, bottom, right];
      break;
    }
    default:
      fail(`auto_pad='${autoPad}' is not supported; supported: NOTSET, VALID, SAME_UPPER, SAME_LOWER`);
  }
  return { kernel, stride, dilation, padding };
}

/** Pools: padding must stay smaller than the window (ONNX and PyTorch both require it). */
export function requirePadsInsideKernel(win: Window2d, fail: (message: string) => never): void {
  const [t, l, b, r] = win.padding;
  if (t >= win.kernel[0] || b >= win.kernel[0] || l >= win.kernel[1] || r >= win.kernel[1]) {
    fail(`pads [${win.padding.join(', ')}] must be smaller than the kernel [${win.kernel.join(', ')}]`);
  }
}

/** kernel_shape as a pair (pools: required). */
export function kernelShape(attrs: NodeAttributes, fail: (message: string) => never): [number, number] {
  const k = attrs.ints('kernel_shape');
  if (!k) fail(`attribute 'kernel_shape' is required`);
  return pair(k, 1, 'kernel_shape', fail);
}
