/** Embeddings for looking at a data set (or a layer's features) as a whole. */
export { tsne, tsneAffinities, TsneError, TSNE_EXACT_MAX_POINTS, type TsneOptions, type TsneResult, type TsneMethod } from './tsne.js';
export { umap, UmapError, UMAP_EXACT_MAX_POINTS, fitAB, smoothKnnDistances, type UmapOptions, type UmapResult, type UmapTransformOptions, type UmapNeighbourMethod } from './umap.js';
export { nnDescent, type NnDescentOptions } from './nn-descent.js';
export { trustworthiness, knnLabelAgreement, type QualityOptions, type LabelAgreement } from './quality.js';
export { calibratePerplexity, type Calibration, type CalibrationOptions } from './perplexity.js';
export { nearestNeighbours, squaredDistanceMatrix, type NearestNeighbours, type HostMatrix } from './pairwise-distances.js';
export { pcaProjection } from './pca.js';
export { SpacePartitioningTree } from './space-partitioning-tree.js';
export { exactKlDivergence, denseToSparse } from './exact-kl.js';
export type { SparseAffinities } from './joint-probabilities.js';
