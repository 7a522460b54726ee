/**
 * Plumbing shared by the gradient, path and sampling methods: input checks,
 * batch sizes, batched model outputs and batched target gradients.
 *
 * Gradients come back to the host as Float32Array and are combined there in
 * float64 (sums over steps or samples), so accumulated rounding stays small
 * and results do not depend on the batch size.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { BackwardOptions, Model } from '../../model/model.js';
import { batches, checkOptions, completeness, concatHost, oneHotSeed, positiveInteger, readFloat, resolveBatchSize as resolveRows, resolveTargets, sliceRows } from '../common.js';
import { AttributionError, type Attribution, type CommonOptions, type Target } from '../types.js';

/** Rows evaluated per forward/backward pass when `batchSize` is not given. */
export const DEFAULT_BATCH_SIZE = 256;

export function resolveBatchSize(method: string, batchSize: number | undefined): number {
  return resolveRows(method, batchSize, DEFAULT_BATCH_SIZE);
}

/** The input must be a live float32 tensor on the model's backend with at least one row. */
export function checkInput(method: string, model: Model, x: Tensor): void {
  if (x.isDisposed) throw new AttributionError(`${method}: the input tensor was already disposed`);
  if (x.backend !== model.be) throw new AttributionError(`${method}: the input lives on the ${x.backend.name} backend, the model on ${model.be.name}; move it with be.tensor(await x.read(), x.shape)`);
  if (x.dtype !== 'float32') throw new AttributionError(`${method}: the input must be float32, got ${x.dtype}`);
  if (x.rank < 2 || x.shape[0] === 0) throw new AttributionError(`${method}: the input must be [rows, ...features] with at least one row, got [${x.shape.join(', ')}]`);
}

export { concatHost, positiveInteger };

/** A finite non-negative number option (stdev, noiseLevel). */
export function nonNegative(method: string, name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new AttributionError(`${method}: ${name} must be a finite number >= 0, got ${value}`);
  return value;
}

/** The model's first output for every row, evaluated in batches (no tape). */
export async function modelOutputs(model: Model, x: Tensor, batchSize: number): Promise<{ outputs: Float32Array; width: number }> {
  const rows = x.shape[0]!;
  const parts: Float32Array[] = [];
  let width = 0;
  for (const [s, e] of batches(rows, batchSize)) {
    const xb = s === 0 && e === rows ? x : sliceRows(model.be, x, s, e);
    try {
      const y = model.predict(xb);
      width = y.size / (e - s);
      parts.push(await readFloat(y));
      y.dispose();
    } finally {
      if (xb !== x) xb.dispose();
    }
  }
  return { outputs: concatHost(parts), width };
}

/** Targets from a spec; 'argmax' uses `outputs` when given, else evaluates the model in batches. */
export async function targetsFor(model: Model, x: Tensor, target: Target | undefined, batchSize: number, outputs?: Float32Array): Promise<Int32Array> {
  const spec = target ?? 'argmax';
  if (spec === 'argmax' && !outputs) outputs = (await modelOutputs(model, x, batchSize)).outputs;
  return resolveTargets(model, x, spec, outputs);
}

export interface GradientResult {
  /** d output[r, target[r]] / d input, input-shaped. */
  gradient: Float32Array;
  /** The model's outputs, [rows, width]. */
  outputs: Float32Array;
  width: number;
  targets: Int32Array;
}

/**
 * One taped pass: gradient of sum_r output[r, target[r]] with respect to the
 * input (optionally with backward rules). 'argmax' targets are read from the
 * same forward pass, so the model runs once.
 */
export async function gradientOfTargets(model: Model, x: Tensor, targets: Int32Array | 'argmax', backward: BackwardOptions = {}): Promise<GradientResult> {
  const be = model.be;
  const pass = model.forward(x, { keep: backward.nodes ?? [] });
  try {
    const outputs = await readFloat(pass.output);
    const rows = x.shape[0]!;
    const width = pass.output.size / rows;
    const t = targets === 'argmax' ? await resolveTargets(model, x, 'argmax', outputs) : targets;
    const seed = be.scope(() => be.reshape(oneHotSeed(be, t, width), pass.output.shape));
    let g;
    try {
      g = model.backward(pass, seed, { ...backward, input: true });
    } finally {
      seed.dispose();
    }
    try {
      if (!g.input) throw new AttributionError('the model output does not depend on its input');
      return { gradient: await readFloat(g.input), outputs, width, targets: t };
    } finally {
      g.dispose();
    }
  } finally {
    pass.dispose();
  }
}

/**
 * gradientOfTargets over row batches of `batchSize`, concatenated on the host.
 * `targets` is one index per row of x, or 'argmax'.
 */
export async function batchedGradient(model: Model, x: Tensor, targets: Int32Array | 'argmax', batchSize: number, backward: BackwardOptions = {}): Promise<GradientResult> {
  const rows = x.shape[0]!;
  const grads: Float32Array[] = [];
  const outs: Float32Array[] = [];
  const tgs: Int32Array[] = [];
  let width = 0;
  for (const [s, e] of batches(rows, batchSize)) {
    const xb = s === 0 && e === rows ? x : sliceRows(model.be, x, s, e);
    try {
      const r = await gradientOfTargets(model, xb, targets === 'argmax' ? 'argmax' : targets.subarray(s, e), backward);
      grads.push(r.gradient);
      outs.push(r.outputs);
      tgs.push(r.targets);
      width = r.width;
    } finally {
      if (xb !== x) xb.dispose();
    }
  }
  const t = new Int32Array(rows);
  let at = 0;
  for (const p of tgs) {
    t.set(p, at);
    at += p.length;
  }
  return { gradient: concatHost(grads), outputs: concatHost(outs), width, targets: t };
}

/**
 * The target spec for a gradient pass: explicit targets are validated up
 * front (resolveTargets does not run the model for them); 'argmax' is
 * resolved inside each pass.
 */
export async function explicitTargetsOrArgmax(model: Model, x: Tensor, target: Target | undefined): Promise<Int32Array | 'argmax'> {
  const spec = target ?? 'argmax';
  return spec === 'argmax' ? 'argmax' : resolveTargets(model, x, spec);
}

/** Values per row of a [rows, ...] tensor. */
export function rowSize(x: Tensor): number {
  return x.size / x.shape[0]!;
}

/** A description of the target spec for Attribution.params. */
export function targetParam(target: Target | undefined): string | number | number[] {
  const spec = target ?? 'argmax';
  if (spec === 'argmax' || typeof spec === 'number') return spec;
  return Array.from(spec);
}

/**
 * The opening of every gradient method: its options checked against the names
 * it takes, the input checked, and the batch size resolved.
 */
export function openGradientMethod(method: string, model: Model, inputs: Tensor, options: CommonOptions, optionNames: readonly string[]): number {
  checkOptions(method, options, optionNames);
  checkInput(method, model, inputs);
  return resolveBatchSize(method, options.batchSize);
}

/** How a plain-gradient method differs from the others. */
export interface GradientMethodSpec {
  /** The options it takes (default: target and batchSize). */
  optionNames?: readonly string[];
  /** Backward rules (e.g. guided ReLU). */
  backward?: BackwardOptions;
  /** Parameters reported between target and batchSize. */
  params?: Record<string, unknown>;
  /** Turns the gradient into the attribution, in place. */
  finish?: (gradient: Float32Array) => void | Promise<void>;
}

/**
 * The body of the plain-gradient methods (saliency and its variants): check the
 * options and input, one batched gradient of the given targets (or each row's
 * argmax), then `finish` on the gradient.
 */
export async function gradientAttribution(method: string, model: Model, inputs: Tensor, options: CommonOptions, spec: GradientMethodSpec = {}): Promise<Attribution> {
  const batchSize = openGradientMethod(method, model, inputs, options, spec.optionNames ?? ['target', 'batchSize']);
  const targets = await explicitTargetsOrArgmax(model, inputs, options.target);
  const g = await batchedGradient(model, inputs, targets, batchSize, spec.backward ?? {});
  await spec.finish?.(g.gradient);
  return {
    method,
    params: { target: targetParam(options.target), ...spec.params, batchSize },
    targets: g.targets,
    values: g.gradient,
    shape: [...inputs.shape],
  };
}

/** A path method's result (integrated gradients, DeepLIFT): completeness of the row sums against f(x) - f(baseline). */
export function baselineDifferenceAttribution(
  method: string, params: Record<string, unknown>, targets: Int32Array, values: Float32Array, shape: readonly number[], expected: Float32Array,
): Attribution {
  return { method, params, targets, values, shape: [...shape], completeness: completeness(values, shape[0]!, expected, 'f(x) - f(baseline)') };
}
