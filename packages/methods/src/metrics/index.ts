/** Explanation-quality metrics and the method x metric comparison runner. */
export { MetricError, type Explanation } from './metric-inputs.js';
export type { MetricBaseline } from './metric-baseline.js';
export type { ExplanationMap, RowScores } from './explanation-map.js';
export { buildRegions, regionScores, rankRegions, type Regions, type RegionOptions } from './regions.js';
export { PERTURBATION_KINDS, type PerturbationKind, type PerturbationOptions } from './perturbation-fill.js';
export { aopc, aupc } from './curve-area.js';
export { regionPerturbation, type RegionPerturbationOptions, type PerturbationCurve, type PerturbationOrder } from './region-perturbation.js';
export { totalVariation, type TotalVariationOptions } from './total-variation.js';
export { sparseness, giniIndex } from './sparseness.js';
export { complexity, contributionEntropy } from './complexity.js';
export { faithfulnessCorrelation, type FaithfulnessCorrelationOptions } from './faithfulness-correlation.js';
export { infidelity, type InfidelityOptions } from './infidelity.js';
export { maxSensitivity, type MaxSensitivityOptions } from './max-sensitivity.js';
export { completenessGap, type CompletenessGap, type CompletenessGapOptions } from './completeness-gap.js';
export {
  parameterRandomisation, freshLayerInit, type ParameterRandomisationOptions, type ParameterRandomisationResult, type RandomisationStep, type Reinitialise,
} from './parameter-randomisation.js';
export { parseMethodSpec, type MethodSpec } from './method-registry.js';
export { METRICS, metricByName, type MetricDefinition, type MetricContext, type MetricResult } from './metric-registry.js';
export { compareExplanations, type CompareOptions, type ComparisonResult, type ComparisonRow, type ComparisonProgress } from './compare-explanations.js';
