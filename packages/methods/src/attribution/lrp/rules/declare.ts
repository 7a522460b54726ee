/**
 * Rules as data (Zennit's BasicHook idea). A rule declares how it modifies one
 * layer's backward, and one engine (`declaredBackward`) applies every
 * declaration:
 *
 *   for each group g of terms (a term = input modifier + parameter modifier):
 *     z_k   = forward(input_k, params_k)                 (a term with no
 *             modifiers reads the layer's own output instead)
 *     s_g   = coefficient_g · where_g(z) ⊙ R_out / stab(Σ_k ±z_k)
 *     grad_k = (∂ forward(input_k, params_k) / ∂ input_k)ᵀ s_g
 *   R_in = reduce(inputs, grads)   (default: Σ_g Σ_k ± input_k ⊙ grad_k)
 *
 * A rule may also declare its dense form (`DenseForm`): the modified matrices,
 * biases and denominator that the fused all-targets path reads, so that path
 * knows no rule by name. And a rule may keep an imperative `backward` (the
 * escape hatch) for what the declaration cannot say.
 */
import type { Backend, Tensor } from '@relevance/core-wasm';
import type { Node, RuleContext } from '../../../model/model.js';
import type { Params } from '../../../model/op.js';
import { AttributionError } from '../../types.js';
import type { Composite } from '../composites.js';
import { DEFAULT_STABILIZER, forwardWith, formatNumber, gradientWith, isWeightedLinear, ruleLabel, withWeights, type LrpRule, type RuleDefinition, type RuleParameters } from './rule.js';

/**
 * An elementwise change of a tensor (an input or a parameter): x⁺, W + γW⁺,
 * ones, ... `host`, where given, is the same change of one number (the fused
 * all-targets path modifies biases on the host).
 */
export type Modifier = ((be: Backend, t: Tensor) => Tensor) & { host?: (v: number) => number };

/** One modified copy of the layer's forward. */
export interface Term {
  /** Input modifier (default: the input itself). */
  input?: Modifier;
  /** Weight modifier (default: the weight itself). */
  weight?: Modifier;
  /** Bias modifier (default: the weight's modifier); null drops the bias. */
  bias?: Modifier | null;
  /** -1: subtracted from the denominator and from the relevance (ZBox's bounds). Default +1. */
  sign?: 1 | -1;
}

/** Terms that share one denominator. */
export interface TermGroup {
  terms: readonly Term[];
  /** R / stab(den) is multiplied by this (AlphaBeta's alpha and -beta); 0 skips the group. */
  coefficient?: number;
  /** R / stab(den) is masked by this function of the layer's output z (Gamma: z > 0). */
  where?: (be: Backend, z: Tensor) => Tensor;
}

/**
 * How the fused all-targets path computes a Dense layer under the rule:
 * R_in[i] = (x_i or 1) · Σ_j M[j, i] · R_out[j] / den_j.
 */
export interface DenseForm {
  /**
   * 'output': den = stab(z) with the layer's own z and M = W. 'signed': the sign of z picks
   * a branch: z > 0 takes M = up(W) for positive and down(W) for negative inputs and
   * den = stab(up(W)x⁺ + down(W)x⁻ + up(b)); z < 0 swaps up and down; z = 0 passes nothing.
   * 'none': den = 1 and M = W (the plain gradient).
   */
  denominator: 'output' | 'signed' | 'none';
  /** The stabiliser of den (unused for 'none'). */
  stabilizer: number;
  /** 'signed': the matrix and bias for inputs whose sign agrees with z's, and for the others. */
  up?: Modifier;
  down?: Modifier;
  /** Multiply by the input (LRP rules); false gives the plain gradient. */
  byInput: boolean;
}

export type Reducer = (be: Backend, inputs: readonly (readonly Tensor[])[], grads: readonly (readonly Tensor[])[], signs: readonly (readonly number[])[]) => Tensor;

/** The default reducer: Σ_g Σ_k ± input_k ⊙ grad_k (groups summed after their terms). */
export const byInput: Reducer = (be, inputs, grads, signs) => sumOver(be, inputs.map((ins, g) => sumOver(be, ins.map((x, k) => be.mul(x, grads[g]![k]!)), signs[g]!)));

/** The gradients alone (rules whose inputs are replaced by ones). */
export const gradientOnly: Reducer = (be, _inputs, grads, signs) => sumOver(be, grads.map((gs, g) => sumOver(be, gs, signs[g]!)));

function sumOver(be: Backend, parts: readonly Tensor[], signs?: readonly number[]): Tensor {
  let acc = parts[0]!;
  for (let k = 1; k < parts.length; k++) acc = signs?.[k] === -1 ? be.sub(acc, parts[k]!) : be.add(acc, parts[k]!);
  return acc;
}

/** A numeric parameter of a rule: its option name, default and check. */
export interface ParameterSpec {
  name: string;
  /** The default (written once, here); none: the option is required. */
  default?: number;
  /** Reject negative values. */
  nonNegative?: boolean;
  /** Help text for the CLI and docs. */
  help?: string;
}

/** The stabiliser of a rule's denominator (the 'stabilizer' option, default DEFAULT_STABILIZER), declared once for every rule that has one. */
export const STABILIZER_PARAMETER: Readonly<ParameterSpec> = Object.freeze({ name: 'stabilizer', default: DEFAULT_STABILIZER, nonNegative: true });

export interface RuleSpec {
  name: string;
  /** Name in labels: 'Epsilon' gives 'Epsilon(epsilon=1e-6)'. */
  title: string;
  summary: string;
  /** Which layers the rule may sit on (default: Dense and Conv2d), and how to say so. */
  appliesTo?: (node: Node) => boolean;
  appliesToDescription?: string;
  parameters?: readonly ParameterSpec[];
  /** Checks across parameters (AlphaBeta: alpha - beta = 1); return a problem or null. */
  validate?: (p: Readonly<Record<string, number>>) => string | null;
  /** A message for a missing required parameter. */
  missing?: string;
  /** True when a zero input always receives zero relevance (lets all-targets skip inactive units). */
  zeroForZeroInput: boolean;
  /** False for rules that replace the weights: they read only the weight's shape. */
  readsWeightValues?: boolean;
  /** True for a rule that hands relevance on unchanged (Pass). */
  passesThrough?: boolean;
  /** The denominator's stabiliser; null: no denominator (s = R). Default: the 'stabilizer' parameter. */
  stabilizer?: (p: Readonly<Record<string, number>>) => number | null;
  /** The terms, grouped by denominator. */
  groups?: (p: Readonly<Record<string, number>>) => readonly TermGroup[];
  /** How the gradients combine (default `byInput`). */
  reduce?: Reducer;
  /** The escape hatch: an imperative backward; `declared` runs the declaration. */
  backward?: (ctx: RuleContext, p: Readonly<Record<string, number>>, declared: () => (Tensor | null)[]) => (Tensor | null)[];
  /** What `--rule NAME` means on a whole model, when not this rule on every Dense/Conv2d (Pass on activations). */
  everywhere?: Composite;
  /** The rule on a Dense layer for the fused all-targets path; none: that path is not available. */
  dense?: (p: Readonly<Record<string, number>>) => DenseForm;
}

function resolveParameters(spec: RuleSpec, options: RuleParameters): Record<string, number> {
  const out: Record<string, number> = {};
  for (const ps of spec.parameters ?? []) {
    const v = (options as Record<string, number | undefined>)[ps.name] ?? ps.default;
    if (v === undefined) throw new AttributionError(spec.missing ?? `LRP rule '${spec.name}' needs the '${ps.name}' option`);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new AttributionError(`LRP rule '${spec.name}': ${ps.name} must be a finite number, got ${String(v)}`);
    if (ps.nonNegative && v < 0) throw new AttributionError(`LRP rule '${spec.name}': ${ps.name} must be >= 0, got ${v}`);
    out[ps.name] = v;
  }
  const problem = spec.validate?.(out);
  if (problem) throw new AttributionError(`LRP rule '${spec.name}': ${problem}`);
  return out;
}

/** The engine: one layer's relevance under a declaration. */
export function declaredBackward(ctx: RuleContext, groups: readonly TermGroup[], stabilizer: number | null, reduce: Reducer): Tensor[] {
  const { be, node } = ctx;
  const x = ctx.inputs[0]!;
  const r = ctx.gradOutputs[0]!;
  const z = ctx.outputs[0]!;
  return be.scope(() => {
    // modified tensors are shared between terms: each is computed once
    const memo = (cache: Map<Modifier, Tensor>, m: Modifier, t: Tensor): Tensor => {
      let v = cache.get(m);
      if (!v) cache.set(m, (v = m(be, t)));
      return v;
    };
    const ins = new Map<Modifier, Tensor>(), ws = new Map<Modifier, Tensor>(), bs = new Map<Modifier, Tensor>();
    const paramsOf = (t: Term): Params => {
      if (!t.weight && t.bias === undefined) return node.params;
      const w = t.weight ? memo(ws, t.weight, node.params.weight!) : node.params.weight!;
      const b = node.params.bias;
      const bm = t.bias === undefined ? t.weight : t.bias;
      return withWeights(node.params, w, !b || bm === null ? null : bm ? memo(bs, bm, b) : b);
    };
    const inputs: Tensor[][] = [], grads: Tensor[][] = [], signs: number[][] = [];
    for (const g of groups) {
      if (g.coefficient === 0) continue;
      const tIn = g.terms.map((t) => (t.input ? memo(ins, t.input, x) : x));
      const tParams = g.terms.map(paramsOf);
      const tSigns = g.terms.map((t) => t.sign ?? 1);
      let s = r;
      if (stabilizer !== null) {
        // an unmodified term is the layer's own output: no forward needed
        const zs = g.terms.map((t, k) => (!t.input && tParams[k] === node.params ? z : forwardWith(ctx, tIn[k]!, tParams[k]!)));
        s = be.stabilizedDivide(r, sumOver(be, zs, tSigns), stabilizer);
      }
      if (g.coefficient !== undefined) s = be.scale(s, g.coefficient);
      if (g.where) s = be.mul(g.where(be, z), s);
      const sg = s;
      grads.push(tIn.map((xi, k) => gradientWith(ctx, sg, xi, tParams[k]!)));
      inputs.push(tIn);
      signs.push(tSigns);
    }
    return [reduce(be, inputs, grads, signs)];
  });
}

/** A rule definition (for the registry) from a declaration. */
export function declareRule(spec: RuleSpec): RuleDefinition {
  const applies = spec.appliesTo ?? isWeightedLinear;
  const create = (options: RuleParameters = {}): LrpRule => {
    const p = resolveParameters(spec, options);
    const stabilizer = spec.stabilizer ? spec.stabilizer(p) : (p.stabilizer ?? null);
    const groups = spec.groups?.(p) ?? [{ terms: [{}] }];
    const reduce = spec.reduce ?? byInput;
    const declared = (ctx: RuleContext) => () => declaredBackward(ctx, groups, stabilizer, reduce);
    const dense = spec.dense?.(p);
    return {
      name: spec.name,
      params: p,
      label: Object.keys(p).length ? ruleLabel(spec.title, p) : spec.title,
      zeroForZeroInput: spec.zeroForZeroInput,
      ...(spec.readsWeightValues === false ? { readsWeightValues: false } : {}),
      ...(spec.passesThrough ? { passesThrough: true } : {}),
      ...(dense ? { dense } : {}),
      appliesTo: applies,
      backward: spec.backward ? (ctx) => spec.backward!(ctx, p, declared(ctx)) : (ctx) => declared(ctx)(),
    };
  };
  return {
    name: spec.name,
    summary: spec.summary,
    appliesToDescription: spec.appliesToDescription ?? 'Dense and Conv2d layers',
    appliesTo: applies,
    hasDenseForm: spec.dense !== undefined,
    ...(spec.everywhere ? { everywhere: spec.everywhere } : {}),
    parameters: (spec.parameters ?? []).map((ps) => ps.name) as RuleDefinition['parameters'],
    parameterSpecs: spec.parameters ?? [],
    create,
  };
}

/** Modifiers the stock rules share. */
export const modifiers = {
  positive: ((be, t) => be.positive(t)) as Modifier,
  negative: ((be, t) => be.negative(t)) as Modifier,
  square: ((be, t) => be.square(t)) as Modifier,
  ones: ((be, t) => be.ones(t.shape)) as Modifier,
  /** t + γ t⁺ (part 'positive') or t + γ t⁻. */
  boost: (gamma: number, part: 'positive' | 'negative'): Modifier =>
    Object.assign((be: Backend, t: Tensor) => be.add(t, be.scale(part === 'positive' ? be.positive(t) : be.negative(t), gamma)), {
      host: part === 'positive' ? (v: number) => v + gamma * Math.max(v, 0) : (v: number) => v + gamma * Math.min(v, 0),
    }),
  full: (value: number): Modifier => (be, t) => be.full(t.shape, value),
};

export { formatNumber };
