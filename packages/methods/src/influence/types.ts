/**
 * Distributional influence (Leino et al. 2018, "Influence-directed
 * explanations for deep convolutional networks"): the influence of the units
 * of a slice z = h(x) (the input, or the output of a named layer) on a
 * quantity of interest q, averaged over a distribution of interest P:
 *
 *   χ = E_{x∼P} [ ∂q/∂z at z = h(x) ]
 *
 * The three choices (slice, quantity, distribution) are data, described here;
 * `distributionalInfluence` and `meanAttribution` evaluate them.
 */
import type { Generator } from '@relevance/core-wasm';
import type { BaselineSpec, IntegrationRule } from '../attribution/gradient/index.js';

/**
 * What is explained, as a function of the model's output y (logits for the
 * classifiers Relevance trains), or of an internal layer.
 * - class: q = y_c (one index for every row, or one per row).
 * - comparative: q = y_a − y_b (for logits: the log-odds of a against b).
 * - predicted: q = y_{argmax y(x)}, the maximal class of each instance x; the
 *   class is fixed at the instance, also for the samples around it (path,
 *   noise). With `at: 'point'` it is instead max_j y_j at each evaluated point
 *   (TruLens's MaxClassQoI), so the class may change along a path or between
 *   noise samples; for a point distribution the two are the same.
 * - units: q = sum of a set of units of an internal layer (flat indices within
 *   one row of its output), or of whole channels (axis 1) of a layer with
 *   spatial dimensions; all units when neither is given.
 * - custom: any differentiable q(y), given by its seed gradient ∂q/∂y, computed
 *   from the outputs at the evaluated points ([rows, width] row-major in, same out).
 */
export type QuantityOfInterest =
  | { kind: 'class'; class: number | readonly number[] | Int32Array }
  | { kind: 'comparative'; a: number; b: number }
  | { kind: 'predicted'; at?: 'instance' | 'point' }
  | { kind: 'units'; layer: string; units?: readonly number[]; channels?: readonly number[] }
  | { kind: 'custom'; name: string; seed: (outputs: Float32Array, rows: number, width: number) => Float32Array };

/** Distributions attached to one instance: every row of the input gets its own result. */
export type InstanceDistribution =
  /** The instance itself (a point mass): χ is the gradient at x. */
  | { kind: 'point' }
  /**
   * The straight line from the baseline (option `baseline`) to x, integrated
   * with a quadrature rule (default: Gauss-Legendre, 50 points). χ ⊙ (x − b)
   * is integrated gradients.
   */
  | { kind: 'linear-path'; steps?: number; integration?: IntegrationRule }
  /** Gaussian samples x + N(0, stdev² I) in input space (seeded; default 50 samples). */
  | { kind: 'gaussian'; stdev: number; samples?: number; seed?: number | Generator };

/**
 * Distributions over a set of instances: one result for the whole set, the
 * mean over its rows of each row's instance distribution (`around`, default a
 * point, so the set's empirical distribution).
 */
export type SetDistribution =
  /** Every row of the input. */
  | { kind: 'dataset'; around?: InstanceDistribution }
  /** The rows whose label equals `class`. */
  | { kind: 'class'; labels: ArrayLike<number> | ReadonlyArray<string | number | null>; class: number | string; around?: InstanceDistribution }
  /** Any rows (0-based indices into the input; the CLI selects them with a SQL predicate). */
  | { kind: 'rows'; rows: ArrayLike<number>; around?: InstanceDistribution };

export type DistributionOfInterest = InstanceDistribution | SetDistribution;

export interface InfluenceOptions {
  /** Default { kind: 'predicted' }. */
  quantity?: QuantityOfInterest;
  /** Default { kind: 'point' }. */
  distribution?: DistributionOfInterest;
  /** 'input' (default) or a layer name (node name, output value name or module alias). */
  slice?: string;
  /**
   * Baseline input for attributions (activation − baseline activation) and for
   * the linear path: 'zero' (default), a constant, { mean: data } or a tensor.
   */
  baseline?: BaselineSpec;
  /**
   * The baseline activation of a layer slice: the layer's activation at the
   * baseline input ('baseline-input', default), or zero ('zero': Leino's
   * influence × activation). For the input slice both are the baseline itself
   * when it is 'zero'.
   */
  activationBaseline?: 'baseline-input' | 'zero';
  /** Evaluated points (instances × samples) per forward/backward pass (default 256): bounds memory. */
  batchSize?: number;
}

/** Host values shaped like the slice ([rows, ...slice] for instance distributions). */
export interface InfluenceResult {
  /** 'distributional-influence' or 'mean-attribution'. */
  method: string;
  values: Float32Array;
  shape: number[];
  /** 'input' or the slice's node name. */
  slice: string;
  /** Whether `values` has one entry per input row (instance distributions) or one for the set. */
  perInstance: boolean;
  /** Instances the values describe (rows, or the size of the set averaged over). */
  instances: number;
  /** Row indices of the instances (into the input). */
  rows: Int32Array;
  /** The output index q looked at per instance (class and predicted quantities), else -1. */
  targets: Int32Array;
  /** Every parameter after defaults were applied. */
  params: Record<string, unknown>;
}

/** Both statistics from one pass over the distribution. */
export interface InfluenceAndAttribution {
  influence: InfluenceResult;
  attribution: InfluenceResult;
}
