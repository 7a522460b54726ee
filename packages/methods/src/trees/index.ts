/** Tree ensembles (ONNX-ML TreeEnsembleRegressor / Classifier): import, prediction, exact TreeSHAP. */
export {
  TreeError, isTreeEnsemble, treeCount, goesYes, leafOf, predictRaw, predict, predictClass, postTransform, withCoversFromData, maxDepth, SPLIT_MODES, POST_TRANSFORMS,
} from './tree-ensemble.js';
export type { TreeEnsemble, PostTransform } from './tree-ensemble.js';
export { importTreeEnsemble, loadTreeEnsembleFile, isTreeEnsembleOnnx, holdsTreeEnsemble, treeEnsembleFromProto, TREE_ENSEMBLE_OPS } from './import-tree-onnx.js';
export { treeShap, TREE_SHAP, TREE_SHAP_OPTION_NAMES } from './tree-shap.js';
export type { TreeShapOptions, TreeShapResult, TreeShapAlgorithm } from './tree-shap.js';
export { treeEnsembleModel, treeEnsembleOf } from './tree-model.js';
export { TREE_ENSEMBLE_NODE } from './tree-op.js';
export { treeShapMethod, TREE_SHAP_METHOD_OPTIONS } from './tree-shap-method.js';
export type { TreeShapMethodOptions } from './tree-shap-method.js';
