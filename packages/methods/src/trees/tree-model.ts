/**
 * A tree ensemble seen as a Model: one 'TreeEnsemble' node from the input
 * [rows, features] to the raw scores [rows, outputs] (margins; what TreeSHAP
 * explains), evaluated on the host. Through it, the model-agnostic methods
 * (kernel-shap, shapley-exact, shapley-sampling, occlusion, feature-ablation,
 * lime), the metrics and `relevance evaluate` take tree ensembles unchanged.
 * The backward is an error: trees are piecewise constant and have no useful
 * gradient. The ensemble itself is kept in a module registry, keyed by the
 * node's 'ensemble' attribute (attributes are plain values).
 */
import type { Backend } from '@relevance/core-wasm';
import { Model } from '../model/model.js';
import type { TreeEnsemble } from './tree-ensemble.js';
import { ENSEMBLES, TREE_ENSEMBLE_NODE } from './tree-op.js';

let counter = 0;

/** The ensemble as a one-node Model (raw scores out). */
export function treeEnsembleModel(be: Backend, e: TreeEnsemble): Model {
  const key = `trees-${++counter}`;
  ENSEMBLES.set(key, e);
  return new Model(be, {
    inputs: [{ name: e.inputName, shape: [-1, e.features] }],
    outputs: ['scores'],
    nodes: [{ name: 'trees', type: TREE_ENSEMBLE_NODE, inputs: [e.inputName], outputs: ['scores'], attrs: { ensemble: key } }],
  });
}

/** The ensemble behind a model made by treeEnsembleModel, else undefined. */
export function treeEnsembleOf(model: Model): TreeEnsemble | undefined {
  if (model.nodes.length !== 1 || model.nodes[0]!.type !== TREE_ENSEMBLE_NODE) return undefined;
  const key = model.nodes[0]!.attrs.ensemble;
  return typeof key === 'string' ? ENSEMBLES.get(key) : undefined;
}
