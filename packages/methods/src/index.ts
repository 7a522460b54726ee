/** @relevance/methods: models, autodiff, training, ONNX, attribution methods, metrics, embeddings, influence. */
export { Model, ForwardPass, moduleAlias } from './model/model.js';
export type {
  NodeSpec, GraphSpec, ValueInfo, Node, RuleContext, BackwardRule, RuleSelector, ForwardOptions, BackwardOptions, BackwardResult,
} from './model/model.js';
export { ModelError } from './model/op.js';
export type { OpDef, OpContext, Attrs, AttrValue, Params } from './model/op.js';
export { OPS, opDef } from './model/ops/index.js';
export { mergeBatchNorm } from './model/canonize.js';
export type { CanonizeReport } from './model/canonize.js';
export { sequential } from './model/sequential.js';
export type { LayerSpec } from './model/sequential.js';
export { modelFromTorchJson } from './io/torch-json.js';
export type { TorchJson, TorchJsonLayer } from './io/torch-json.js';
export { AttributionError } from './attribution/types.js';
export type { Attribution, AttributionMethod, Target, CommonOptions, RandomOptions, Completeness } from './attribution/types.js';
export { resolveTargets, targetGradient, oneHotSeed, completeness, checkOptions, batches, sliceRows, readFloat, outputWidth, pick } from './attribution/common.js';
export * as stats from './stats/index.js';
export { mseLoss, maskedMseLoss, crossEntropyLoss, lossByName } from './training/losses.js';
export type { Loss, LossName, LossOptions, LossOutput, CrossEntropyOptions } from './training/losses.js';
export { Sgd, Adam, sgd, adam, adamw, createOptimizer } from './training/optimizers.js';
export type { Optimizer, OptimizerConfig, SgdOptions, AdamOptions, ParameterSource } from './training/optimizers.js';
export { constantLr, stepLr, cosineLr } from './training/schedules.js';
export type { LearningRateSchedule } from './training/schedules.js';
export {
  fans, gain, xavierUniform, xavierNormal, kaimingUniform, kaimingNormal, torchDefaultWeight, torchDefaultBias, initLayer, resolveInit, INIT_ALIASES,
} from './training/initializers.js';
export type { InitName, Nonlinearity, KaimingOptions } from './training/initializers.js';
export { mlp, cnn } from './training/builders.js';
export type { MlpOptions, CnnOptions, ConvBlockSpec, Activation, OutputActivation, InitChoice } from './training/builders.js';
export { train, evaluate } from './training/train.js';
export type {
  TrainData, TrainOptions, TrainHistory, EpochReport, EarlyStoppingOptions, EvaluateOptions, MaskProvider, MaskContext, InputTransform,
  InputTransformContext, Split,
} from './training/train.js';
export { importOnnx, MIN_IMPORT_OPSET, MAX_IMPORT_OPSET } from './onnx/import-onnx.js';
export type { ImportOnnxOptions } from './onnx/import-onnx.js';
export { exportOnnx, EXPORTABLE_NODE_TYPES } from './onnx/export-onnx.js';
export type { ExportOnnxOptions } from './onnx/export-onnx.js';
export { loadOnnxFile, saveOnnxFile } from './onnx/onnx-files.js';
export { SUPPORTED_ONNX_OPS } from './onnx/import-registry.js';
export { OnnxError } from './onnx/onnx-error.js';
export { saveModel, loadModel, RELEVANCE_MAGIC, RELEVANCE_FORMAT_VERSION } from './io/relevance-format.js';
export type { RelevanceMetadata, RelevanceHeader, LoadModelOptions } from './io/relevance-format.js';
export { saveModelFile, loadModelFile } from './io/relevance-files.js';
// perturbation methods (CLI names: occlusion, feature-ablation, lime, kernel-shap, shapley-exact, shapley-sampling)
export { occlusion } from './attribution/perturbation/occlusion.js';
export type { OcclusionOptions } from './attribution/perturbation/occlusion.js';
export { featureAblation } from './attribution/perturbation/feature-ablation.js';
export type { FeatureAblationOptions } from './attribution/perturbation/feature-ablation.js';
export { lime, LIME_DEFAULT_SAMPLES } from './attribution/perturbation/lime.js';
export type { LimeOptions, LimeDistance } from './attribution/perturbation/lime.js';
export { kernelShap } from './attribution/perturbation/kernel-shap.js';
export type { KernelShapOptions } from './attribution/perturbation/kernel-shap.js';
export { shapleyExact, shapleyWeights, SHAPLEY_EXACT_DEFAULT_MAX_FEATURES } from './attribution/perturbation/shapley-exact.js';
export type { ShapleyExactOptions } from './attribution/perturbation/shapley-exact.js';
export { shapleySampling, SHAPLEY_SAMPLING_DEFAULT_PERMUTATIONS } from './attribution/perturbation/shapley-sampling.js';
export type { ShapleySamplingOptions } from './attribution/perturbation/shapley-sampling.js';
export type { Baseline as PerturbationBaseline, FeatureMask } from './attribution/perturbation/shared.js';
export {
  lrp, lrpAllTargets, LRP_OPTION_NAMES, LRP_ALL_TARGETS_OPTION_NAMES, DEFAULT_COMPOSITE, COMPOSITES, compositeByName, everywhereComposite, parseLayerRules, resolveRules,
  LRP_RULES, ruleDefinition, createRule, epsilonRule, zplusRule, alphaBetaRule, gammaRule, zboxRule, wsquareRule, flatRule, passRule, normRule,
  registerRule, registerComposite, declareRule, declaredBackward, modifiers, byInput, gradientOnly, parseRuleSelection, ruleParameters, ruleOptionNames,
  STABILIZER_PARAMETER,
} from './attribution/lrp/index.js';
export type {
  LrpOptions, LrpRuleOptions, LrpAllTargetsOptions, LrpAllTargetsResult, Composite, CompositeEntry, LayerKind, LayerMatch, LrpRule, RuleDefinition, RuleParameters,
  RuleSpec, Term, TermGroup, Modifier, DenseForm, Reducer, ParameterSpec, RuleSelection,
} from './attribution/lrp/index.js';
// gradient, path and sampling methods (CLI names: saliency, saliency-squared, input-x-gradient, integrated-gradients, smoothgrad, smooth-taylor, guided-backprop, deconvolution, deeplift)
export {
  saliency, saliencySquared, inputXGradient, integratedGradients, smoothGrad, smoothTaylor, guidedBackprop, deconvolution, deepLift,
  SALIENCY, SALIENCY_SQUARED, INPUT_X_GRADIENT, INTEGRATED_GRADIENTS, SMOOTHGRAD, SMOOTH_TAYLOR, GUIDED_BACKPROP, DECONVOLUTION, DEEPLIFT,
  GRADIENT_METHODS, DEFAULT_IG_STEPS, SMOOTHGRAD_VARIANTS, INTEGRATION_RULES, gaussLegendre, quadrature, resolveBaseline, baselineRows,
  guidedBackpropRules, guidedReluRule, deconvolutionRules, deconvReluRule, deepLiftRules, DEEPLIFT_MAXPOOL_MODES,
} from './attribution/gradient/index.js';
export type {
  SaliencyOptions, SaliencySquaredOptions, InputXGradientOptions, IntegratedGradientsOptions, SmoothGradOptions, SmoothGradVariant, SmoothTaylorOptions,
  GuidedBackpropOptions, DeconvolutionOptions, DeepLiftOptions, DeepLiftMaxPoolMode, BaselineSpec, ResolvedBaseline, IntegrationRule, Quadrature,
} from './attribution/gradient/index.js';
// CAM methods on a named 4-D layer (CLI names: grad-cam, grad-cam-plus-plus, ablation-cam, score-cam)
export { gradCam, gradCamPlusPlus, ablationCam, scoreCam, GRAD_CAM, GRAD_CAM_PLUS_PLUS, ABLATION_CAM, SCORE_CAM, CAM_METHODS, UPSAMPLE_MODES, forwardFromLayer } from './attribution/cam/index.js';
export type { GradCamOptions, GradCamPlusPlusOptions, AblationCamOptions, ScoreCamOptions, CamOptions, UpsampleMode } from './attribution/cam/index.js';
// distributional influence (Leino et al. 2018): mean gradients vs mean attributions over a distribution of interest
export {
  distributionalInfluence, meanAttribution, influenceAndAttribution, DISTRIBUTIONAL_INFLUENCE, MEAN_ATTRIBUTION, INFLUENCE_OPTION_NAMES,
  DEFAULT_INFLUENCE_BATCH_SIZE, DEFAULT_PATH_STEPS, DEFAULT_GAUSSIAN_SAMPLES, INPUT_SLICE,
  influence, parseQuantity, checkInfluenceOptions, INFLUENCE, INFLUENCE_DOIS, ACTIVATION_BASELINES, INFLUENCE_METHOD_OPTION_NAMES,
} from './influence/index.js';
export type {
  QuantityOfInterest, InstanceDistribution, SetDistribution, DistributionOfInterest, InfluenceOptions, InfluenceResult, InfluenceAndAttribution,
  InfluenceMethodOptions, InfluenceDoi, CheckSpelling,
} from './influence/index.js';
// explanation-quality metrics and the method x metric comparison runner (CLI: relevance evaluate)
export {
  MetricError, buildRegions, regionScores, rankRegions, PERTURBATION_KINDS, aopc, aupc, regionPerturbation, totalVariation, sparseness, giniIndex,
  complexity, contributionEntropy, faithfulnessCorrelation, infidelity, maxSensitivity, completenessGap, parameterRandomisation, freshLayerInit,
  parseMethodSpec, METRICS, metricByName, compareExplanations,
} from './metrics/index.js';
export type {
  Explanation, MetricBaseline, ExplanationMap, RowScores, Regions, RegionOptions, PerturbationKind, PerturbationOptions, RegionPerturbationOptions,
  PerturbationCurve, PerturbationOrder, TotalVariationOptions, FaithfulnessCorrelationOptions, InfidelityOptions, MaxSensitivityOptions, CompletenessGap,
  CompletenessGapOptions, ParameterRandomisationOptions, ParameterRandomisationResult, RandomisationStep, Reinitialise, MethodSpec,
  MetricDefinition, MetricContext, MetricResult, CompareOptions, ComparisonResult, ComparisonRow, ComparisonProgress,
} from './metrics/index.js';
// embeddings (CLI: relevance tsne)
export { tsne, TsneError, TSNE_EXACT_MAX_POINTS, calibratePerplexity, nearestNeighbours, squaredDistanceMatrix, pcaProjection, SpacePartitioningTree } from './embedding/index.js';
export type { TsneOptions, TsneResult, TsneMethod, Calibration, CalibrationOptions, NearestNeighbours, HostMatrix } from './embedding/index.js';
// UMAP (CLI: relevance umap) and embedding quality figures
export { umap, UmapError, UMAP_EXACT_MAX_POINTS, fitAB, smoothKnnDistances, nnDescent, trustworthiness, knnLabelAgreement } from './embedding/index.js';
export type { UmapOptions, UmapResult, UmapTransformOptions, UmapNeighbourMethod, NnDescentOptions, QualityOptions, LabelAgreement } from './embedding/index.js';
// understanding a model across a data set (CLI: relevance neighbours)
export {
  layerFeatures, UnderstandingError, modelUpTo, neighbours, topActivatingSamples, ACTIVATION_SCORES, fitGaussianPrior, synthesizeActivation,
} from './understanding/index.js';
export type {
  LayerFeatures, Neighbours, NeighbourOptions, NeighbourMetric, ActivationScore, TopActivationOptions, TopActivations, UnitTopSamples, GaussianPrior,
  SynthesisOptions, SynthesisResult,
} from './understanding/index.js';
export type { AllTargetsPath, Compaction } from './attribution/lrp/index.js';
// every attribution method by CLI name
export { METHOD_REGISTRY, METHOD_NAMES, methodEntry, TREE_MODEL_FAMILIES } from './attribution/registry.js';
export { methodOptionFlag, methodOptions, methodOptionKeys, optionFlag, optionHelp } from './attribution/method-options.js';
export type { MethodOption, OptionType } from './attribution/method-options.js';
export type { MethodEntry, MethodFamily } from './attribution/registry.js';
// the fused all-targets engine for Dense/ReLU chains (rules that declare a dense form)
export { fusedChainRelevance } from './attribution/lrp/chain-rules.js';
export type { ChainDense, ChainRule } from './attribution/lrp/chain-rules.js';
export type { FusedChainOptions } from './attribution/lrp/fused-chain.js';
// concept-based explanations (CLI: relevance tcav)
export { tcav, conceptActivationVector, tcavScore, TCAV_OPTION_NAMES, logisticRegression } from './concepts/index.js';
export type { Concept, TcavOptions, TcavRow, TcavResult, LogisticFit } from './concepts/index.js';
// prediction strategies from explanations (CLI: relevance strategies)
export { spray, StrategyError, knnAffinity, laplacianSpectrum, eigengapK, kMeans } from './strategies/index.js';
export type { SprayOptions, SprayResult, StrategyCluster, FeatureRelevance, SprayNormalisation, Affinity, Spectrum } from './strategies/index.js';
// counterfactual and contrastive explanations (CLI: relevance counterfactuals)
export { counterfactuals, COUNTERFACTUAL_OPTION_NAMES } from './counterfactuals/index.js';
export type { CounterfactualMode, CounterfactualOptions, CounterfactualChange, CounterfactualAnswer, CounterfactualResult } from './counterfactuals/index.js';
// self-explaining neural networks (CLI: relevance train --model-type senn; explain --method senn)
export { senn, isSenn, sennCoefficients, sennExplanation, SENN_THETA, SENN_AGGREGATE, lipschitzEstimate, trainSenn } from './senn/index.js';
export type { SennOptions, SennExplanationOptions, LipschitzOptions, Explainer, SennTrainingOptions, SennData } from './senn/index.js';
// tree ensembles (ONNX-ML TreeEnsembleRegressor / TreeEnsembleClassifier) and exact TreeSHAP (CLI: relevance explain --method tree-shap)
export {
  TreeError, isTreeEnsemble, treeCount, goesYes, leafOf, predictRaw as predictTreesRaw, predict as predictTrees, predictClass as predictTreesClass,
  postTransform as treePostTransform, withCoversFromData, maxDepth as treeMaxDepth, SPLIT_MODES, POST_TRANSFORMS,
  importTreeEnsemble, loadTreeEnsembleFile, isTreeEnsembleOnnx, holdsTreeEnsemble, treeEnsembleFromProto, TREE_ENSEMBLE_OPS, treeShap, TREE_SHAP, TREE_SHAP_OPTION_NAMES,
  treeEnsembleModel, treeEnsembleOf, TREE_ENSEMBLE_NODE, treeShapMethod, TREE_SHAP_METHOD_OPTIONS,
} from './trees/index.js';
export type { TreeEnsemble, PostTransform, TreeShapOptions, TreeShapResult, TreeShapAlgorithm, TreeShapMethodOptions } from './trees/index.js';
export { randomTreeEnsemble } from './trees/random-ensemble.js';
export type { RandomEnsembleOptions } from './trees/random-ensemble.js';
// edit distance for "did you mean" hints (the CLI's closest-match uses it too)
export { levenshtein } from './util/levenshtein.js';
export { argmaxRow, argmaxRows } from './util/argmax.js';
