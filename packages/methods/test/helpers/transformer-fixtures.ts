/**
 * The committed transformer fixtures (test/fixtures/transformer, made by
 * make_transformer.py with torch 1.13): FT-Transformer-style tabular models
 * exported at opsets 13 and 17, with inputs, logits, input gradients and
 * reference AttnLRP / CP-LRP relevances computed in torch (float64).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Backend, Tensor } from '@relevance/core-wasm';
import { importOnnx, type Model } from '../../src/index.js';

export const TRANSFORMER_DIR = fileURLToPath(new URL('../fixtures/transformer/', import.meta.url));

export interface ArrayJson { shape: number[]; data: number[] }

export interface TransformerCase {
  input: ArrayJson;
  target: number[];
  logits_float32: ArrayJson;
  logits_float64: ArrayJson;
  gradient: ArrayJson;
  attnlrp: ArrayJson;
  cplrp: ArrayJson;
  attnlrp_conservation: number[];
  cplrp_conservation: number[];
}

export type TransformerModelName = 'ft' | 'ft17' | 'nobias' | 'torchenc13' | 'torchenc17';
export type TransformerCaseName = 'ft' | 'nobias' | 'torchenc';

/** torchenc.json has no reference relevances (attnlrp, cplrp are undefined there). */
export function transformerCase(name: TransformerCaseName): TransformerCase {
  return JSON.parse(readFileSync(`${TRANSFORMER_DIR}${name}.json`, 'utf8')) as TransformerCase;
}

export function transformerModel(be: Backend, name: TransformerModelName): Model {
  return importOnnx(be, readFileSync(`${TRANSFORMER_DIR}${name}.onnx`), { source: `${name}.onnx` });
}

export function arrayTensor(be: Backend, a: ArrayJson): Tensor {
  return be.tensor(Float32Array.from(a.data), a.shape);
}
