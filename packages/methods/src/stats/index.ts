export { mean, variance, quantile, median, rank, pearson, spearman } from './descriptive.js';
export { logGamma, logChoose, gammaQ, chiSquareSurvival } from './special.js';
export { auroc, aupr, rocCurve, prCurve, thinCurve } from './roc.js';
export type { CurvePoint } from './roc.js';
export { hypergeometricUpperTail, kruskalWallis, benjaminiHochberg } from './tests.js';
export type { KruskalWallisResult } from './tests.js';
export { cholesky, inverseSpd, logDetSpd } from './linalg.js';
export {
  correlationMatrix, standardizedCovariance, ledoitWolf, precisionToPartialCorrelation, shrinkagePartialCorrelation, graphicalLasso, graphicalLassoEbic,
} from './networks.js';
export type { DataMatrix, ShrinkageResult, GraphicalLassoResult } from './networks.js';
