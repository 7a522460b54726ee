/** Node helpers: load an ONNX file into a Model, and save a Model as ONNX (atomically). */
import type { Backend } from '@relevance/core-wasm';
import type { Model } from '../model/model.js';
import { readFileBytes, writeFileAtomic } from '../io/node-files.js';
import { exportOnnx, type ExportOnnxOptions } from './export-onnx.js';
import { importOnnx } from './import-onnx.js';

/** Read and import an .onnx file; errors name the path. */
export async function loadOnnxFile(be: Backend, path: string): Promise<Model> {
  const bytes = await readFileBytes(path, 'the ONNX model');
  return importOnnx(be, bytes, { source: path });
}

/** Export a model to an .onnx file (written to a temporary name, then renamed). */
export async function saveOnnxFile(model: Model, path: string, options: ExportOnnxOptions = {}): Promise<void> {
  await writeFileAtomic(path, await exportOnnx(model, options));
}
