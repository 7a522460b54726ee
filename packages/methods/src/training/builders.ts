/**
 * Model builders for studies that train their own networks: an MLP and a small
 * CNN as `sequential` models, initialised from a seeded generator, with the
 * layer names PyTorch users expect (fc1, relu1, fc2, ...; conv1, relu1, pool1, ...),
 * so parameters are called `fc1.weight`, `conv2.bias`, ...
 */
import { Generator, type Backend } from '@relevance/core-wasm';
import type { Model } from '../model/model.js';
import type { Attrs } from '../model/op.js';
import { ModelError } from '../model/op.js';
import { sequential, type LayerSpec } from '../model/sequential.js';
import { initLayer, resolveInit, type InitName, type Nonlinearity } from './initializers.js';

export type Activation = 'relu' | 'tanh' | 'sigmoid' | 'leaky_relu';
export type OutputActivation = Activation | 'softmax' | 'log_softmax';

/**
 * 'auto': Kaiming for ReLU-family networks, Xavier (with the activation's gain)
 * for tanh/sigmoid ones. 'torch_default': what nn.Linear / nn.Conv2d do.
 */
export type InitChoice = InitName | 'glorot_uniform' | 'glorot_normal' | 'he_uniform' | 'he_normal' | 'auto';

interface CommonOptions {
  /** Hidden activation (default 'relu'). */
  activation?: Activation;
  /** Negative slope of 'leaky_relu' (default 0.01). */
  leakySlope?: number;
  /** Initialiser of the weights (default 'auto'); biases are zero except with 'torch_default'. */
  init?: InitChoice;
  /** Randomness for the initial weights: a seed, or a generator (whose stream is consumed). One is required. */
  seed?: number | bigint;
  generator?: Generator;
  /** Dropout probability after each hidden activation (active in training mode only; default none). */
  dropout?: number;
  /** Activation after the last layer (default none: raw outputs / logits). */
  outputActivation?: OutputActivation;
  /** Node names, one per layer in order, replacing the defaults (e.g. ['0', '1', '2'] for nn.Sequential). */
  names?: readonly string[];
}

export interface MlpOptions extends CommonOptions {
  inputs: number;
  hidden: readonly number[];
  outputs: number;
}

export interface ConvBlockSpec {
  channels: number;
  /** Square kernel size (default 3). */
  kernel?: number;
  stride?: number;
  /** Zero padding per side; 'same' (default) is floor(kernel / 2), which keeps the size at stride 1 and odd kernels. */
  padding?: number | 'same';
  /** Pooling after the activation (default 'max'). */
  pool?: 'max' | 'avg' | 'none';
  /** Pooling window and stride (default 2). */
  poolSize?: number;
}

export interface CnnOptions extends CommonOptions {
  /** One sample's shape: [channels, height, width]. */
  input: readonly [number, number, number];
  /** Convolution blocks (conv, activation, pooling); a number is a block with that many channels and the defaults. */
  conv: ReadonlyArray<ConvBlockSpec | number>;
  /** Hidden widths of the dense head (default none: one linear layer to the outputs). */
  hidden?: readonly number[];
  outputs: number;
  /** Average over space before the head (GlobalAveragePool) instead of flattening. */
  globalPool?: boolean;
}

const ACTIVATION_TYPE: Record<OutputActivation, string> = {
  relu: 'ReLU', tanh: 'Tanh', sigmoid: 'Sigmoid', leaky_relu: 'LeakyReLU', softmax: 'Softmax', log_softmax: 'LogSoftmax',
};

function positiveInt(builder: string, what: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new ModelError(`${builder}: ${what} must be a positive integer, got ${v}`);
}

function generatorOf(builder: string, o: CommonOptions): Generator {
  if (o.generator) return o.generator;
  if (o.seed !== undefined) return new Generator(o.seed);
  throw new ModelError(`${builder}: pass a seed or a generator for the initial weights (randomness is always explicit)`);
}

/** The concrete initialiser and whether Xavier takes the activation's gain. */
function initPlan(o: CommonOptions): { init: InitName; xavierGain: boolean } {
  const activation = o.activation ?? 'relu';
  const choice = o.init ?? 'auto';
  if (choice === 'auto') {
    const reluFamily = activation === 'relu' || activation === 'leaky_relu';
    return { init: reluFamily ? 'kaiming_uniform' : 'xavier_uniform', xavierGain: !reluFamily };
  }
  return { init: resolveInit(choice), xavierGain: false };
}

function activationLayer(kind: OutputActivation, name: string, slope: number): LayerSpec {
  const attrs: Attrs | undefined = kind === 'leaky_relu' ? { alpha: slope } : kind === 'softmax' || kind === 'log_softmax' ? { axis: -1 } : undefined;
  return { type: ACTIVATION_TYPE[kind], name, attrs };
}

function checkDropout(builder: string, p: number | undefined): void {
  if (p !== undefined && !(p >= 0 && p < 1)) throw new ModelError(`${builder}: dropout must lie in [0, 1), got ${p}`);
}

/** Apply `names` (if given) and build the model. */
function build(be: Backend, builder: string, inputShape: readonly number[], layers: LayerSpec[], names: readonly string[] | undefined): Model {
  if (names) {
    if (names.length !== layers.length) {
      for (const l of layers) for (const t of Object.values(l.params ?? {})) t.dispose();
      throw new ModelError(`${builder}: names has ${names.length} entries but the model has ${layers.length} layers (${layers.map((l) => l.name).join(', ')})`);
    }
    layers = layers.map((l, i) => ({ ...l, name: names[i]! }));
  }
  try {
    return sequential(be, inputShape, layers);
  } catch (e) {
    for (const l of layers) for (const t of Object.values(l.params ?? {})) t.dispose();
    throw e;
  }
}

/** Dense layers and their activations from `inFeatures` to `outputs`; activation numbering continues after `activationIndex`. */
function denseStack(
  be: Backend, builder: string, o: CommonOptions, generator: Generator, inFeatures: number, hidden: readonly number[], outputs: number,
  layers: LayerSpec[], activationIndex: number,
): void {
  const activation = o.activation ?? 'relu';
  const slope = o.leakySlope ?? 0.01;
  const { init, xavierGain } = initPlan(o);
  const widths = [...hidden, outputs];
  let fanIn = inFeatures;
  widths.forEach((width, i) => {
    positiveInt(builder, i < hidden.length ? `hidden[${i}]` : 'outputs', width);
    const last = i === widths.length - 1;
    // the gain follows the nonlinearity after this layer; the output layer is linear
    const nonlinearity: Nonlinearity = last ? (o.outputActivation === 'tanh' || o.outputActivation === 'sigmoid' ? o.outputActivation : 'linear') : activation;
    const { weight, bias } = initLayer(be, init, [width, fanIn], generator, { nonlinearity, slope, xavierGain });
    layers.push({ type: 'Dense', name: `fc${i + 1}`, params: { weight, bias: bias! } });
    if (!last) {
      activationIndex++;
      layers.push(activationLayer(activation, `${activation}${activationIndex}`, slope));
      if (o.dropout) layers.push({ type: 'Dropout', name: `dropout${activationIndex}`, attrs: { ratio: o.dropout } });
    }
    fanIn = width;
  });
  if (o.outputActivation) layers.push(activationLayer(o.outputActivation, o.outputActivation, slope));
}

/** A multilayer perceptron [batch, inputs] -> [batch, outputs]: fc1, relu1, fc2, relu2, ..., fcN. */
export function mlp(be: Backend, options: MlpOptions): Model {
  const builder = 'mlp';
  positiveInt(builder, 'inputs', options.inputs);
  checkDropout(builder, options.dropout);
  const generator = generatorOf(builder, options);
  const layers: LayerSpec[] = [];
  try {
    denseStack(be, builder, options, generator, options.inputs, options.hidden, options.outputs, layers, 0);
  } catch (e) {
    for (const l of layers) for (const t of Object.values(l.params ?? {})) t.dispose();
    throw e;
  }
  return build(be, builder, [-1, options.inputs], layers, options.names);
}

/**
 * A CNN [batch, C, H, W] -> [batch, outputs]: conv blocks (conv1, relu1, pool1, ...),
 * then flatten (or global average pooling) and a dense head (fc1, relu_k, ..., fcN).
 */
export function cnn(be: Backend, options: CnnOptions): Model {
  const builder = 'cnn';
  const [c0, h0, w0] = options.input;
  for (const [what, v] of [['input channels', c0], ['input height', h0], ['input width', w0]] as const) positiveInt(builder, what, v);
  checkDropout(builder, options.dropout);
  const generator = generatorOf(builder, options);
  const activation = options.activation ?? 'relu';
  const slope = options.leakySlope ?? 0.01;
  const { init, xavierGain } = initPlan(options);
  const layers: LayerSpec[] = [];
  let [channels, height, width] = [c0, h0, w0];
  try {
    options.conv.forEach((spec, i) => {
      const block: ConvBlockSpec = typeof spec === 'number' ? { channels: spec } : spec;
      const kernel = block.kernel ?? 3;
      const stride = block.stride ?? 1;
      const padding = block.padding === undefined || block.padding === 'same' ? Math.floor(kernel / 2) : block.padding;
      positiveInt(builder, `conv[${i}].channels`, block.channels);
      positiveInt(builder, `conv[${i}].kernel`, kernel);
      positiveInt(builder, `conv[${i}].stride`, stride);
      const k = i + 1;
      const { weight, bias } = initLayer(be, init, [block.channels, channels, kernel, kernel], generator, { nonlinearity: activation, slope, xavierGain });
      layers.push({ type: 'Conv2d', name: `conv${k}`, attrs: { stride: [stride, stride], padding: [padding, padding, padding, padding] }, params: { weight, bias: bias! } });
      layers.push(activationLayer(activation, `${activation}${k}`, slope));
      height = Math.floor((height + 2 * padding - kernel) / stride) + 1;
      width = Math.floor((width + 2 * padding - kernel) / stride) + 1;
      const pool = block.pool ?? 'max';
      if (pool !== 'none') {
        const size = block.poolSize ?? 2;
        positiveInt(builder, `conv[${i}].poolSize`, size);
        layers.push({ type: pool === 'max' ? 'MaxPool2d' : 'AvgPool2d', name: `pool${k}`, attrs: { kernel: [size, size], stride: [size, size] } });
        height = Math.floor((height - size) / size) + 1;
        width = Math.floor((width - size) / size) + 1;
      }
      if (height < 1 || width < 1) {
        throw new ModelError(`${builder}: the input [${options.input.join(', ')}] shrinks to nothing at conv block ${k}; use padding, smaller kernels or fewer pooling layers`);
      }
      channels = block.channels;
    });
    let features: number;
    if (options.globalPool) {
      layers.push({ type: 'GlobalAveragePool', name: 'gap' });
      features = channels;
    } else features = channels * height * width;
    layers.push({ type: 'Flatten', name: 'flatten', attrs: { axis: 1 } });
    denseStack(be, builder, options, generator, features, options.hidden ?? [], options.outputs, layers, options.conv.length);
  } catch (e) {
    for (const l of layers) for (const t of Object.values(l.params ?? {})) t.dispose();
    throw e;
  }
  return build(be, builder, [-1, c0, h0, w0], layers, options.names);
}
