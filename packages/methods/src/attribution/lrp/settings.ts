/**
 * The rule options of `lrp` and `lrpAllTargets`, and the preparation both
 * share: canonize (merge BatchNorm into the layer before it) and assign a rule
 * to every layer.
 */
import type { BackwardRule, Model, Node } from '../../model/model.js';
import { mergeBatchNorm } from '../../model/canonize.js';
import { AttributionError } from '../types.js';
import { compositeByName, everywhereComposite, parseLayerRules, parseRuleSelection, resolveRules, type Composite } from './composites.js';
import { LRP_RULES, ruleDefinition, ruleParameters, type LrpRule, type RuleDefinition, type RuleParameters } from './rules/index.js';

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

/** The option names of the rule settings: the selection, every registered rule's parameters, and the rest. */
export function ruleOptionNames(): string[] {
  return ['composite', 'rule', 'layerRules', ...ruleParameters().keys(), 'outputRelevance', 'canonize'];
}

/** The option names with the stock rules (see `ruleOptionNames` for rules registered later). */
export const RULE_OPTION_NAMES: readonly string[] = ruleOptionNames();

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

/** The composite the options choose: composite, rule (a rule, a composite or a per-layer map), or layerRules alone. */
function compositeOf(options: LrpRuleOptions, layerRules: Record<string, string> | null): Composite | null {
  if (typeof options.composite === 'object') return options.composite;
  if (options.composite !== undefined) return compositeByName(options.composite);
  if (options.rule === undefined) return layerRules ? null : compositeByName(DEFAULT_COMPOSITE);
  const d = ruleDefinition(options.rule);
  const onDense = (r: RuleDefinition): boolean => r.appliesTo?.(DENSE_PROBE) ?? true;
  if (!onDense(d)) {
    const weighted = [...LRP_RULES.values()].filter(onDense).map((r) => r.name);
    throw new AttributionError(`lrp: rule '${d.name}' is not a rule for Dense/Conv2d layers; choose one of ${weighted.join(', ')}`);
  }
  return everywhereComposite(d.name);
}

/** A Dense layer as rules see it, to ask a rule whether it sits on Dense layers. */
const DENSE_PROBE = { name: 'probe', type: 'Dense', inputs: ['x'], outputs: ['y'], op: { linear: true }, params: { weight: {} } } as unknown as Node;

/** `rule` may name a composite or give rules per layer (the one text `--rule` takes); fold that into the options. */
function normalizeSelection(options: LrpRuleOptions): LrpRuleOptions {
  if (options.rule === undefined || LRP_RULES.has(options.rule)) return options;
  const sel = parseRuleSelection(options.rule);
  const { rule: _rule, ...rest } = options;
  if ('composite' in sel) {
    if (options.composite !== undefined) throw new AttributionError("lrp: give either 'composite' or 'rule' (one rule everywhere), not both; use 'layerRules' to override single layers");
    return { ...rest, composite: sel.composite };
  }
  if ('layerRules' in sel) {
    if (options.layerRules !== undefined) throw new AttributionError("lrp: rules per layer given twice (in 'rule' and in 'layerRules')");
    return { ...rest, layerRules: sel.layerRules };
  }
  return options;
}

export function prepareLrp(model: Model, given: LrpRuleOptions): PreparedLrp {
  if (given.composite !== undefined && given.rule !== undefined && LRP_RULES.has(given.rule)) {
    throw new AttributionError("lrp: give either 'composite' or 'rule' (one rule everywhere), not both; use 'layerRules' to override single layers");
  }
  const options = normalizeSelection(given);
  const layerRules = layerRulesOf(options);
  const composite = compositeOf(options, layerRules);
  const outputRelevance = options.outputRelevance ?? composite?.outputRelevance ?? 'logit';
  if (outputRelevance !== 'logit' && outputRelevance !== 'one') throw new AttributionError(`lrp: outputRelevance must be 'logit' or 'one', got '${String(outputRelevance)}'`);

  const canonize = options.canonize ?? true;
  let canon = model;
  const merged = new Map<string, string>();
  if (canonize && model.nodes.some((n) => n.type === 'BatchNorm')) {
    const r = mergeBatchNorm(model);
    canon = r.model;
    for (const m of r.report.merged) merged.set(m.batchNorm, m.into);
  }
  try {
    const parameters = ruleParameters();
    const given = options as Record<string, unknown>;
    const ruleParams: Record<string, number> = {};
    for (const k of parameters.keys()) if (given[k] !== undefined) ruleParams[k] = given[k] as number;
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
        ...Object.fromEntries([...parameters].map(([k, p]) => [k, (given[k] as number | undefined) ?? p.default ?? null])),
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
