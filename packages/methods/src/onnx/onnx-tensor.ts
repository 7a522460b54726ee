/**
 * TensorProto payloads: float32 parameters and int64 shape tensors, read from
 * raw_data (little-endian, possibly unaligned inside the file, hence DataView)
 * or from the typed fields, and written as raw_data. Everything else (other
 * data types, external data, segments) is rejected with a message saying why.
 */
import { OnnxError } from './onnx-error.js';
import { DataType, dataTypeName, type TensorProto } from './onnx-proto-types.js';

export function tensorDims(t: TensorProto): number[] {
  return [...(t.dims ?? [])];
}

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((p, d) => p * d, 1);
}

/** True when the tensor's data lives in a file next to the model (onnx save_as_external_data). */
export function isExternalTensor(t: TensorProto): boolean {
  return t.data_location === 1 || (t.external_data?.length ?? 0) > 0;
}

export function externalLocation(t: TensorProto): string {
  return t.external_data?.find((e) => e.key === 'location')?.value ?? '(no location given)';
}

function checkStoredInline(t: TensorProto, what: string): void {
  if (isExternalTensor(t)) {
    throw new OnnxError(`${what} stores its data in an external file ('${externalLocation(t)}'), which is not supported; save the model with the data inside (onnx.save_model(model, path, save_as_external_data=False))`);
  }
  if (t.segment) throw new OnnxError(`${what} is stored in segments, which is not supported`);
}

function checkDims(t: TensorProto, what: string): number[] {
  const dims = tensorDims(t);
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw new OnnxError(`${what} has an invalid shape [${dims.join(', ')}] (corrupt file?)`);
  return dims;
}

function rawView(raw: Uint8Array): DataView {
  return new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
}

/** The values of a FLOAT tensor, all finite. `what` names it in errors ("cnn.onnx: node 'fc1' (Gemm): weight 'fc.weight'"). */
export function readFloat32(t: TensorProto, what: string): Float32Array {
  const values = readFloat32Values(t, what);
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    let count = 0;
    for (const v of values) if (!Number.isFinite(v)) count++;
    throw new OnnxError(
      `${what} holds ${values[bad]} at element ${bad} (${count} of its ${values.length} values are not finite); a model with NaN or infinite parameters gives meaningless outputs: ` +
        'retrain or re-export it (check for a diverged training run)',
    );
  }
  return values;
}

function readFloat32Values(t: TensorProto, what: string): Float32Array {
  checkStoredInline(t, what);
  if (t.data_type !== DataType.FLOAT) {
    throw new OnnxError(`${what} has data type ${dataTypeName(t.data_type)}; only FLOAT (float32) parameters are supported (and INT64 for shape tensors): convert the model to float32 (model.float()) before exporting`);
  }
  const dims = checkDims(t, what);
  const n = elementCount(dims);
  const raw = t.raw_data;
  if (raw && raw.length > 0) {
    if (raw.length !== n * 4) throw new OnnxError(`${what}: raw_data has ${raw.length} bytes, shape [${dims.join(', ')}] needs ${n * 4} (corrupt file?)`);
    const view = rawView(raw);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }
  const data = t.float_data ?? [];
  if (data.length !== n) throw new OnnxError(`${what}: has ${data.length} values, shape [${dims.join(', ')}] needs ${n} (corrupt file?)`);
  return Float32Array.from(data);
}

/** The values of an INT64 (or INT32) tensor as numbers: shapes and axes. */
export function readIntegers(t: TensorProto, what: string): number[] {
  checkStoredInline(t, what);
  const dims = checkDims(t, what);
  const n = elementCount(dims);
  const raw = t.raw_data;
  if (t.data_type === DataType.INT64) {
    if (raw && raw.length > 0) {
      if (raw.length !== n * 8) throw new OnnxError(`${what}: raw_data has ${raw.length} bytes, shape [${dims.join(', ')}] needs ${n * 8} (corrupt file?)`);
      const view = rawView(raw);
      return Array.from({ length: n }, (_, i) => {
        const v = view.getBigInt64(i * 8, true);
        // INT64_MAX / INT64_MIN mean "to the end" in Slice bounds: clamp them to the safe-integer range
        if (v > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
        if (v < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
        return Number(v);
      });
    }
    const data = t.int64_data ?? [];
    if (data.length !== n) throw new OnnxError(`${what}: has ${data.length} values, shape [${dims.join(', ')}] needs ${n} (corrupt file?)`);
    return [...data];
  }
  if (t.data_type === DataType.INT32) {
    if (raw && raw.length > 0) {
      if (raw.length !== n * 4) throw new OnnxError(`${what}: raw_data has ${raw.length} bytes, shape [${dims.join(', ')}] needs ${n * 4} (corrupt file?)`);
      const view = rawView(raw);
      return Array.from({ length: n }, (_, i) => view.getInt32(i * 4, true));
    }
    const data = t.int32_data ?? [];
    if (data.length !== n) throw new OnnxError(`${what}: has ${data.length} values, shape [${dims.join(', ')}] needs ${n} (corrupt file?)`);
    return [...data];
  }
  throw new OnnxError(`${what} has data type ${dataTypeName(t.data_type)}; an INT64 tensor is expected here`);
}

/** A FLOAT TensorProto with little-endian raw_data. */
export function float32Tensor(name: string, dims: readonly number[], data: Float32Array): TensorProto {
  const raw = new Uint8Array(data.length * 4);
  const view = rawView(raw);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
  return { name, dims: [...dims], data_type: DataType.FLOAT, raw_data: raw };
}

/** An INT64 TensorProto with little-endian raw_data. */
export function int64Tensor(name: string, dims: readonly number[], values: readonly number[]): TensorProto {
  const raw = new Uint8Array(values.length * 8);
  const view = rawView(raw);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return { name, dims: [...dims], data_type: DataType.INT64, raw_data: raw };
}
