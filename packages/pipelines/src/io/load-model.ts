/**
 * Load a model by file extension: .onnx (ONNX import), .relevance (Relevance's
 * own format) or .json (a torch-style weights.json: architecture + params).
 */
import { readFile } from 'node:fs/promises';
import type { Backend } from '@relevance/core-wasm';
import { importOnnx, importTreeEnsemble, isTreeEnsembleOnnx, loadModelFile, modelFromTorchJson, type Model, type TorchJson, type TreeEnsemble } from '@relevance/methods';
import { checkReadableFile } from './check-file.js';
import { DataError } from './data-error.js';
import { UsageError } from '../cli/usage-error.js';

export const MODEL_EXTENSIONS = ['.onnx', '.relevance', '.json'] as const;

/** A graph model (tensor ops) or a tree ensemble (ONNX-ML TreeEnsemble*): the two kinds a model file can hold. */
export type LoadedModel = { kind: 'model'; model: Model; metadata?: Record<string, unknown> } | { kind: 'trees'; trees: TreeEnsemble };

/** Load a model file of either kind: .onnx files holding an ONNX-ML tree ensemble give `trees`, everything else a Model. */
export async function loadAnyModel(be: Backend, path: string): Promise<LoadedModel> {
  if (path.toLowerCase().endsWith('.onnx')) {
    await checkReadableFile(path);
    const bytes = new Uint8Array(await readFile(path));
    if (isTreeEnsembleOnnx(bytes, path)) return { kind: 'trees', trees: importTreeEnsemble(bytes, { source: path }) };
    return { kind: 'model', model: importOnnx(be, bytes, { source: path }) };
  }
  if (path.toLowerCase().endsWith('.relevance')) {
    await checkReadableFile(path);
    // the metadata names the features and classes, so outputs keep them (model-names.ts)
    const { model, metadata } = await loadModelFile(be, path);
    return { kind: 'model', model, metadata };
  }
  return { kind: 'model', model: await loadModel(be, path) };
}

/** Load a graph model; a tree-ensemble file is an error that names the methods that take it. */
export async function loadModel(be: Backend, path: string): Promise<Model> {
  if (path.toLowerCase().endsWith('.onnx')) {
    const loaded = await loadAnyModel(be, path);
    if (loaded.kind === 'trees') {
      throw new UsageError(`--model ${path} is a tree ensemble (ONNX-ML ${loaded.trees.task === 'classification' ? 'TreeEnsembleClassifier' : 'TreeEnsembleRegressor'}), not a graph of tensor ops; explain it with 'relevance explain --method tree-shap --background bg.csv' (predict works too)`);
    }
    return loaded.model;
  }
  const lower = path.toLowerCase();
  if (!MODEL_EXTENSIONS.some((e) => lower.endsWith(e))) {
    throw new DataError(`${path}: unknown model format; use an .onnx file, a .relevance file, or a weights .json (architecture + params)`);
  }
  // the same "file not found / is a folder / permission" wording as for data files
  await checkReadableFile(path);
  if (lower.endsWith('.relevance')) return (await loadModelFile(be, path)).model;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new DataError(`${path}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  return modelFromTorchJson(be, json as TorchJson, path);
}
