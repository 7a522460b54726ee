/**
 * What every LRP rule shares. A rule is a `BackwardRule` (it replaces one
 * node's backward) plus the metadata LRP needs: its resolved parameters, a
 * label for reports, which nodes it may sit on, and whether it sends zero
 * relevance to zero inputs (which lets all-targets LRP skip inactive units).
 *
 * Every weighted rule is "a gradient with modified weights and inputs":
 * R_in = sum_k in_k ⊙ (∂z_k/∂in_k)ᵀ (R_out / stab(den)), computed with the
 * node's own forward and backward on modified parameters, so one rule works for
 * Dense and Conv2d alike. Formulas follow Zennit 0.5.1 (rules.py), ported.
 *
 * Rules must not assume that the relevance and the inputs have one batch size:
 * all-targets LRP hands a rule one input row [1, in] and a block of relevance
 * [T, out] (one row per target); broadcasting elementwise ops make that work.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { BackwardRule, Node, RuleContext } from '../../../model/model.js';
import type { Params } from '../../../model/op.js';
import { AttributionError } from '../../types.js';
import type { DenseForm, ParameterSpec } from './declare.js';
import type { Composite } from '../composites.js';

/** Numeric parameters of the rules, as the lrp options and the CLI name them. */
export interface RuleParameters {
  /** Epsilon rule: added to the denominator with its sign (default 1e-6). */
  epsilon?: number;
  /** Every other rule's denominator stabiliser: z + stabilizer * sign(z), sign(0) = +1 (default 1e-6). */
  stabilizer?: number;
  /** Gamma rule: weight of the added positive part (default 0.25). */
  gamma?: number;
  /** AlphaBeta rule (defaults 2 and 1; alpha - beta must be 1). */
  alpha?: number;
  beta?: number;
  /** ZBox rule: the lowest and highest input values (no default). */
  low?: number;
  high?: number;
}

/** The order of the parameters above in reports (`Attribution.params`); parameters of registered rules follow. */
export const PARAMETER_ORDER: readonly string[] = ['epsilon', 'stabilizer', 'gamma', 'alpha', 'beta', 'low', 'high'];

/** A parameter name: those above, or one a registered rule declares. */
export type RuleParameterName = string;

export interface LrpRule extends BackwardRule {
  /** Registry name ('epsilon', 'alpha-beta', ...). */
  readonly name: string;
  /** The parameters this rule uses, resolved. */
  readonly params: Readonly<Record<string, number>>;
  /** Human-readable rule with parameters, e.g. 'Epsilon(epsilon=1e-6)', for reports. */
  readonly label: string;
  /**
   * True when an input unit whose value is 0 always receives relevance 0 (rules
   * that weight by the input). All-targets LRP uses it to skip inactive units.
   */
  readonly zeroForZeroInput: boolean;
  /** False for rules that replace the weights (Flat): they read only the weight's shape. Default true. */
  readonly readsWeightValues?: boolean;
  /** True for a rule that hands relevance on unchanged (Pass): all-targets chains need it on activations. */
  readonly passesThrough?: boolean;
  /** The rule on a Dense layer as the fused all-targets path reads it (declared rules only). */
  readonly dense?: DenseForm;
  /** Whether the rule can sit on this node. */
  appliesTo(node: Node): boolean;
}

/** A rule in the registry: how to build it from the lrp options. */
export interface RuleDefinition {
  readonly name: string;
  readonly summary: string;
  /** Which layers it applies to, for error messages. */
  readonly appliesToDescription: string;
  /** The option names it reads. */
  readonly parameters: readonly RuleParameterName[];
  /** Whether the rule can sit on a node (declared rules); used to tell layer rules from others. */
  readonly appliesTo?: (node: Node) => boolean;
  /** What `--rule NAME` means on a whole model, when not this rule on every Dense/Conv2d (Pass on activations). */
  readonly everywhere?: Composite;
  /** True when the rule declares a dense form (the fused all-targets path can take it). */
  readonly hasDenseForm?: boolean;
  /** Defaults, checks and help of the parameters (declared rules). */
  readonly parameterSpecs?: readonly ParameterSpec[];
  create(params?: RuleParameters): LrpRule;
}

export const DEFAULT_EPSILON = 1e-6;
export const DEFAULT_STABILIZER = 1e-6;

/** Dense and Conv2d: the layers with weights that the weighted rules modify. */
export function isWeightedLinear(node: Node): boolean {
  return node.op.linear === true && node.params.weight !== undefined;
}

/** A number option, checked. */
export function ruleNumber(rule: string, name: string, value: number | undefined, dflt: number | undefined, check?: (v: number) => string | null): number {
  const v = value ?? dflt;
  if (v === undefined) throw new AttributionError(`LRP rule '${rule}' needs the '${name}' option`);
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new AttributionError(`LRP rule '${rule}': ${name} must be a finite number, got ${String(v)}`);
  const problem = check?.(v);
  if (problem) throw new AttributionError(`LRP rule '${rule}': ${name} ${problem}, got ${v}`);
  return v;
}

export const nonNegative = (v: number): string | null => (v < 0 ? 'must be >= 0' : null);

/** Compact number formatting for labels: 1e-6, 0.25, -3. */
export function formatNumber(v: number): string {
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) return v.toExponential().replace(/\.?0+e/, 'e').replace('e+', 'e');
  return String(v);
}

export function ruleLabel(title: string, params: Readonly<Record<string, number>>): string {
  const inner = Object.entries(params).map(([k, v]) => `${k}=${formatNumber(v)}`).join(', ');
  return `${title}(${inner})`;
}

/**
 * A hand-written rule whose one parameter is the stabiliser (uniform,
 * layernorm, cp-attention): the checked stabiliser, the name, the params, the
 * label, where it applies, and its backward given the stabiliser.
 */
export function stabilizerRule(
  name: string,
  title: string,
  appliesTo: (node: Node) => boolean,
  backward: (ctx: RuleContext, stabilizer: number) => Array<Tensor | null>,
): (options?: RuleParameters) => LrpRule {
  return (options = {}) => {
    const stabilizer = ruleNumber(name, 'stabilizer', options.stabilizer, DEFAULT_STABILIZER, nonNegative);
    const params = { stabilizer };
    return { name, params, label: ruleLabel(title, params), zeroForZeroInput: true, appliesTo, backward: (ctx) => backward(ctx, stabilizer) };
  };
}

/** Parameters with the weight replaced and the bias replaced or removed (null = a zero bias). */
export function withWeights(params: Params, weight: Tensor, bias: Tensor | null): Params {
  const out: Record<string, Tensor> = { ...params, weight };
  if (bias) out.bias = bias;
  else delete out.bias;
  return out;
}

/** The node's forward on one (modified) input with (modified) parameters. */
export function forwardWith(ctx: RuleContext, input: Tensor, params: Params): Tensor {
  const outputs = ctx.forward([input], params);
  for (let i = 1; i < outputs.length; i++) outputs[i]!.dispose();
  return outputs[0]!;
}

/**
 * (∂ forward(input; params) / ∂ input)ᵀ grad: the node's own backward, through
 * the context. Dense and Conv2d are linear, so the context does not recompute
 * the forward for the modified parameters (their backward reads only shapes).
 */
export function gradientWith(ctx: RuleContext, grad: Tensor, input: Tensor, params: Params): Tensor {
  return ctx.backward([grad], [input], params)[0]!;
}

/** The bias of a weighted node, or null. */
export function biasOf(ctx: RuleContext): Tensor | null {
  return ctx.node.params.bias ?? null;
}
