export { mean, variance, quantile, median, rank, pearson, spearman } from './descriptive.js';
export { logGamma, logChoose, gammaQ, chiSquareSurvival } from './special.js';
export { auroc, aupr, rocCurve, prCurve, thinCurve } from './roc.js';
export type { CurvePoint } from './roc.js';
export { hypergeometricUpperTail, kruskalWallis, benjaminiHochberg } from './hypothesis-tests.js';
export type { KruskalWallisResult } from './hypothesis-tests.js';
export { cholesky, inverseSpd, logDetSpd } from './linalg.js';
export { incompleteBeta, studentTTwoSided, tTestIndependent } from './t-test.js';
export type { TTestResult } from './t-test.js';
export {
  correlationMatrix, standardizedCovariance, ledoitWolf, precisionToPartialCorrelation, shrinkagePartialCorrelation, graphicalLasso, graphicalLassoEbic,
} from './networks.js';
export type { DataMatrix, ShrinkageResult, GraphicalLassoResult } from './networks.js';
export { binColumns, HistogramTreeBuilder, resolveMaxFeatures } from './trees.js';
export { createTreeBuilder, WasmTreeBuilder } from './tree-engines.js';
export type { TreeBuilder, TreeEngine } from './tree-engines.js';
export type { BinnedMatrix, TreeFitOptions } from './trees.js';
export { genie3, GENIE3_DEFAULT_MAX_SAMPLES, GENIE3_DEFAULT_TREES } from './genie3.js';
export type { Genie3Options } from './genie3.js';
export { grnboost2, GRNBOOST2_DEFAULT_MAX_SAMPLES } from './grnboost.js';
export type { GrnBoostOptions } from './grnboost.js';
export { bayesianBlocksEdges, discretize, discretizeColumns, jointCounts, mutualInformationFromCounts, mutualInformationMatrix } from './information.js';
export type { Discretized, Discretizer } from './information.js';
export { pidc, pucScores, applyContext, fitGamma } from './pidc.js';
export type { PidcOptions, PidcResult } from './pidc.js';
export { clr, clrFromMi, aracneDpi } from './clr.js';
export type { ClrOptions } from './clr.js';
export { edgeMetrics, edgeList, earlyPrecision } from './edge-metrics.js';
export type { EdgeMetrics } from './edge-metrics.js';
