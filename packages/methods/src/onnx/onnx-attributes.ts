/**
 * Typed access to a node's attributes. Construction checks every attribute
 * against the importer's list, so an attribute Relevance does not understand
 * fails loudly (with the list of supported ones) instead of being ignored and
 * silently changing the model's meaning.
 */
import { AttributeType, type AttributeProto, type NodeProto, type TensorProto } from './onnx-proto-types.js';

const TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(AttributeType).map(([k, v]) => [v, k]));

/** The attribute's type; IR version 1 files did not store it, so fall back to the field in use. */
function attributeType(a: AttributeProto): number {
  if (a.type) return a.type;
  if (a.ints?.length) return AttributeType.INTS;
  if (a.floats?.length) return AttributeType.FLOATS;
  if (a.strings?.length) return AttributeType.STRINGS;
  if (a.t) return AttributeType.TENSOR;
  if (a.g) return AttributeType.GRAPH;
  if (a.s?.length) return AttributeType.STRING;
  if (a.f !== undefined) return AttributeType.FLOAT;
  return AttributeType.INT;
}

const utf8 = new TextDecoder();

export class NodeAttributes {
  private readonly byName = new Map<string, AttributeProto>();

  /** `fail` throws an error that names the file, op and node. */
  constructor(node: NodeProto, supported: readonly string[], private readonly fail: (message: string) => never) {
    for (const a of node.attribute ?? []) {
      const name = a.name ?? '';
      if (a.ref_attr_name) fail(`attribute '${name}' refers to a function attribute ('${a.ref_attr_name}'), which is only valid inside ONNX functions`);
      if (!supported.includes(name)) {
        fail(`attribute '${name}' is not supported; supported attributes of ${node.op_type}: ${supported.length ? supported.join(', ') : 'none'}`);
      }
      this.byName.set(name, a);
    }
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  private get(name: string, expected: number): AttributeProto | undefined {
    const a = this.byName.get(name);
    if (!a) return undefined;
    const t = attributeType(a);
    if (t !== expected) this.fail(`attribute '${name}' must be ${TYPE_NAMES[expected]}, got ${TYPE_NAMES[t] ?? `type ${t}`}`);
    return a;
  }

  int(name: string, dflt: number): number {
    const a = this.get(name, AttributeType.INT);
    return a ? (a.i ?? 0) : dflt;
  }

  float(name: string, dflt: number): number {
    const a = this.get(name, AttributeType.FLOAT);
    return a ? (a.f ?? 0) : dflt;
  }

  ints(name: string): number[] | undefined {
    const a = this.get(name, AttributeType.INTS);
    return a ? [...(a.ints ?? [])] : undefined;
  }

  floats(name: string): number[] | undefined {
    const a = this.get(name, AttributeType.FLOATS);
    return a ? [...(a.floats ?? [])] : undefined;
  }

  string(name: string, dflt: string): string {
    const a = this.get(name, AttributeType.STRING);
    return a ? utf8.decode(a.s ?? new Uint8Array(0)) : dflt;
  }

  strings(name: string): string[] | undefined {
    const a = this.get(name, AttributeType.STRINGS);
    return a ? (a.strings ?? []).map((b) => utf8.decode(b)) : undefined;
  }

  tensor(name: string): TensorProto | undefined {
    return this.get(name, AttributeType.TENSOR)?.t;
  }

  /** Fail unless the attribute is absent or one of `allowed` (e.g. storage_order must be 0). */
  requireInt(name: string, dflt: number, allowed: readonly number[], why: string): number {
    const v = this.int(name, dflt);
    if (!allowed.includes(v)) this.fail(`attribute ${name}=${v} is not supported (${why})`);
    return v;
  }
}
