/**
 * The `.relevance` model file: everything needed to rebuild a Model, in one
 * file that is quick to parse in Node and in browsers.
 *
 *   bytes 0..9     magic "RELEVANCE\0"
 *   bytes 10..13   u32 little-endian: header length H
 *   bytes 14..     H bytes of UTF-8 JSON (RelevanceHeader)
 *   zero padding to a multiple of 4, then the weights: little-endian float32,
 *   each parameter at header-given byte offsets relative to the weights start.
 *
 * The header carries a format version; readers reject versions they do not
 * know instead of guessing.
 */
import type { Backend, Tensor } from '@relevance/core-wasm';
import { Model, type NodeSpec, type ValueInfo } from '../model/model.js';
import { checkFiniteParameter } from './finite-parameters.js';
import { ModelError, type AttrValue, type Attrs } from '../model/op.js';

export const RELEVANCE_MAGIC = 'RELEVANCE\0';
export const RELEVANCE_FORMAT_VERSION = 1;

/** Free-form JSON stored with the model (training configuration, dataset, metrics, ...). */
export type RelevanceMetadata = Record<string, unknown>;

export interface RelevanceParamEntry {
  /** Public parameter name (e.g. 'fc1.weight'). */
  name: string;
  shape: number[];
  /** Byte offset from the start of the weights section. */
  offset: number;
  /** Number of float32 values. */
  length: number;
}

export interface RelevanceNodeEntry {
  name: string;
  type: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, AttrValue>;
  params: Record<string, RelevanceParamEntry>;
}

export interface RelevanceHeader {
  format: 'relevance';
  version: number;
  graph: { inputs: ValueInfo[]; outputs: string[]; nodes: RelevanceNodeEntry[] };
  weights: { dtype: 'float32'; byteOrder: 'little'; bytes: number };
  metadata?: RelevanceMetadata;
}

export interface LoadModelOptions {
  /** Names the file in error messages (default 'model.relevance'). */
  source?: string;
}

const MAGIC_BYTES = new TextEncoder().encode(RELEVANCE_MAGIC);
const PREFIX = MAGIC_BYTES.length + 4;
const align4 = (n: number): number => (n + 3) & ~3;

function checkAttrs(node: string, attrs: Attrs): Record<string, AttrValue> {
  for (const [k, v] of Object.entries(attrs)) {
    const values = Array.isArray(v) ? v : [v];
    // JSON would turn NaN and Infinity into null and silently change the model
    if (values.some((x) => typeof x === 'number' && !Number.isFinite(x))) {
      throw new ModelError(`saveModel: node '${node}' attribute '${k}' = ${String(v)} cannot be stored (not a finite number)`);
    }
  }
  return { ...attrs };
}

/**
 * Serialise a model (graph, parameters) and optional metadata. Asynchronous
 * because parameters are read back from the backend (WebGPU reads are async).
 */
export async function saveModel(model: Model, metadata?: RelevanceMetadata): Promise<Uint8Array> {
  const chunks: Float32Array[] = [];
  let offset = 0;
  const nodes: RelevanceNodeEntry[] = [];
  for (const n of model.nodes) {
    const params: Record<string, RelevanceParamEntry> = {};
    for (const [role, t] of Object.entries(n.params)) {
      const data = await model.be.readFloat(t);
      params[role] = { name: n.paramNames[role]!, shape: [...t.shape], offset, length: data.length };
      chunks.push(data);
      offset += data.length * 4;
    }
    nodes.push({ name: n.name, type: n.type, inputs: [...n.inputs], outputs: [...n.outputs], attrs: checkAttrs(n.name, n.attrs), params });
  }
  const header: RelevanceHeader = {
    format: 'relevance',
    version: RELEVANCE_FORMAT_VERSION,
    graph: { inputs: model.inputs.map((i) => ({ name: i.name, shape: [...i.shape] })), outputs: [...model.outputs], nodes },
    weights: { dtype: 'float32', byteOrder: 'little', bytes: offset },
  };
  if (metadata !== undefined) header.metadata = metadata;
  let json: string;
  try {
    json = JSON.stringify(header);
  } catch (e) {
    throw new ModelError(`saveModel: the metadata cannot be stored as JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const headerBytes = new TextEncoder().encode(json);
  const dataStart = align4(PREFIX + headerBytes.length);
  const out = new Uint8Array(dataStart + offset);
  out.set(MAGIC_BYTES, 0);
  const view = new DataView(out.buffer);
  view.setUint32(MAGIC_BYTES.length, headerBytes.length, true);
  out.set(headerBytes, PREFIX);
  let at = dataStart;
  for (const c of chunks) {
    for (let i = 0; i < c.length; i++) view.setFloat32(at + i * 4, c[i]!, true);
    at += c.length * 4;
  }
  return out;
}

function readHeader(bytes: Uint8Array, source: string): { header: RelevanceHeader; dataStart: number } {
  if (!(bytes instanceof Uint8Array)) throw new ModelError(`${source}: expected the file's bytes as a Uint8Array (or Buffer)`);
  if (bytes.length < PREFIX) throw new ModelError(`${source} is not a .relevance model file: it has only ${bytes.length} bytes (truncated?)`);
  if (MAGIC_BYTES.some((b, i) => bytes[i] !== b)) {
    throw new ModelError(`${source} is not a .relevance model file (wrong magic bytes; expected "RELEVANCE\\0"; for ONNX files use importOnnx / loadOnnxFile)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(MAGIC_BYTES.length, true);
  if (PREFIX + headerLength > bytes.length) {
    throw new ModelError(`${source} is truncated: its header needs ${PREFIX + headerLength} bytes, the file has ${bytes.length}`);
  }
  let header: RelevanceHeader;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREFIX, PREFIX + headerLength))) as RelevanceHeader;
  } catch (e) {
    throw new ModelError(`${source}: the header is not valid JSON (corrupt file): ${e instanceof Error ? e.message : String(e)}`);
  }
  if (header === null || typeof header !== 'object' || header.format !== 'relevance') throw new ModelError(`${source}: the header does not describe a relevance model (corrupt file)`);
  if (header.version !== RELEVANCE_FORMAT_VERSION) {
    const newer = typeof header.version === 'number' && header.version > RELEVANCE_FORMAT_VERSION;
    throw new ModelError(`${source}: .relevance format version ${JSON.stringify(header.version)} is not supported; this build reads version ${RELEVANCE_FORMAT_VERSION}${newer ? ' (the file was written by a newer Relevance: upgrade)' : ''}`);
  }
  const g = header.graph;
  if (!g || !Array.isArray(g.inputs) || !Array.isArray(g.outputs) || !Array.isArray(g.nodes) || !header.weights || header.weights.dtype !== 'float32') {
    throw new ModelError(`${source}: the header is incomplete (graph inputs, outputs, nodes and float32 weights expected; corrupt file?)`);
  }
  const dataStart = align4(PREFIX + headerLength);
  if (dataStart + header.weights.bytes > bytes.length) {
    throw new ModelError(`${source} is truncated: it should have ${dataStart + header.weights.bytes} bytes, it has ${bytes.length}`);
  }
  return { header, dataStart };
}

/** Rebuild a model saved with saveModel. The caller owns the model (dispose it). */
export function loadModel(be: Backend, bytes: Uint8Array, options: LoadModelOptions = {}): { model: Model; metadata: RelevanceMetadata } {
  const source = options.source ?? 'model.relevance';
  const { header, dataStart } = readHeader(bytes, source);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const created: Tensor[] = [];
  try {
    const nodes: NodeSpec[] = header.graph.nodes.map((n) => {
      const params: Record<string, Tensor> = {};
      const paramNames: Record<string, string> = {};
      for (const [role, p] of Object.entries(n.params ?? {})) {
        const count = (p.shape ?? []).reduce((a, d) => a * d, 1);
        if (count !== p.length || p.offset < 0 || p.offset % 4 !== 0 || p.offset + p.length * 4 > header.weights.bytes) {
          throw new ModelError(`${source}: parameter '${p.name}' of node '${n.name}' has an invalid shape or location (corrupt file)`);
        }
        const data = new Float32Array(p.length);
        const at = dataStart + p.offset;
        for (let i = 0; i < p.length; i++) data[i] = view.getFloat32(at + i * 4, true);
        checkFiniteParameter(data, `${source}: parameter '${p.name}' of node '${n.name}'`);
        const t = be.tensor(data, p.shape);
        created.push(t);
        params[role] = t;
        paramNames[role] = p.name;
      }
      return { name: n.name, type: n.type, inputs: n.inputs, outputs: n.outputs, attrs: n.attrs ?? {}, params, paramNames };
    });
    const model = new Model(be, { inputs: header.graph.inputs, outputs: header.graph.outputs, nodes });
    return { model, metadata: header.metadata ?? {} };
  } catch (e) {
    for (const t of created) t.dispose();
    const message = e instanceof Error ? e.message : String(e);
    throw new ModelError(message.startsWith(source) ? message : `${source}: ${message}`);
  }
}
