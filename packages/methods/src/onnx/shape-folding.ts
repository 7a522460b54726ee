/**
 * Constant folding of shape computations at import. PyTorch exports a
 * dynamic batch as Shape -> Gather -> Unsqueeze -> Concat -> Reshape (and
 * `expand(x.shape[0], -1, -1)` as ConstantOfShape / Equal / Where -> Expand).
 * Every integer value here is known at import except the batch size, which
 * folds to the symbol BATCH; arithmetic on it gives UNKNOWN. Reshape and
 * Expand turn the symbols back into their "copy the batch" / "infer" forms.
 */
import { readIntegers, tensorDims } from './onnx-tensor.js';
import { DataType, type NodeProto } from './onnx-proto-types.js';
import type { ImportContext } from './import-context.js';
import { NodeAttributes } from './onnx-attributes.js';
import { float32Tensor } from './onnx-tensor.js';

/** The batch size, unknown at import. */
export const BATCH = -(2 ** 40);
/** A value computed from the batch size (B * T, ...). */
export const UNKNOWN = -(2 ** 40) - 1;

export interface IntValue {
  dims: number[];
  /** Row-major values; BATCH and UNKNOWN mark symbolic entries. */
  data: number[];
}

const symbolic = (v: number): boolean => v === BATCH || v === UNKNOWN;

function elementwise(a: IntValue, b: IntValue, f: (x: number, y: number) => number): IntValue | null {
  if (a.data.length !== b.data.length && a.data.length !== 1 && b.data.length !== 1) return null;
  const n = Math.max(a.data.length, b.data.length);
  const data = Array.from({ length: n }, (_, i) => f(a.data[a.data.length === 1 ? 0 : i]!, b.data[b.data.length === 1 ? 0 : i]!));
  return { dims: a.data.length >= b.data.length ? a.dims : b.dims, data };
}

const arithmetic = (f: (x: number, y: number) => number) => (x: number, y: number): number => (symbolic(x) || symbolic(y) ? UNKNOWN : f(x, y));

const BINARY: Record<string, (x: number, y: number) => number> = {
  Add: arithmetic((x, y) => x + y),
  Sub: arithmetic((x, y) => x - y),
  Mul: arithmetic((x, y) => x * y),
  Div: arithmetic((x, y) => Math.trunc(x / y)),
  // the batch (>= 1) equals no constant that shape code compares it with (-1, 0)
  Equal: (x, y) => (x === y && !symbolic(x) ? 1 : 0),
};

const FOLDABLE = new Set(['Shape', 'Gather', 'Unsqueeze', 'Squeeze', 'Concat', 'Reshape', 'Cast', 'ConstantOfShape', 'Where', 'Slice', 'Identity', ...Object.keys(BINARY)]);

function axisList(ctx: ImportContext, node: NodeProto, attrs: NodeAttributes, index: number): number[] {
  const fromInput = node.input?.[index] ? ctx.intValue(node.input[index]!)?.data : undefined;
  return fromInput ?? attrs.ints('axes') ?? [];
}

/** Slice of a 1-D integer value. */
function slice1d(v: IntValue, start: number, end: number, step: number): IntValue {
  const n = v.data.length;
  const clamp = (i: number): number => Math.min(Math.max(i < 0 ? i + n : i, step > 0 ? 0 : -1), step > 0 ? n : n - 1);
  const out: number[] = [];
  for (let i = clamp(start); step > 0 ? i < clamp(end) : i > clamp(end); i += step) out.push(v.data[i]!);
  return { dims: [out.length], data: out };
}

function foldOne(ctx: ImportContext, node: NodeProto, ins: Array<IntValue | undefined>): IntValue | null {
  const op = node.op_type ?? '';
  const attrs = new NodeAttributes(node, ['axis', 'axes', 'to', 'value', 'start', 'end', 'allowzero'], (m) => ctx.fail(node, m));
  const [a, b] = ins;
  switch (op) {
    case 'Shape': {
      const name = node.input![0]!;
      const proto = ctx.constant(name);
      const shape = ctx.intValue(name)?.dims ?? (proto ? tensorDims(proto) : ctx.shapeOf(name)!);
      const data = shape.map((d) => (d < 0 ? BATCH : d));
      const s = slice1d({ dims: [data.length], data }, attrs.int('start', 0), attrs.has('end') ? attrs.int('end', 0) : data.length, 1);
      return s;
    }
    case 'Gather': {
      if (a!.dims.length !== 1) return null;
      const idx = b!.data.map((i) => (i < 0 ? i + a!.data.length : i));
      return { dims: b!.dims, data: idx.map((i) => a!.data[i]!) };
    }
    case 'Unsqueeze': {
      const axes = axisList(ctx, node, attrs, 1);
      const dims = [...a!.dims];
      for (const ax of [...axes].map((x) => (x < 0 ? x + dims.length + axes.length : x)).sort((p, q) => p - q)) dims.splice(ax, 0, 1);
      return { dims, data: a!.data };
    }
    case 'Squeeze': return { dims: a!.dims.filter((d) => d !== 1), data: a!.data };
    case 'Concat': return { dims: [ins.reduce((p, v) => p + v!.data.length, 0)], data: ins.flatMap((v) => v!.data) };
    case 'Reshape': return { dims: b!.data.length === 1 ? [a!.data.length] : b!.data.map((d, i) => (d === 0 ? a!.dims[i]! : d === -1 ? a!.data.length / b!.data.filter((x) => x > 0).reduce((p, x) => p * x, 1) : d)), data: a!.data };
    case 'Identity': return a!;
    case 'Cast': return a!;
    case 'ConstantOfShape': {
      const t = attrs.tensor('value');
      const fill = t ? (t.data_type === DataType.FLOAT ? null : readIntegers(t, `${ctx.where(node)}: value`)[0]!) : null;
      if (fill === null) return null;
      return { dims: a!.data, data: new Array<number>(a!.data.reduce((p, d) => p * d, 1)).fill(fill) };
    }
    case 'Where': {
      const c = ins[0]!;
      const x = ins[1]!;
      const y = ins[2]!;
      const n = Math.max(c.data.length, x.data.length, y.data.length);
      const at = (v: IntValue, i: number): number => v.data[v.data.length === 1 ? 0 : i]!;
      return { dims: [n], data: Array.from({ length: n }, (_, i) => (at(c, i) ? at(x, i) : at(y, i))) };
    }
    case 'Slice': {
      const starts = ins[1]!.data;
      if (a!.dims.length !== 1 || starts.length !== 1) return null;
      return slice1d(a!, starts[0]!, ins[2]!.data[0]!, ins[4]?.data[0] ?? 1);
    }
    default: {
      const f = BINARY[op];
      return f ? elementwise(a!, b!, f) : null;
    }
  }
}

/**
 * Fold `node` if it computes on integer values known at import (or is a
 * Shape of a value whose shape is known). Returns false to let the node be
 * imported as a graph node instead.
 */
export function foldShapeNode(ctx: ImportContext, node: NodeProto): boolean {
  const op = node.op_type ?? '';
  if (!FOLDABLE.has(op) || (node.domain ?? '') !== '' && node.domain !== 'ai.onnx') return false;
  const names = node.input ?? [];
  let ins: Array<IntValue | undefined>;
  if (op === 'Shape') {
    const name = names[0] ?? '';
    if (!ctx.isConstant(name) && !ctx.shapeOf(name)) return false;
    ins = [];
  } else {
    ins = names.map((n) => (n ? ctx.intValue(n) : undefined));
    if (names.some((n, i) => n && !ins[i])) return false;
    if (op === 'Cast' && ctx.intValue(names[0]!) && node.attribute?.some((x) => x.name === 'to' && x.i === DataType.FLOAT)) {
      const v = ins[0]!;
      if (v.data.some(symbolic)) ctx.fail(node, 'casts the batch size to float; only shape computations that stay integer are supported');
      ctx.setConstant(node.output![0]!, float32Tensor(node.output![0]!, v.dims, Float32Array.from(v.data)));
      return true;
    }
  }
  const v = foldOne(ctx, node, ins);
  if (!v) return false;
  ctx.setIntValue(node.output![0]!, v);
  return true;
}
