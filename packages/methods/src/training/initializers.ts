/**
 * Weight initialisers drawn on the device from the seeded generator
 * (bit-identical on every backend for one generator state), with PyTorch's
 * formulas (torch.nn.init): fans, gains, Xavier/Glorot, He/Kaiming, and
 * nn.Linear / nn.Conv2d's default initialisation.
 */
import type { Backend, Generator, Shape, Tensor } from '@relevance/core-wasm';
import { ModelError } from '../model/op.js';

export type Nonlinearity = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu';

export type InitName =
  | 'xavier_uniform' | 'xavier_normal'
  | 'kaiming_uniform' | 'kaiming_normal'
  /** PyTorch's default for nn.Linear / nn.Conv2d: weight and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
  | 'torch_default';

/** Aliases some users know the initialisers by. */
export const INIT_ALIASES: Readonly<Record<string, InitName>> = {
  glorot_uniform: 'xavier_uniform',
  glorot_normal: 'xavier_normal',
  he_uniform: 'kaiming_uniform',
  he_normal: 'kaiming_normal',
};

/** fan_in = shape[1] * receptive field, fan_out = shape[0] * receptive field (torch's _calculate_fan_in_and_fan_out). */
export function fans(shape: Shape): { fanIn: number; fanOut: number } {
  if (shape.length < 2) throw new ModelError(`fans: need a weight of rank >= 2, got [${shape.join(', ')}]`);
  let receptive = 1;
  for (let d = 2; d < shape.length; d++) receptive *= shape[d]!;
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

/** torch.nn.init.calculate_gain. `slope` is leaky ReLU's negative slope (default 0.01). */
export function gain(nonlinearity: Nonlinearity, slope = 0.01): number {
  switch (nonlinearity) {
    case 'linear':
    case 'sigmoid': return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leaky_relu': return Math.sqrt(2 / (1 + slope * slope));
    default: throw new ModelError(`gain: unknown nonlinearity '${String(nonlinearity)}'`);
  }
}

/** U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)). */
export function xavierUniform(be: Backend, shape: Shape, generator: Generator, gainValue = 1): Tensor {
  const { fanIn, fanOut } = fans(shape);
  const bound = gainValue * Math.sqrt(6 / (fanIn + fanOut));
  return be.randomUniform(shape, generator, -bound, bound);
}

/** N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)). */
export function xavierNormal(be: Backend, shape: Shape, generator: Generator, gainValue = 1): Tensor {
  const { fanIn, fanOut } = fans(shape);
  return be.randomNormal(shape, generator, 0, gainValue * Math.sqrt(2 / (fanIn + fanOut)));
}

export interface KaimingOptions {
  /** The nonlinearity after the layer (default 'relu'). */
  nonlinearity?: Nonlinearity;
  /** Negative slope for 'leaky_relu' (PyTorch's `a`, default 0.01). */
  slope?: number;
  /** Preserve the variance of the forward pass (fan_in, default) or of the backward pass (fan_out). */
  mode?: 'fan_in' | 'fan_out';
}

function kaimingStd(shape: Shape, options: KaimingOptions): number {
  const f = fans(shape);
  const fan = (options.mode ?? 'fan_in') === 'fan_in' ? f.fanIn : f.fanOut;
  return gain(options.nonlinearity ?? 'relu', options.slope ?? 0.01) / Math.sqrt(fan);
}

/** U(-b, b) with b = gain * sqrt(3 / fan). */
export function kaimingUniform(be: Backend, shape: Shape, generator: Generator, options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(shape, options);
  return be.randomUniform(shape, generator, -bound, bound);
}

/** N(0, std^2) with std = gain / sqrt(fan). */
export function kaimingNormal(be: Backend, shape: Shape, generator: Generator, options: KaimingOptions = {}): Tensor {
  return be.randomNormal(shape, generator, 0, kaimingStd(shape, options));
}

/**
 * nn.Linear / nn.Conv2d's reset_parameters: kaiming_uniform(a = sqrt(5)) for the
 * weight, which is U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the same bound for the bias.
 */
export function torchDefaultWeight(be: Backend, shape: Shape, generator: Generator): Tensor {
  return kaimingUniform(be, shape, generator, { nonlinearity: 'leaky_relu', slope: Math.sqrt(5) });
}

export function torchDefaultBias(be: Backend, weightShape: Shape, generator: Generator): Tensor {
  const { fanIn } = fans(weightShape);
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  return be.randomUniform([weightShape[0]!], generator, -bound, bound);
}

export function resolveInit(name: string): InitName {
  const canonical = INIT_ALIASES[name] ?? name;
  if (!['xavier_uniform', 'xavier_normal', 'kaiming_uniform', 'kaiming_normal', 'torch_default'].includes(canonical)) {
    throw new ModelError(`unknown initialiser '${name}'; choose xavier_uniform, xavier_normal, kaiming_uniform, kaiming_normal or torch_default (aliases: ${Object.keys(INIT_ALIASES).join(', ')})`);
  }
  return canonical as InitName;
}

/**
 * Weight and bias of one layer (weight [out, in, ...]). `nonlinearity` is the
 * activation after the layer: it sets the gain (Kaiming always, Xavier when
 * `xavierGain` is true). Biases are zero except for 'torch_default'.
 */
export function initLayer(
  be: Backend,
  init: InitName,
  weightShape: Shape,
  generator: Generator,
  options: { nonlinearity?: Nonlinearity; slope?: number; bias?: boolean; xavierGain?: boolean } = {},
): { weight: Tensor; bias: Tensor | null } {
  const nonlinearity = options.nonlinearity ?? 'linear';
  const g = gain(nonlinearity, options.slope ?? 0.01);
  let weight: Tensor;
  switch (init) {
    case 'xavier_uniform': weight = xavierUniform(be, weightShape, generator, options.xavierGain ? g : 1); break;
    case 'xavier_normal': weight = xavierNormal(be, weightShape, generator, options.xavierGain ? g : 1); break;
    case 'kaiming_uniform': weight = kaimingUniform(be, weightShape, generator, { nonlinearity, slope: options.slope }); break;
    case 'kaiming_normal': weight = kaimingNormal(be, weightShape, generator, { nonlinearity, slope: options.slope }); break;
    case 'torch_default': weight = torchDefaultWeight(be, weightShape, generator); break;
  }
  if (options.bias === false) return { weight, bias: null };
  const bias = init === 'torch_default' ? torchDefaultBias(be, weightShape, generator) : be.zeros([weightShape[0]!]);
  return { weight, bias };
}
