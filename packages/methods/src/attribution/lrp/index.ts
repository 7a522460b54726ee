/** LRP: rules, composites, lrp() and all-targets LRP. */
export { lrp, LRP_OPTION_NAMES } from './lrp.js';
export type { LrpOptions } from './lrp.js';
export { DEFAULT_COMPOSITE, ruleOptionNames } from './settings.js';
export type { LrpRuleOptions } from './settings.js';
export { COMPOSITES, compositeByName, everywhereComposite, parseLayerRules, parseRuleSelection, registerComposite, resolveRules, layerName } from './composites.js';
export type { Composite, CompositeEntry, LayerKind, LayerMatch, ResolvedRules, RuleSelection } from './composites.js';
export {
  LRP_RULES, ruleDefinition, createRule, epsilonRule, zplusRule, alphaBetaRule, gammaRule, zboxRule, wsquareRule, flatRule, passRule, normRule,
  DEFAULT_EPSILON, DEFAULT_STABILIZER, STABILIZER_PARAMETER, registerRule, ruleParameters, declareRule, declaredBackward, modifiers, byInput, gradientOnly,
} from './rules/index.js';
export type { LrpRule, RuleDefinition, RuleParameters, RuleParameterName, RuleSpec, Term, TermGroup, Modifier, DenseForm, Reducer, ParameterSpec } from './rules/index.js';
export { lrpAllTargets, LRP_ALL_TARGETS_OPTION_NAMES } from './all-targets.js';
export type { LrpAllTargetsOptions, LrpAllTargetsResult } from './all-targets.js';
export { denseChain } from './all-targets.js';
export type { AllTargetsPath, Compaction } from './all-targets.js';
