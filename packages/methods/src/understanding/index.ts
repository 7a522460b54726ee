/** Understanding a model across a data set: neighbours in a layer, dataset and synthesized activation maximization. */
export { layerFeatures, UnderstandingError, type LayerFeatures } from './layer-features.js';
export { modelUpTo } from './truncate-model.js';
export { neighbours, type Neighbours, type NeighbourOptions, type NeighbourMetric } from './neighbours.js';
export {
  topActivatingSamples, ACTIVATION_SCORES, type ActivationScore, type TopActivationOptions, type TopActivations, type UnitTopSamples,
} from './dataset-activation-maximization.js';
export { fitGaussianPrior, type GaussianPrior } from './gaussian-prior.js';
export { synthesizeActivation, type SynthesisOptions, type SynthesisResult } from './synthesized-activation-maximization.js';
