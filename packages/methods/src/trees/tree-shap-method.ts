/**
 * tree-shap as a registry method: `(model, inputs, options) -> Attribution`
 * for models made by treeEnsembleModel (what `relevance explain` and
 * `relevance evaluate` load from an ONNX-ML tree file). Background and
 * cover rows may be tensors or host arrays.
 */
import type { Tensor } from '@relevance/core-wasm';
import { AttributionError, type Attribution, type Target } from '../attribution/types.js';
import type { Model } from '../model/model.js';
import { withCoversFromData } from './tree-ensemble.js';
import { treeEnsembleOf } from './tree-model.js';
import { treeShap, type TreeShapAlgorithm, type TreeShapResult } from './tree-shap.js';

export interface TreeShapMethodOptions {
  target?: Target;
  batchSize?: number;
  background?: Tensor | ArrayLike<number>;
  algorithm?: TreeShapAlgorithm;
  /** Rows whose counts per node become the covers (path-dependent). */
  covers?: Tensor | ArrayLike<number>;
  interactions?: boolean;
  /** Threads for the values (default: the model backend's threads); the values do not depend on it. */
  threads?: number;
}

export const TREE_SHAP_METHOD_OPTIONS = ['background', 'algorithm', 'covers', 'interactions', 'threads'] as const;

async function host(v: Tensor | ArrayLike<number>): Promise<ArrayLike<number>> {
  return typeof (v as Tensor).read === 'function' ? ((await (v as Tensor).read()) as Float32Array) : (v as ArrayLike<number>);
}

export async function treeShapMethod(model: Model, inputs: Tensor, options: TreeShapMethodOptions = {}): Promise<Attribution> {
  let e = treeEnsembleOf(model);
  if (!e) throw new AttributionError('tree-shap explains tree ensembles (ONNX-ML TreeEnsembleRegressor / TreeEnsembleClassifier files); for a graph model use kernel-shap, shapley-exact or shapley-sampling');
  for (const key of Object.keys(options)) {
    if ((options as Record<string, unknown>)[key] === undefined || key === 'target' || key === 'batchSize') continue;
    if (!(TREE_SHAP_METHOD_OPTIONS as readonly string[]).includes(key)) throw new AttributionError(`tree-shap: option '${key}' does not apply; it takes ${TREE_SHAP_METHOD_OPTIONS.join(', ')}`);
  }
  const rows = inputs.shape[0]!;
  const x = (await inputs.read()) as Float32Array;
  if (options.covers !== undefined) {
    const c = await host(options.covers);
    e = withCoversFromData(e, c, c.length / e.features);
  }
  const r: TreeShapResult = treeShap(e, x, rows, {
    ...(options.target !== undefined ? { target: options.target } : {}),
    ...(options.algorithm ? { algorithm: options.algorithm } : {}),
    ...(options.background !== undefined ? { background: await host(options.background) } : {}),
    ...(options.interactions ? { interactions: true } : {}),
    threads: options.threads ?? model.be.threads,
  });
  return r;
}
