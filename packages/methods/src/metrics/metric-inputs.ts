/**
 * Inputs every explanation metric takes: the model's input rows (a tensor,
 * read once to the host), the attribution to judge (an `Attribution` or its
 * host values, shaped like the input), and the explained targets.
 */
import { positiveInteger as checkedPositiveInteger } from '../attribution/common.js';
import type { Tensor } from '@relevance/core-wasm';
import type { Model } from '../model/model.js';
import { resolveTargets } from '../attribution/common.js';
import type { Attribution, Target } from '../attribution/types.js';

export class MetricError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetricError';
  }
}

/** An explanation as its `Attribution`, or as bare values shaped like the input. */
export type Explanation = Attribution | Float32Array | Float64Array;

export interface HostRows {
  data: Float32Array;
  rows: number;
  /** Elements per row. */
  rowSize: number;
  /** Shape of one row (the input shape without the batch axis). */
  rowShape: number[];
}

export async function readRows(metric: string, inputs: Tensor): Promise<HostRows> {
  if (inputs.isDisposed) throw new MetricError(`${metric}: the input tensor was already disposed`);
  if (inputs.dtype !== 'float32' || inputs.rank < 2 || inputs.shape[0] === 0) {
    throw new MetricError(`${metric}: inputs must be a float32 tensor [rows, ...features] with at least one row, got ${inputs.dtype} [${inputs.shape.join(', ')}]`);
  }
  const rows = inputs.shape[0]!;
  return { data: (await inputs.read()) as Float32Array, rows, rowSize: inputs.size / rows, rowShape: inputs.shape.slice(1) };
}

/** The explanation's values, checked against the input size. */
export function explanationValues(metric: string, explanation: Explanation, size: number): Float32Array | Float64Array {
  const values = explanation instanceof Float32Array || explanation instanceof Float64Array ? explanation : explanation.values;
  if (values.length !== size) {
    throw new MetricError(`${metric}: the explanation has ${values.length} values but the inputs have ${size}; explanations must be shaped like the input (layer attributions cannot be scored by input perturbation)`);
  }
  return values;
}

/** readRows and the explanation's values checked against them: the opening of every metric that perturbs the inputs along an explanation. */
export async function readExplainedRows(metric: string, inputs: Tensor, explanation: Explanation): Promise<HostRows & { values: Float32Array | Float64Array }> {
  const host = await readRows(metric, inputs);
  return { ...host, values: explanationValues(metric, explanation, host.data.length) };
}

/**
 * The targets to score: an explicit `target` option wins, then the
 * attribution's own targets, then the model's argmax.
 */
export async function metricTargets(model: Model, inputs: Tensor, explanation: Explanation | undefined, target: Target | undefined): Promise<Int32Array> {
  if (target !== undefined) return resolveTargets(model, inputs, target);
  if (explanation && !(explanation instanceof Float32Array || explanation instanceof Float64Array)) return explanation.targets;
  return resolveTargets(model, inputs, 'argmax');
}

/** A positive integer option (the attribution plumbing's check, raising MetricError). */
export function positiveInteger(metric: string, name: string, value: number | undefined, fallback: number): number {
  return checkedPositiveInteger(metric, name, value, fallback, MetricError);
}

/** Mean of the finite entries (NaN when there are none). */
export function finiteMean(values: ArrayLike<number>): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) {
      s += v;
      c++;
    }
  }
  return c === 0 ? NaN : s / c;
}
