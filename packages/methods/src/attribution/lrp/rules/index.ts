/**
 * The LRP rule registry. Adding a rule: one file exporting a RuleDefinition
 * (see epsilon.ts), one line here, and its test.
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
import { norm } from './norm.js';
import { pass } from './pass.js';
import type { LrpRule, RuleDefinition, RuleParameters } from './rule.js';
import { wsquare } from './wsquare.js';
import { zbox } from './zbox.js';
import { zplus } from './zplus.js';

export const LRP_RULES: ReadonlyMap<string, RuleDefinition> = new Map(
  [epsilon, zplus, alphaBeta, gamma, zbox, wsquare, flat, pass, norm, uniform, softmax, layernorm, cpAttention].map((d) => [d.name, d]),
);

/** The definition of a rule by name; unknown names throw listing the valid ones. */
export function ruleDefinition(name: string): RuleDefinition {
  const d = LRP_RULES.get(name);
  if (!d) throw new AttributionError(`unknown LRP rule '${name}'; rules: ${[...LRP_RULES.keys()].join(', ')}`);
  return d;
}

/** Build a rule by name from the lrp options (only the parameters it takes are read). */
export function createRule(name: string, params: RuleParameters = {}): LrpRule {
  const d = ruleDefinition(name);
  const own: RuleParameters = {};
  for (const p of d.parameters) if (params[p] !== undefined) own[p] = params[p];
  return d.create(own);
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
