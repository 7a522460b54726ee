/**
 * A model whose parameters hold NaN or infinite values is refused by name
 * (ONNX initializer, .relevance parameter, weights.json parameter) instead of
 * predicting finite-looking but meaningless outputs.
 */
import { describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import { importOnnx, loadModel, mlp, ModelError, modelFromTorchJson, OnnxError, saveModel } from '../../src/index.js';
import { buildOnnx, f32, onnxNode } from './onnx-test-models.js';

const be = await createBackend('reference');

function gemmModel(weight: number[]): Uint8Array {
  return buildOnnx({
    inputs: [['x', [-1, 2]]],
    outputs: [['y', [-1, 2]]],
    nodes: [onnxNode('Gemm', 'fc1', ['x', 'fc1.weight', 'fc1.bias'], ['y'], [])],
    initializers: [f32('fc1.weight', [2, 2], weight), f32('fc1.bias', [2], [0, 0])],
  });
}

describe('non-finite parameters', () => {
  it('ONNX: a NaN weight names the file, the node and the initializer', () => {
    const before = be.memory().tensors;
    expect(() => importOnnx(be, gemmModel([1, Number.NaN, 3, Number.NaN]), { source: 'nan.onnx' })).toThrow(OnnxError);
    expect(() => importOnnx(be, gemmModel([1, Number.NaN, 3, Number.NaN]), { source: 'nan.onnx' })).toThrow(
      /^nan\.onnx: .*'fc1'.*'fc1\.weight' holds NaN at element 1 \(2 of its 4 values are not finite\)/,
    );
    expect(be.memory().tensors).toBe(before);
  });

  it('ONNX: an infinite weight is refused too; finite weights import', () => {
    expect(() => importOnnx(be, gemmModel([1, 2, Number.POSITIVE_INFINITY, 4]), { source: 'inf.onnx' })).toThrow(/'fc1\.weight' holds Infinity at element 2/);
    importOnnx(be, gemmModel([1, 2, 3, 4]), { source: 'ok.onnx' }).dispose();
  });

  it('.relevance: a NaN parameter names the file, the parameter and the node', async () => {
    const model = mlp(be, { inputs: 2, hidden: [3], outputs: 2, seed: 1 });
    const bytes = await saveModel(model);
    model.dispose();
    // the weights sit at the end of the file: overwrite the last float32 (fc2's last bias) with NaN
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    view.setFloat32(bytes.byteLength - 4, Number.NaN, true);
    expect(() => loadModel(be, bytes, { source: 'nan.relevance' })).toThrow(/^nan\.relevance: parameter '.*' of node 'fc2' holds NaN at element 1/);
  });

  it('weights.json: a value beyond float32 (1e308 becomes Infinity) names the parameter', () => {
    const json = { input_shape_without_batch: [2], architecture: [{ name: 'fc1', op: 'Linear' }], params: { 'fc1.weight': { shape: [1, 2], data: [1, 1e308] }, 'fc1.bias': { shape: [1], data: [0] } } };
    expect(() => modelFromTorchJson(be, json as never, 'w.json')).toThrow(ModelError);
    expect(() => modelFromTorchJson(be, json as never, 'w.json')).toThrow(/w\.json: parameter 'fc1\.weight' holds Infinity at element 1/);
  });
});
