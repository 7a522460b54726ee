/** Small constructors for ONNX messages (attributes, nodes, value infos), used by the exporter and by tests that hand-build models. */
import { AttributeType, DataType, type AttributeProto, type NodeProto, type ValueInfoProto } from './onnx-proto-types.js';

const utf8 = new TextEncoder();

export function intAttr(name: string, i: number): AttributeProto {
  return { name, type: AttributeType.INT, i };
}

export function floatAttr(name: string, f: number): AttributeProto {
  return { name, type: AttributeType.FLOAT, f };
}

export function intsAttr(name: string, ints: readonly number[]): AttributeProto {
  return { name, type: AttributeType.INTS, ints: [...ints] };
}

export function floatsAttr(name: string, floats: readonly number[]): AttributeProto {
  return { name, type: AttributeType.FLOATS, floats: [...floats] };
}

export function stringAttr(name: string, s: string): AttributeProto {
  return { name, type: AttributeType.STRING, s: utf8.encode(s) };
}

export function onnxNode(opType: string, name: string, inputs: readonly string[], outputs: readonly string[], attribute: AttributeProto[] = []): NodeProto {
  return { op_type: opType, name, input: [...inputs], output: [...outputs], attribute };
}

/** A float32 tensor value; negative dimensions (the IR's dynamic batch) become the symbolic dimension `dynamicName`. */
export function floatValueInfo(name: string, shape: readonly number[], dynamicName = 'batch'): ValueInfoProto {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: DataType.FLOAT,
        shape: { dim: shape.map((d) => (d < 0 ? { dim_param: dynamicName } : { dim_value: d })) },
      },
    },
  };
}

/** The IR version that goes with an opset (ONNX 1.6: IR 6 / opset 11, 1.7-1.9: IR 7 / 12-14, 1.10-1.13: IR 8 / 15-18). */
export function irVersionForOpset(opset: number): number {
  if (opset <= 11) return 6;
  if (opset <= 14) return 7;
  return 8;
}
