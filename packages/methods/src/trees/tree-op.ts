/**
 * The 'TreeEnsemble' op of the model graph (see tree-model.ts): host
 * evaluation of a registered ensemble's raw scores; no gradient. Kept apart
 * from tree-model.ts so that the op registry does not import Model.
 */
import { ModelError, type OpDef } from '../model/op.js';
import { predictRaw, type TreeEnsemble } from './tree-ensemble.js';

export const TREE_ENSEMBLE_NODE = 'TreeEnsemble';
export const ENSEMBLES = new Map<string, TreeEnsemble>();

export function ensembleOf(key: unknown, node: string): TreeEnsemble {
  const e = typeof key === 'string' ? ENSEMBLES.get(key) : undefined;
  if (!e) throw new ModelError(`${node}: no tree ensemble registered under '${String(key)}'; build the model with treeEnsembleModel`);
  return e;
}

export const TreeEnsembleOp: OpDef = {
  type: TREE_ENSEMBLE_NODE,
  arity: { min: 1, max: 1 },
  paramRoles: { required: [], optional: [] },
  inferShape(inputs, attrs, _params, node) {
    const e = ensembleOf(attrs.ensemble, node);
    const s = inputs[0]!;
    const width = s.slice(1).reduce((a, b) => a * b, 1);
    if (s.length !== 2 || width !== e.features) throw new ModelError(`${node}: the tree ensemble takes [rows, ${e.features}] inputs, got [${s.join(', ')}]`);
    return [[s[0]!, e.outputs]];
  },
  forward(ctx, inputs) {
    const e = ensembleOf(ctx.attrs.ensemble, ctx.node);
    const x = inputs[0]!;
    if (ctx.be.name === 'webgpu') throw new ModelError(`${ctx.node}: tree ensembles are evaluated on the host; use the wasm or reference backend (--backend wasm)`);
    const rows = x.shape[0]!;
    const raw = predictRaw(e, x.readSync(), rows);
    return { outputs: [ctx.be.tensor(Float32Array.from(raw), [rows, e.outputs])] };
  },
  backward(ctx) {
    throw new ModelError(`${ctx.node}: a tree ensemble is piecewise constant and has no gradient; explain it with tree-shap or a model-agnostic method (kernel-shap, shapley-exact, shapley-sampling, occlusion, feature-ablation, lime)`);
  },
};

