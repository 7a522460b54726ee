/** Shared plumbing of the attribution methods: targets, one-hot seeds, batching, completeness. */
import type { Backend, Tensor } from '@relevance/core-wasm';
import type { BackwardOptions, Model } from '../model/model.js';
import { argmaxRows, targetList } from '../util/argmax.js';
import { AttributionError, type Completeness, type Target } from './types.js';

/**
 * A positive integer option (steps, samples, batchSize, ...): the value or the
 * default, checked; the error (AttributionError unless given) names the owner and the option.
 */
export function positiveInteger(owner: string, name: string, value: number | undefined, dflt: number, error: new (message: string) => Error = AttributionError): number {
  const v = value ?? dflt;
  if (!Number.isInteger(v) || v < 1) throw new error(`${owner}: ${name} must be a positive integer, got ${value}`);
  return v;
}

/** Rows per internal batch: the option, checked, or the method's default. */
export function resolveBatchSize(method: string, batchSize: number | undefined, dflt: number): number {
  if (batchSize === undefined) return dflt;
  return positiveInteger(method, 'batchSize', batchSize, dflt);
}

/** Read a float tensor to the host. */
export async function readFloat(t: Tensor): Promise<Float32Array> {
  return (await t.read()) as Float32Array;
}

/** Number of outputs per row of the model's first output. */
export function outputWidth(model: Model): number {
  const shape = model.valueShapes.get(model.outputs[0]!)!;
  const w = shape.slice(1).reduce((p, d) => p * d, 1);
  return w;
}

/**
 * Resolve a target spec to one index per row. 'argmax' runs the model once.
 * Errors name the row and the valid range.
 */
export async function resolveTargets(model: Model, x: Tensor, target: Target | undefined, outputs?: Float32Array): Promise<Int32Array> {
  const rows = x.shape[0]!;
  const spec = target ?? 'argmax';
  let width = outputWidth(model);
  if (spec === 'argmax') {
    let out = outputs;
    if (!out) {
      const y = model.predict(x);
      width = y.size / rows;
      out = await readFloat(y);
      y.dispose();
    }
    return argmaxRows(out, rows, width);
  }
  return targetList(spec, rows, width, {
    count: (n) => new AttributionError(`target: ${n} targets for ${rows} input rows; give one per row, one number for all, or 'argmax'`),
    range: (t, r) => new AttributionError(`target ${t} (row ${r}) is out of range: the model has ${width} outputs (0 to ${width - 1})`),
  });
}

/** [rows, width] one-hot at the targets, optionally scaled per row. */
export function oneHotSeed(be: Backend, targets: Int32Array, width: number, scale?: Float32Array): Tensor {
  if (!scale) {
    // built on the backend: no host array of rows x width per pass
    const indices = be.tensor(targets);
    try {
      return be.oneHot(indices, width);
    } finally {
      indices.dispose();
    }
  }
  const seed = new Float32Array(targets.length * width);
  targets.forEach((t, r) => {
    seed[r * width + t] = scale ? scale[r]! : 1;
  });
  return be.tensor(seed, [targets.length, width]);
}

/** Value of output[row, target[row]] for every row. */
export function pick(outputs: Float32Array, targets: Int32Array, width: number): Float32Array {
  return Float32Array.from(targets, (t, r) => outputs[r * width + t]!);
}

/**
 * Gradient of sum_r output[r, target[r]] (times `seedScale[r]` if given) with
 * respect to the input, or to a layer when `options.stopAt`/`nodes` name one.
 * Returns host values plus the model's outputs. Rules (LRP, guided backprop...) go in `backward.rules`.
 */
export async function targetGradient(
  model: Model,
  x: Tensor,
  targets: Int32Array,
  backward: BackwardOptions = {},
  seedScale?: (outputs: Float32Array) => Float32Array,
): Promise<{ input: Float32Array | null; nodes: Map<string, Float32Array>; outputs: Float32Array }> {
  const be = model.be;
  const pass = model.forward(x, { keep: backward.nodes ?? [] });
  try {
    const outputs = await readFloat(pass.output);
    const width = pass.output.size / x.shape[0]!;
    const seed = oneHotSeed(be, targets, width, seedScale?.(pick(outputs, targets, width)));
    const seedShaped = be.reshape(seed, pass.output.shape);
    seed.dispose();
    const g = model.backward(pass, seedShaped, backward);
    seedShaped.dispose();
    try {
      const nodes = new Map<string, Float32Array>();
      for (const [k, t] of g.nodes) nodes.set(k, await readFloat(t));
      return { input: g.input ? await readFloat(g.input) : null, nodes, outputs };
    } finally {
      g.dispose();
    }
  } finally {
    pass.dispose();
  }
}

/** Row ranges [start, end) of at most `size` rows. */
export function* batches(rows: number, size: number | undefined): Generator<[number, number]> {
  const step = Math.max(1, Math.floor(size ?? rows));
  for (let s = 0; s < rows; s += step) yield [s, Math.min(rows, s + step)];
}

/** Rows [start, end) of a tensor as a new tensor. */
export function sliceRows(be: Backend, x: Tensor, start: number, end: number): Tensor {
  return be.slice(x, x.shape.map((_, d) => (d === 0 ? start : 0)), x.shape.map((n, d) => (d === 0 ? end : n)));
}

/** The sum of each of `rows` equal rows of `values`, in float64, left to right. */
export function rowSums(values: ArrayLike<number>, rows: number): Float64Array {
  const per = values.length / rows;
  const sums = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let i = 0; i < per; i++) s += values[r * per + i]!;
    sums[r] = s;
  }
  return sums;
}

export function completeness(values: Float32Array, rows: number, expected: Float32Array, reference: Completeness['reference']): Completeness {
  const exactSums = rowSums(values, rows);
  const sums = Float32Array.from(exactSums);
  const error = new Float32Array(rows);
  let maxAbsError = 0;
  let maxRelError = 0;
  for (let r = 0; r < rows; r++) {
    error[r] = exactSums[r]! - expected[r]!;
    maxAbsError = Math.max(maxAbsError, Math.abs(error[r]!));
    maxRelError = Math.max(maxRelError, Math.abs(error[r]!) / Math.max(Math.abs(expected[r]!), 1e-12));
  }
  return { reference, sums, expected, error, maxAbsError, maxRelError };
}

/** Reject options a method does not take (a typo must not be silently ignored); the error is an AttributionError unless given. */
export function checkOptions(method: string, options: object | undefined, allowed: readonly string[], error: new (message: string) => Error = AttributionError): void {
  if (!options) return;
  for (const key of Object.keys(options)) {
    if ((options as Record<string, unknown>)[key] === undefined) continue;
    if (!allowed.includes(key)) throw new error(`${method}: option '${key}' does not apply; it takes ${allowed.join(', ')}`);
  }
}

/** Host chunks joined in order (the one chunk itself when there is only one). */
export function concatHost(parts: readonly Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0]!;
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Float32Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
