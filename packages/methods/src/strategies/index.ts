/** Prediction strategies from explanations: SpRAy (Lapuschkin et al. 2019). */
export { spray, StrategyError } from './spray.js';
export type { SprayOptions, SprayResult, StrategyCluster, FeatureRelevance, SprayNormalisation } from './spray.js';
export { knnAffinity, laplacianSpectrum, eigengapK, kMeans } from './spectral.js';
export type { Affinity, Spectrum } from './spectral.js';
