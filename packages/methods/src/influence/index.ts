/** Distributional influence (Leino et al. 2018): slices, quantities and distributions of interest. */
export { distributionalInfluence, DISTRIBUTIONAL_INFLUENCE } from './distributional-influence.js';
export { meanAttribution, influenceAndAttribution, MEAN_ATTRIBUTION } from './mean-attribution.js';
export { INFLUENCE_OPTION_NAMES, DEFAULT_INFLUENCE_BATCH_SIZE } from './compute-influence.js';
export { DEFAULT_PATH_STEPS, DEFAULT_GAUSSIAN_SAMPLES } from './distribution.js';
export { INPUT_SLICE } from './slice.js';
export type {
  QuantityOfInterest, InstanceDistribution, SetDistribution, DistributionOfInterest, InfluenceOptions, InfluenceResult, InfluenceAndAttribution,
} from './types.js';
export { influence, parseQuantity, checkInfluenceOptions, INFLUENCE, INFLUENCE_DOIS, ACTIVATION_BASELINES, INFLUENCE_METHOD_OPTION_NAMES } from './influence-method.js';
export type { InfluenceMethodOptions, InfluenceDoi, CheckSpelling } from './influence-method.js';
