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
