/**
 * An operation of the model graph: a pure forward and backward over tensors,
 * given its attributes and parameters. Because parameters are arguments, a
 * backward rule (LRP, guided backprop, DeepLIFT) can re-run an op's forward or
 * backward with modified parameters or inputs: that is how one backward
 * machinery serves every rule.
 */
import type { Backend, Generator, Tensor } from '@relevance/core-wasm';

export type AttrValue = number | string | boolean | readonly number[] | null;
export type Attrs = Readonly<Record<string, AttrValue>>;
export type Params = Readonly<Record<string, Tensor>>;

export interface OpContext {
  be: Backend;
  attrs: Attrs;
  params: Params;
  /** Training mode (dropout active). */
  training: boolean;
  /** Randomness for training-mode ops (dropout). */
  generator?: Generator;
  /** Node name, for error messages. */
  node: string;
}

export interface ForwardResult {
  outputs: Tensor[];
  /** Extra tensors the backward needs (max-pool indices, dropout masks). Owned by the tape. */
  saved?: Tensor[];
}

export interface BackwardRequest {
  /** Which inputs need a gradient. */
  inputs: readonly boolean[];
  /** Whether parameter gradients are needed. */
  params: boolean;
}

export interface BackwardResult {
  /** One entry per input (null where not requested or not differentiable). */
  inputs: Array<Tensor | null>;
  /** Gradients by parameter role ('weight', 'bias', ...). */
  params?: Record<string, Tensor>;
}

export interface OpDef {
  /** The op type as it appears in the graph ('Dense', 'Conv2d', 'ReLU', ...). */
  readonly type: string;
  /** Number of inputs (a range for variadic ops such as Concat). */
  readonly arity: { min: number; max: number };
  /** Parameter roles this op may own; 'required' ones must be present. */
  readonly paramRoles: { required: readonly string[]; optional: readonly string[] };
  /** Output shapes from input shapes (the batch dimension may be -1). */
  inferShape(inputs: ReadonlyArray<readonly number[]>, attrs: Attrs, paramShapes: Record<string, readonly number[]>, node: string): number[][];
  forward(ctx: OpContext, inputs: readonly Tensor[]): ForwardResult;
  backward(ctx: OpContext, inputs: readonly Tensor[], outputs: readonly Tensor[], saved: readonly Tensor[], gradOutputs: readonly Tensor[], need: BackwardRequest): BackwardResult;
  /** True for ops that are linear in their input (up to a bias): Dense, Conv2d, AvgPool, GlobalAveragePool. LRP rules apply to these. */
  readonly linear?: boolean;
  /** True for elementwise activations (ReLU, ...), which LRP passes through. */
  readonly activation?: boolean;
}

/** A graph or op error that names the node and the fix. */
export class ModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelError';
  }
}

export function attrNumber(attrs: Attrs, name: string, dflt: number): number {
  const v = attrs[name];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number') throw new ModelError(`attribute '${name}' must be a number, got ${JSON.stringify(v)}`);
  return v;
}

export function attrInts(attrs: Attrs, name: string, dflt: readonly number[]): readonly number[] {
  const v = attrs[name];
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'number') return [v];
  if (!Array.isArray(v)) throw new ModelError(`attribute '${name}' must be a list of integers, got ${JSON.stringify(v)}`);
  return v as readonly number[];
}

export function attrBool(attrs: Attrs, name: string, dflt: boolean): boolean {
  const v = attrs[name];
  if (v === undefined || v === null) return dflt;
  return Boolean(v);
}
