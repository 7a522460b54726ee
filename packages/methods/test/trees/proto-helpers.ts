/** Decode / encode ONNX protos in tests (to mutate fixture files). */
import { decodeOnnxModel, encodeOnnxModel } from '../../src/onnx/onnx-codec.js';
import type { ModelProto } from '../../src/onnx/onnx-proto-types.js';

export function decodeOnnxModelForTest(bytes: Uint8Array): ModelProto & { graph: { node: Array<Record<string, unknown>> } } {
  return decodeOnnxModel(bytes, 'test.onnx') as never;
}

export function encodeOnnxModelForTest(model: ModelProto): Uint8Array {
  return encodeOnnxModel(model);
}
