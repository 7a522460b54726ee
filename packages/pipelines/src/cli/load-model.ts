/**
 * Load a model by file extension: .onnx (ONNX import), .relevance (Relevance's
 * own format) or .json (a torch-style weights.json: architecture + params).
 */
import { readFile } from 'node:fs/promises';
import type { Backend } from '@relevance/core-wasm';
import { loadModelFile, loadOnnxFile, modelFromTorchJson, type Model, type TorchJson } from '@relevance/methods';
import { checkReadableFile } from '../io/check-file.js';
import { DataError } from '../io/data-error.js';

export const MODEL_EXTENSIONS = ['.onnx', '.relevance', '.json'] as const;

export async function loadModel(be: Backend, path: string): Promise<Model> {
  const lower = path.toLowerCase();
  if (!MODEL_EXTENSIONS.some((e) => lower.endsWith(e))) {
    throw new DataError(`${path}: unknown model format; use an .onnx file, a .relevance file, or a weights .json (architecture + params)`);
  }
  // the same "file not found / is a folder / permission" wording as for data files
  await checkReadableFile(path);
  if (lower.endsWith('.onnx')) return loadOnnxFile(be, path);
  if (lower.endsWith('.relevance')) return (await loadModelFile(be, path)).model;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new DataError(`${path}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  return modelFromTorchJson(be, json as TorchJson, path);
}
