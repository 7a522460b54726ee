/** Hand-built ONNX files for tests: encode a ModelProto from a few nodes, initializers and value infos. */
import { floatValueInfo } from '../../src/onnx/onnx-build.js';
import { encodeOnnxModel } from '../../src/onnx/onnx-codec.js';
import type { NodeProto, TensorProto, ValueInfoProto } from '../../src/onnx/onnx-proto-types.js';
import { float32Tensor, int64Tensor } from '../../src/onnx/onnx-tensor.js';

export { floatAttr, floatsAttr, intAttr, intsAttr, onnxNode, stringAttr } from '../../src/onnx/onnx-build.js';

export interface TestModel {
  opset?: number;
  /** [name, shape]; -1 is the symbolic batch. */
  inputs: Array<[string, number[]]>;
  outputs: Array<[string, number[]]>;
  nodes: NodeProto[];
  initializers?: TensorProto[];
}

export function buildOnnx(m: TestModel): Uint8Array {
  const info = ([name, shape]: [string, number[]]): ValueInfoProto => floatValueInfo(name, shape);
  return encodeOnnxModel({
    ir_version: 8,
    opset_import: [{ domain: '', version: m.opset ?? 13 }],
    producer_name: 'relevance-tests',
    graph: { name: 'test', node: m.nodes, initializer: m.initializers ?? [], input: m.inputs.map(info), output: m.outputs.map(info) },
  });
}

export const f32 = (name: string, dims: number[], data: readonly number[]): TensorProto => float32Tensor(name, dims, Float32Array.from(data));
export const i64 = (name: string, values: number[]): TensorProto => int64Tensor(name, [values.length], values);

/** Deterministic pseudo-random values in [-1, 1) (no Math.random in this code base). */
export function values(count: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: count }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.fround(s / 2 ** 31 - 1);
  });
}
