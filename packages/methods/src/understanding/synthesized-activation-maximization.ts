/**
 * Synthesized activation maximization (Erhan et al. 2009; Simonyan et al.
 * 2014; Montavon, Samek & Mueller 2018, section 3): gradient ascent on the
 * input x for a class output or a hidden unit,
 *   L2 prior:      max_x  z(x) - lambda |x|^2
 *   density prior: max_x  z(x) + lambda log p(x),  p = N(mu, Sigma) fitted to
 *                  the data (shrunk covariance, see gaussian-prior.ts),
 * started from the data mean or the mean of one class. z is the unit's
 * activation (a channel's mean over its spatial positions); its gradient
 * comes from `Model.backward` seeded at that unit of the model truncated at
 * the layer. Returns the prototype and the objective after every step.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { Model } from '../model/model.js';
import { fitGaussianPrior, type GaussianPrior } from './gaussian-prior.js';
import { UnderstandingError } from './layer-features.js';
import { modelUpTo } from './truncate-model.js';

export interface SynthesisOptions {
  /** The layer (default: the model output, i.e. a class logit). */
  layer?: string;
  /** The unit, channel or class index. */
  unit: number;
  /** Data rows [n, ...input]: the start point and the density prior come from them. */
  data?: Tensor;
  /** One class label per data row, for start 'class-mean'. */
  labels?: ArrayLike<number>;
  /** 'data-mean' (default when data is given), 'class-mean' (the mean of the rows labelled `startClass`, default `unit`), 'zeros', or a start row. */
  start?: 'data-mean' | 'class-mean' | 'zeros' | Float32Array;
  startClass?: number;
  /** 'l2' (default), 'density' (needs data) or 'none'. */
  prior?: 'l2' | 'density' | 'none';
  /** Weight of the prior (default 0.05). */
  lambda?: number;
  /** Density prior: covariance shrinkage in [0, 1] or 'ledoit-wolf' (default). */
  shrinkage?: number | 'ledoit-wolf';
  /** Gradient-ascent steps (default 200) and step size (default 0.1). */
  steps?: number;
  learningRate?: number;
  /** Clip every input value to [low, high] after each step. */
  bounds?: readonly [number, number];
}

export interface SynthesisResult {
  /** The synthesized input, shaped like one input row. */
  prototype: Float32Array;
  shape: number[];
  layer: string;
  unit: number;
  /** z(x) - lambda R(x) before each step and after the last (steps + 1 values). */
  objective: Float64Array;
  /** z(x) alone at the same points. */
  activation: Float64Array;
  prior: 'l2' | 'density' | 'none';
  /** Shrinkage used by the density prior. */
  shrinkage?: number;
}

/** z(x), the unit's mean over its positions, and (when asked) its gradient d z / d x through `seed`. */
function unitActivation(
  sub: Model, x: Float32Array, rowShape: number[], seed: Float32Array, unit: number, positions: number, withGradient: boolean,
): Promise<{ z: number; grad: Float32Array | null }> {
  const be = sub.be;
  return be.asyncScope(async () => {
    const input = be.tensor(x, [1, ...rowShape]);
    const pass = sub.forward(input);
    try {
      const out = (await pass.output.read()) as Float32Array;
      let zValue = 0;
      for (let q = 0; q < positions; q++) zValue += out[unit * positions + q]! / positions;
      if (!withGradient) return { z: zValue, grad: null };
      const g = sub.backward(pass, be.tensor(seed, pass.output.shape));
      try {
        return { z: zValue, grad: (await g.input!.read()) as Float32Array };
      } finally {
        g.dispose();
      }
    } finally {
      pass.dispose();
    }
  });
}

/** R(x) of the prior, its ascent direction -dR/dx written into `priorGrad` (untouched for 'none'). */
function priorPenalty(prior: SynthesisResult['prior'], gaussian: GaussianPrior | null, x: Float32Array, priorGrad: Float64Array): number {
  let penalty = 0;
  if (prior === 'l2') {
    for (let j = 0; j < x.length; j++) {
      penalty += x[j]! * x[j]!;
      priorGrad[j] = -2 * x[j]!;
    }
  } else if (gaussian) {
    penalty = -gaussian.logDensity(x);
    gaussian.gradient(x, priorGrad);
  }
  return penalty;
}

export async function synthesizeActivation(model: Model, options: SynthesisOptions): Promise<SynthesisResult> {
  const be = model.be;
  const layer = options.layer ?? model.node(model.outputs[0]!).name;
  const rowShape = model.inputs[0]!.shape.slice(1);
  if (rowShape.some((d) => d < 0)) throw new UnderstandingError(`synthesizeActivation: the model's input shape [${model.inputs[0]!.shape.join(', ')}] must be known apart from the batch`);
  const p = rowShape.reduce((a, b) => a * b, 1);
  const sub = modelUpTo(model, layer);
  const outShape = sub.valueShapes.get(sub.outputs[0]!)!;
  const channels = outShape[1] ?? 1;
  const positions = outShape.slice(2).reduce((a, b) => a * b, 1);
  if (!Number.isInteger(options.unit) || options.unit < 0 || options.unit >= channels) {
    throw new UnderstandingError(`synthesizeActivation: unit ${options.unit} is out of range; layer '${layer}' has ${channels} units (0 to ${channels - 1})`);
  }
  const steps = options.steps ?? 200;
  const lr = options.learningRate ?? 0.1;
  const lambda = options.lambda ?? 0.05;
  const prior = options.prior ?? 'l2';
  let data: Float32Array | null = null;
  let rows = 0;
  if (options.data) {
    if (options.data.size % p !== 0 || options.data.shape.slice(1).reduce((a, b) => a * b, 1) !== p) throw new UnderstandingError(`synthesizeActivation: data rows [${options.data.shape.slice(1).join(', ')}] do not match the model input [${rowShape.join(', ')}]`);
    data = (await options.data.read()) as Float32Array;
    rows = options.data.shape[0]!;
  }
  const x = startPoint(options, data, rows, p);
  let gaussian: GaussianPrior | null = null;
  if (prior === 'density') {
    if (!data) throw new UnderstandingError("synthesizeActivation: the density prior needs `data` to fit the Gaussian");
    gaussian = await fitGaussianPrior(be, data, rows, p, options.shrinkage ?? 'ledoit-wolf');
  } else if (prior !== 'l2' && prior !== 'none') throw new UnderstandingError(`synthesizeActivation: prior must be 'l2', 'density' or 'none', got '${String(prior)}'`);

  // the seed: d z / d output, 1/P at the unit's positions
  const seed = new Float32Array(channels * positions);
  for (let q = 0; q < positions; q++) seed[options.unit * positions + q] = 1 / positions;
  const objective = new Float64Array(steps + 1);
  const activation = new Float64Array(steps + 1);
  const priorGrad = new Float64Array(p);
  try {
    for (let step = 0; step <= steps; step++) {
      const { z, grad } = await unitActivation(sub, x, rowShape, seed, options.unit, positions, step < steps);
      const penalty = priorPenalty(prior, gaussian, x, priorGrad);
      activation[step] = z;
      objective[step] = z - lambda * penalty;
      if (!grad) break;
      for (let j = 0; j < p; j++) {
        let v = x[j]! + lr * (grad[j]! + (prior === 'none' ? 0 : lambda * priorGrad[j]!));
        if (options.bounds) v = Math.min(options.bounds[1], Math.max(options.bounds[0], v));
        x[j] = v;
      }
    }
  } finally {
    if (sub !== model) sub.dispose();
  }
  return {
    prototype: x,
    shape: [...rowShape],
    layer: model.node(layer).name,
    unit: options.unit,
    objective,
    activation,
    prior,
    ...(gaussian ? { shrinkage: gaussian.shrinkage } : {}),
  };
}

function startPoint(options: SynthesisOptions, data: Float32Array | null, rows: number, p: number): Float32Array {
  const start = options.start ?? (data ? 'data-mean' : 'zeros');
  if (start instanceof Float32Array) {
    if (start.length !== p) throw new UnderstandingError(`synthesizeActivation: the start row has ${start.length} values; the model input has ${p}`);
    return Float32Array.from(start);
  }
  if (start === 'zeros') return new Float32Array(p);
  if (!data) throw new UnderstandingError(`synthesizeActivation: start '${start}' needs \`data\``);
  let include: (r: number) => boolean = () => true;
  if (start === 'class-mean') {
    const labels = options.labels;
    if (!labels || labels.length !== rows) throw new UnderstandingError(`synthesizeActivation: start 'class-mean' needs one label per data row (${rows})`);
    const cls = options.startClass ?? options.unit;
    include = (r) => labels[r] === cls;
  } else if (start !== 'data-mean') throw new UnderstandingError(`synthesizeActivation: start must be 'data-mean', 'class-mean', 'zeros' or a row, got '${String(start)}'`);
  const mean = new Float64Array(p);
  let count = 0;
  for (let r = 0; r < rows; r++) {
    if (!include(r)) continue;
    count++;
    for (let j = 0; j < p; j++) mean[j]! += data[r * p + j]!;
  }
  if (count === 0) throw new UnderstandingError(`synthesizeActivation: no data row has label ${options.startClass ?? options.unit}`);
  return Float32Array.from(mean, (v) => v / count);
}
