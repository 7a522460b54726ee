/** Small helpers for recognising exported subgraphs (LayerNorm and GELU decompositions) at import. */
import type { ImportContext } from './import-context.js';
import type { NodeProto } from './onnx-proto-types.js';
import { readFloat32 } from './onnx-tensor.js';

/** The only reader of `value` if it has type `op` (and the value is not a graph output). */
export function soleConsumer(ctx: ImportContext, value: string | undefined, op: string): NodeProto | undefined {
  if (!value || ctx.isGraphOutput(value)) return undefined;
  const readers = ctx.consumersOf(value);
  return readers.length === 1 && readers[0]!.op_type === op && !readers[0]!.domain ? readers[0] : undefined;
}

/** The other input of a two-input node, given one of them. */
export function otherInput(node: NodeProto, value: string): string | undefined {
  const ins = node.input ?? [];
  if (ins.length !== 2) return undefined;
  if (ins[0] === value) return ins[1];
  return ins[1] === value ? ins[0] : undefined;
}

/** A float constant's values, or undefined when `value` is not a float constant. */
export function floatValues(ctx: ImportContext, node: NodeProto, value: string | undefined): Float32Array | undefined {
  const t = value ? ctx.constant(value) : undefined;
  if (!t || t.data_type !== 1) return undefined;
  return readFloat32(t, `${ctx.where(node)}: constant '${value}'`);
}

/** A scalar float constant equal to `expected` (within float32 rounding), e.g. the 0.5 and √2 of GELU. */
export function isScalar(ctx: ImportContext, node: NodeProto, value: string | undefined, expected: number): boolean {
  const v = floatValues(ctx, node, value);
  return v !== undefined && v.length === 1 && Math.abs(v[0]! - expected) <= 1e-6 * Math.max(1, Math.abs(expected));
}
