/**
 * One shape for every attribution method (the Captum lesson):
 * `method(model, inputs, options) -> Promise<Attribution>`.
 * Values live on the host (Float32Array, row-major) so results are backend
 * independent and can be written, compared and plotted directly.
 */
import type { Generator, Tensor } from '@relevance/core-wasm';

/** 'argmax' (the predicted class per row), one index for every row, or one index per row. */
export type Target = 'argmax' | number | readonly number[] | Int32Array;

export interface CommonOptions {
  target?: Target;
  /** Rows (or perturbed copies) evaluated per internal batch, to bound memory. */
  batchSize?: number;
}

export interface RandomOptions {
  /** Seed or generator; every random method is deterministic given it. */
  seed?: number | Generator;
}

/** How well the attributions add up (completeness / conservation), per row. */
export interface Completeness {
  /** What the row sums are compared with. */
  reference: 'f(x) - f(baseline)' | 'target output' | 'target output - baseline output';
  /** Sum of the attributions of each row. */
  sums: Float32Array;
  /** The value they should add up to, per row. */
  expected: Float32Array;
  /** sums - expected, per row. */
  error: Float32Array;
  /** max |error| over rows. */
  maxAbsError: number;
  /** max |error| / max(|expected|, 1e-12) over rows. */
  maxRelError: number;
}

export interface Attribution {
  /** Method name as the CLI spells it ('integrated-gradients', 'lrp', ...). */
  method: string;
  /** Every parameter after defaults were applied (what reproduces the call). */
  params: Record<string, unknown>;
  /** The output index explained, per row. */
  targets: Int32Array;
  /** Attribution values, row-major, shaped like the input (or like the layer for layer methods). */
  values: Float32Array;
  shape: number[];
  /** For layer methods: the layer's node name. */
  layer?: string;
  completeness?: Completeness;
}

/** A method's signature. */
export type AttributionMethod<O extends CommonOptions = CommonOptions> = (model: import('../model/model.js').Model, inputs: Tensor, options?: O) => Promise<Attribution>;

/** Wrong option, target, layer or shape: the message names it and the fix. */
export class AttributionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AttributionError';
  }
}
