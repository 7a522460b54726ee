/**
 * The rule options of `lrp` and `lrpAllTargets`, and the preparation both
 * share: canonize (merge BatchNorm into the layer before it) and assign a rule
 * to every layer.
 */
import type { BackwardRule, Model, Node } from '../../model/model.js';
import { mergeBatchNorm } from '../../model/canonize.js';
import { AttributionError } from '../types.js';
import { compositeByName, everywhereComposite, parseLayerRules, resolveRules, type Composite } from './composites.js';
import { ruleDefinition, type LrpRule, type RuleParameters } from './rules/index.js';

/** Used when none of composite, rule and layerRules is given. */
export const DEFAULT_COMPOSITE = 'epsilon-plus-flat';

export interface LrpRuleOptions extends RuleParameters {
  /** A stock composite ('epsilon-plus-flat' (default), 'epsilon-plus', 'epsilon-gamma-box', 'epsilon-alpha2-beta1', 'epsilon-alpha2-beta1-flat') or a custom one. */
  composite?: string | Composite;
  /** One rule on every Dense and Conv2d (Pass on activations, Norm on average pools): 'epsilon', 'zplus', 'alpha-beta', 'gamma', 'zbox', 'wsquare', 'flat'. */
  rule?: string;
  /** Rules by layer name, overriding the composite or rule: { fc1: 'zbox', fc2: 'gamma' } or the CLI text 'fc1=zbox,fc2=gamma'. */
  layerRules?: Readonly<Record<string, string>> | string;
  /**
   * Output relevance: 'logit' (default) starts from the target's output value
   * at the target position and zero elsewhere (Zennit's fixtures and the usual
   * LRP convention: the relevance sums to the prediction); 'one' starts from 1
   * (a one-hot seed, Zennit's README). Every rule is linear in it.
   */
  outputRelevance?: 'logit' | 'one';
  /** Merge BatchNorm into the preceding Dense/Conv2d first (default true; LRP rules assume it). */
  canonize?: boolean;
}

export const RULE_OPTION_NAMES = ['composite', 'rule', 'layerRules', 'epsilon', 'stabilizer', 'gamma', 'alpha', 'beta', 'low', 'high', 'outputRelevance', 'canonize'] as const;

export interface PreparedLrp {
  /** The canonized model (the input model when nothing was merged). */
  model: Model;
  rules: Map<string, LrpRule>;
  selector: (node: Node) => BackwardRule | undefined;
  /** Resolved settings for `Attribution.params`. */
  params: Record<string, unknown>;
  dispose(): void;
}

function layerRulesOf(options: LrpRuleOptions): Record<string, string> | null {
  const lr = options.layerRules;
  if (lr === undefined) return null;
  if (typeof lr === 'string') return parseLayerRules(lr);
  if (typeof lr !== 'object' || lr === null) throw new AttributionError(`layerRules must be an object { layer: rule } or 'layer=rule,...', got ${String(lr)}`);
  return { ...lr };
}

export function prepareLrp(model: Model, options: LrpRuleOptions): PreparedLrp {
  if (options.composite !== undefined && options.rule !== undefined) {
    throw new AttributionError("lrp: give either 'composite' or 'rule' (one rule everywhere), not both; use 'layerRules' to override single layers");
  }
  const outputRelevance = options.outputRelevance ?? 'logit';
  if (outputRelevance !== 'logit' && outputRelevance !== 'one') throw new AttributionError(`lrp: outputRelevance must be 'logit' or 'one', got '${String(outputRelevance)}'`);
  const layerRules = layerRulesOf(options);
  let composite: Composite | null;
  if (typeof options.composite === 'object') composite = options.composite;
  else if (options.composite !== undefined) composite = compositeByName(options.composite);
  else if (options.rule !== undefined) {
    const d = ruleDefinition(options.rule);
    if (d.name === 'pass' || d.name === 'norm') throw new AttributionError(`lrp: rule '${d.name}' is not a rule for Dense/Conv2d layers; choose one of epsilon, zplus, alpha-beta, gamma, zbox, wsquare, flat`);
    composite = everywhereComposite(d.name);
  } else composite = layerRules ? null : compositeByName(DEFAULT_COMPOSITE);

  const canonize = options.canonize ?? true;
  let canon = model;
  const merged = new Map<string, string>();
  if (canonize && model.nodes.some((n) => n.type === 'BatchNorm')) {
    const r = mergeBatchNorm(model);
    canon = r.model;
    for (const m of r.report.merged) merged.set(m.batchNorm, m.into);
  }
  try {
    const ruleParams: RuleParameters = {};
    for (const k of ['epsilon', 'stabilizer', 'gamma', 'alpha', 'beta', 'low', 'high'] as const) if (options[k] !== undefined) ruleParams[k] = options[k];
    const resolved = resolveRules(canon, composite, layerRules, ruleParams, merged);
    const byNode = resolved.byNode;
    return {
      model: canon,
      rules: byNode,
      selector: (node) => byNode.get(node.name),
      params: {
        composite: composite?.name ?? null,
        rule: options.rule ?? null,
        layerRules: layerRules ?? null,
        epsilon: options.epsilon ?? 1e-6,
        stabilizer: options.stabilizer ?? 1e-6,
        gamma: options.gamma ?? 0.25,
        alpha: options.alpha ?? 2,
        beta: options.beta ?? 1,
        low: options.low ?? null,
        high: options.high ?? null,
        outputRelevance,
        canonize,
        mergedBatchNorm: Object.fromEntries(merged),
        rules: resolved.labels,
      },
      dispose: () => {
        if (canon !== model) canon.dispose();
      },
    };
  } catch (e) {
    if (canon !== model) canon.dispose();
    throw e;
  }
}
