/** Node helpers for `.relevance` files: atomic save (temporary name, then rename) and load. */
import type { Backend } from '@relevance/core-wasm';
import type { Model } from '../model/model.js';
import { readFileBytes, writeFileAtomic } from './node-files.js';
import { loadModel, saveModel, type RelevanceMetadata } from './relevance-format.js';

/** Save a model and optional metadata; a crash mid-write never leaves a half-written file at `path`. */
export async function saveModelFile(model: Model, path: string, metadata?: RelevanceMetadata): Promise<void> {
  await writeFileAtomic(path, await saveModel(model, metadata));
}

/** Load a `.relevance` file; errors name the path. */
export async function loadModelFile(be: Backend, path: string): Promise<{ model: Model; metadata: RelevanceMetadata }> {
  return loadModel(be, await readFileBytes(path, 'the model'), { source: path });
}
