/**
 * The LRP rule registry, open to users: `registerRule(declareRule({...}))`
 * adds a rule that every path (lrp, all-targets, composites, --rule and
 * --layer-rules) then accepts. A stock rule is one file here exporting a
 * declaration (see epsilon.ts), one line in STOCK below, and its test.
 */
import { AttributionError } from '../../types.js';
import { alphaBeta } from './alpha-beta.js';
import { cpAttention } from './cp-attention.js';
import { layernorm } from './layernorm.js';
import { softmax } from './softmax.js';
import { uniform } from './uniform.js';
import { epsilon } from './epsilon.js';
import { flat } from './flat.js';
import { gamma } from './gamma.js';
import { gradient, gradientXInput } from './gradient.js';
import { norm } from './norm.js';
import { pass } from './pass.js';
import { PARAMETER_ORDER, type LrpRule, type RuleDefinition, type RuleParameters } from './rule.js';
import { wsquare } from './wsquare.js';
import { zbox } from './zbox.js';
import { zplus } from './zplus.js';

const STOCK: readonly RuleDefinition[] = [epsilon, zplus, alphaBeta, gamma, zbox, wsquare, flat, pass, norm, gradient, gradientXInput, uniform, softmax, layernorm, cpAttention];

const registry = new Map<string, RuleDefinition>(STOCK.map((d) => [d.name, d]));

/** Every rule by name (the stock rules and those registered since). */
export const LRP_RULES: ReadonlyMap<string, RuleDefinition> = registry;

/**
 * Add a rule to the registry (from `declareRule`, or any RuleDefinition).
 * Names are unique: registering a taken name throws unless `replace` is set.
 */
export function registerRule(definition: RuleDefinition, options: { replace?: boolean } = {}): void {
  if (!/^[a-z][a-z0-9-]*$/.test(definition.name)) throw new AttributionError(`registerRule: rule names are lower-case words joined by '-', got '${definition.name}'`);
  if (registry.has(definition.name) && !options.replace) throw new AttributionError(`registerRule: a rule named '${definition.name}' exists; pass { replace: true } to replace it`);
  registry.set(definition.name, definition);
}

/** The definition of a rule by name; unknown names throw listing the valid ones. */
export function ruleDefinition(name: string): RuleDefinition {
  const d = registry.get(name);
  if (!d) throw new AttributionError(`unknown LRP rule '${name}'; rules: ${[...registry.keys()].join(', ')}`);
  return d;
}

/** Build a rule by name from the lrp options (only the parameters it takes are read). */
export function createRule(name: string, params: RuleParameters = {}): LrpRule {
  const d = ruleDefinition(name);
  const own: Record<string, number> = {};
  for (const p of d.parameters) {
    const v = (params as Record<string, number | undefined>)[p];
    if (v !== undefined) own[p] = v;
  }
  return d.create(own);
}

/** Every numeric rule parameter of the registered rules, with its default (when one rule declares it) and help. */
export function ruleParameters(): Map<string, { default?: number; help?: string; rules: string[] }> {
  const out = new Map<string, { default?: number; help?: string; rules: string[] }>();
  for (const d of registry.values()) {
    for (const ps of d.parameterSpecs ?? d.parameters.map((name) => ({ name }))) {
      const entry = out.get(ps.name) ?? { rules: [] };
      if ('default' in ps && ps.default !== undefined && entry.default === undefined) entry.default = ps.default;
      if ('help' in ps && ps.help && !entry.help) entry.help = ps.help;
      entry.rules.push(d.name);
      out.set(ps.name, entry);
    }
  }
  const rank = (k: string): number => (PARAMETER_ORDER.includes(k) ? PARAMETER_ORDER.indexOf(k) : PARAMETER_ORDER.length);
  return new Map([...out].sort((a, b) => rank(a[0]) - rank(b[0])));
}

export { epsilonRule } from './epsilon.js';
export { zplusRule } from './zplus.js';
export { alphaBetaRule } from './alpha-beta.js';
export { gammaRule } from './gamma.js';
export { zboxRule } from './zbox.js';
export { wsquareRule } from './wsquare.js';
export { flatRule } from './flat.js';
export { passRule } from './pass.js';
export { normRule } from './norm.js';
export { uniformRule } from './uniform.js';
export { softmaxRule } from './softmax.js';
export { layerNormRule } from './layernorm.js';
export { cpAttentionRule } from './cp-attention.js';
export type { LrpRule, RuleDefinition, RuleParameters, RuleParameterName } from './rule.js';
export { DEFAULT_EPSILON, DEFAULT_STABILIZER } from './rule.js';
export { declareRule, declaredBackward, modifiers, byInput, gradientOnly, STABILIZER_PARAMETER } from './declare.js';
export type { RuleSpec, Term, TermGroup, Modifier, DenseForm, Reducer, ParameterSpec } from './declare.js';
