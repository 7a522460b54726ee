/**
 * Bytes <-> ModelProto objects through protobufjs. Decoding errors (truncated
 * or corrupt files) are caught here and rethrown with the file name and the
 * byte position, so they never surface from deep inside the decoder.
 */
import protobuf from 'protobufjs';
import { OnnxError } from './onnx-error.js';
import type { ModelProto } from './onnx-proto-types.js';
import { onnxModelProto } from './onnx-schema.js';

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  return (v as object).constructor?.name ?? typeof v;
}

/** Decode an ONNX file's bytes; `source` names the file in error messages. */
export function decodeOnnxModel(bytes: Uint8Array, source: string): ModelProto {
  if (!(bytes instanceof Uint8Array)) {
    throw new OnnxError(`${source}: expected the file's bytes as a Uint8Array (or Buffer), got ${describeValue(bytes)}`);
  }
  if (bytes.length === 0) throw new OnnxError(`${source} is empty (0 bytes); it is not an ONNX model`);
  const type = onnxModelProto();
  const reader = protobuf.Reader.create(bytes);
  let message: protobuf.Message;
  try {
    message = type.decode(reader);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new OnnxError(
      `${source} is not a valid ONNX model (truncated or corrupt protobuf at byte ${reader.pos} of ${bytes.length}: ${detail})`,
      { cause: e },
    );
  }
  const model = type.toObject(message, { longs: Number, enums: Number, arrays: true }) as ModelProto;
  if (!model.graph) {
    throw new OnnxError(`${source} is not a valid ONNX model: it contains no graph (the file may be truncated, or not an ONNX file)`);
  }
  return model;
}

/** Encode a ModelProto object (the shapes of onnx-proto-types.ts) to bytes. */
export function encodeOnnxModel(model: ModelProto): Uint8Array {
  const type = onnxModelProto();
  return type.encode(type.fromObject(model as Record<string, unknown>)).finish();
}
