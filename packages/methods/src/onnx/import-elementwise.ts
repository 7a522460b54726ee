/**
 * Elementwise arithmetic: Mul, Sub, Div (two computed operands, or one and a
 * constant), Pow with a constant exponent, Sqrt, Erf, and Cast between
 * float types. The exported GELU, Div(x, √2) -> Erf -> Add 1 -> Mul x -> Mul
 * 0.5, and its tanh approximation are recognised and imported as one IR GELU
 * (an activation, so LRP composites pass relevance through it).
 */
import type { Attrs } from '../model/op.js';
import type { ImportContext } from './import-context.js';
import type { NodeAttributes } from './onnx-attributes.js';
import { mainOutput, type OnnxOpImporter } from './onnx-op-importer.js';
import { floatValues, isScalar, otherInput, soleConsumer } from './onnx-pattern.js';
import type { Tensor } from '@relevance/core-wasm';
import { DataType, dataTypeName, type NodeProto } from './onnx-proto-types.js';
import { readFloat32, tensorDims } from './onnx-tensor.js';

/** Div(u, √2) -> Erf -> Add(1) -> Mul(u) -> Mul(0.5) (either Mul order): the fused nodes and the output, or null. */
function geluChain(ctx: ImportContext, div: NodeProto): { nodes: NodeProto[]; output: string } | null {
  const u = div.input?.[0] ?? '';
  if (!isScalar(ctx, div, div.input?.[1], Math.SQRT2)) return null;
  const erf = soleConsumer(ctx, div.output?.[0], 'Erf');
  const add = soleConsumer(ctx, erf?.output?.[0], 'Add');
  if (!erf || !add || !isScalar(ctx, add, otherInput(add, erf.output![0]!), 1)) return null;
  const m1 = soleConsumer(ctx, add.output?.[0], 'Mul');
  const m2 = soleConsumer(ctx, m1?.output?.[0], 'Mul');
  if (!m1 || !m2) return null;
  const o1 = otherInput(m1, add.output![0]!);
  const o2 = otherInput(m2, m1.output![0]!);
  const ok = (o1 === u && isScalar(ctx, m2, o2, 0.5)) || (o2 === u && isScalar(ctx, m1, o1, 0.5));
  return ok ? { nodes: [erf, add, m1, m2], output: m2.output![0]! } : null;
}

/** The other input of `n` when it is a scalar constant close to `c`, and `v` is its computed input. */
const scaledBy = (ctx: ImportContext, n: NodeProto | undefined, v: string, c: number): boolean => !!n && isScalar(ctx, n, otherInput(n, v), c);

/**
 * The tanh approximation as PyTorch exports it: Mul(x, x) -> Mul x -> Mul 0.044715 -> Add x -> Mul √(2/π)
 * -> Tanh -> Add 1 -> Mul x -> Mul 0.5 (constants on either side).
 */
function geluTanhChain(ctx: ImportContext, square: NodeProto): { nodes: NodeProto[]; output: string } | null {
  const x = square.input?.[0] ?? '';
  if (square.input?.[1] !== x) return null;
  const cube = soleConsumer(ctx, square.output?.[0], 'Mul');
  if (!cube || otherInput(cube, square.output![0]!) !== x) return null;
  const scaled = soleConsumer(ctx, cube.output?.[0], 'Mul');
  const inner = soleConsumer(ctx, scaled?.output?.[0], 'Add');
  if (!scaledBy(ctx, scaled, cube.output![0]!, 0.044715) || !inner || otherInput(inner, scaled!.output![0]!) !== x) return null;
  const k = soleConsumer(ctx, inner.output?.[0], 'Mul');
  const tanh = soleConsumer(ctx, k?.output?.[0], 'Tanh');
  if (!scaledBy(ctx, k, inner.output![0]!, Math.sqrt(2 / Math.PI)) || !tanh) return null;
  const plus = soleConsumer(ctx, tanh.output?.[0], 'Add');
  const m1 = soleConsumer(ctx, plus?.output?.[0], 'Mul');
  const m2 = soleConsumer(ctx, m1?.output?.[0], 'Mul');
  if (!scaledBy(ctx, plus, tanh.output![0]!, 1) || !m1 || !m2 || otherInput(m1, plus!.output![0]!) !== x || !scaledBy(ctx, m2, m1.output![0]!, 0.5)) return null;
  return { nodes: [cube, scaled!, inner, k!, tanh, plus!, m1, m2], output: m2.output![0]! };
}

/** Import a recognised GELU chain starting at `node` as one IR GELU; false when `node` starts none. */
function tryGelu(ctx: ImportContext, node: NodeProto, type: 'Mul' | 'Sub' | 'Div'): boolean {
  const name = ctx.nodeName(node);
  const exact = type === 'Div' ? geluChain(ctx, node) : null;
  const tanh = type === 'Mul' && !exact ? geluTanhChain(ctx, node) : null;
  const chain = exact ?? tanh;
  if (!chain) return false;
  for (const n of chain.nodes) ctx.folded.add(n);
  const x = ctx.dataInput(node, 0, 'input');
  const attrs: Attrs = tanh ? { approximate: 'tanh' } : {};
  ctx.add(node, { name: `${name.slice(0, name.lastIndexOf('/') + 1) || `${name}/`}Gelu`, type: 'GELU', inputs: [x.name], outputs: [chain.output], attrs });
  return true;
}

function binary(type: 'Mul' | 'Sub' | 'Div'): OnnxOpImporter {
  return {
    attributes: [],
    inputs: { min: 2, max: 2 },
    import(ctx: ImportContext, node: NodeProto) {
      const name = ctx.nodeName(node);
      const [a, b] = [node.input?.[0] ?? '', node.input?.[1] ?? ''];
      if (!ctx.isConstant(a) && tryGelu(ctx, node, type)) return;
      if (ctx.isConstant(a) && ctx.isConstant(b)) ctx.fail(node, `both operands ('${a}', '${b}') are constants; export with do_constant_folding=True so they are folded`);
      const output = mainOutput(ctx, node);
      if (!ctx.isConstant(a) && !ctx.isConstant(b)) {
        ctx.add(node, { type, inputs: [ctx.dataInput(node, 0, 'A').name, ctx.dataInput(node, 1, 'B').name], outputs: [output] });
        return;
      }
      const constantFirst = ctx.isConstant(a);
      const x = ctx.dataInput(node, constantFirst ? 1 : 0, 'data');
      const c = ctx.floatConstant(node, constantFirst ? 0 : 1, 'constant');
      ctx.add(node, {
        type,
        inputs: [x.name],
        outputs: [output],
        attrs: constantFirst ? { constantFirst: true } : {},
        params: { constant: ctx.tensor(c.data, c.dims) },
        paramNames: { constant: ctx.paramName(c.name, name, 'constant') },
      });
    },
  };
}

export const importMul = binary('Mul');
export const importSub = binary('Sub');
export const importDiv = binary('Div');

function unary(type: string): OnnxOpImporter {
  return {
    attributes: [],
    inputs: { min: 1, max: 1 },
    import(ctx: ImportContext, node: NodeProto) {
      ctx.add(node, { type, inputs: [ctx.dataInput(node, 0, 'input').name], outputs: [mainOutput(ctx, node)] });
    },
  };
}

export const importSqrt = unary('Sqrt');
export const importErf = unary('Erf');

export const importPow: OnnxOpImporter = {
  attributes: [],
  inputs: { min: 2, max: 2 },
  import(ctx: ImportContext, node: NodeProto) {
    const x = ctx.dataInput(node, 0, 'X');
    const e = floatValues(ctx, node, node.input?.[1]) ?? ctx.intValue(node.input?.[1] ?? '')?.data;
    if (!e || e.length !== 1) ctx.fail(node, `the exponent '${node.input?.[1]}' must be a scalar constant; a computed or per-element exponent is not supported`);
    ctx.add(node, { type: 'Pow', inputs: [x.name], outputs: [mainOutput(ctx, node)], attrs: { exponent: Number(e[0]) } });
  },
};

/** Cast of a computed value: only to float (a no-op on float32 data); integer casts are shape computations, folded at import. */
export const importCast: OnnxOpImporter = {
  attributes: ['to', 'saturate'],
  inputs: { min: 1, max: 1 },
  import(ctx: ImportContext, node: NodeProto, attrs: NodeAttributes) {
    const to = attrs.int('to', 0);
    if (to !== DataType.FLOAT) ctx.fail(node, `casts a computed float value to ${dataTypeName(to)}; only casts to FLOAT are supported on data (integer casts must be shape computations, which are folded)`);
    ctx.add(node, { type: 'Identity', inputs: [ctx.dataInput(node, 0, 'input').name], outputs: [mainOutput(ctx, node)] });
  },
};

/** A constant condition as 0/1 floats: a folded integer / boolean value (Equal of shapes) or a BOOL / INT / FLOAT constant. */
function conditionOf(ctx: ImportContext, node: NodeProto): { dims: number[]; data: Float32Array } {
  const name = node.input?.[0] ?? '';
  const folded = ctx.intValue(name);
  if (folded) return { dims: folded.dims, data: Float32Array.from(folded.data, (v) => (v ? 1 : 0)) };
  const t = ctx.constant(name);
  if (!t) ctx.fail(node, `the condition '${name}' is computed from data values; only a constant condition (a fixed mask) is supported`);
  if (t.data_type === DataType.FLOAT) return { dims: tensorDims(t), data: readFloat32(t, `${ctx.where(node)}: condition`).map((v) => (v ? 1 : 0)) };
  if (t.data_type !== DataType.BOOL) ctx.fail(node, `the condition '${name}' has type ${dataTypeName(t.data_type)}; BOOL is expected`);
  const dims = tensorDims(t);
  const raw = t.raw_data && t.raw_data.length ? Array.from(t.raw_data) : (t.int32_data ?? []);
  return { dims, data: Float32Array.from(raw, (v) => (v ? 1 : 0)) };
}

/** Where with a constant condition (an attention mask); a and b computed, or one of them constant. */
export const importWhere: OnnxOpImporter = {
  attributes: [],
  inputs: { min: 3, max: 3 },
  import(ctx: ImportContext, node: NodeProto) {
    const name = ctx.nodeName(node);
    const cond = conditionOf(ctx, node);
    const [a, b] = [node.input?.[1] ?? '', node.input?.[2] ?? ''];
    const params: Record<string, Tensor> = { condition: ctx.tensor(cond.data, cond.dims) };
    const paramNames: Record<string, string> = { condition: ctx.paramName(node.input?.[0] ?? '', name, 'condition') };
    const output = mainOutput(ctx, node);
    if (ctx.isConstant(a) && ctx.isConstant(b)) ctx.fail(node, `both values ('${a}', '${b}') are constants; export with do_constant_folding=True`);
    if (!ctx.isConstant(a) && !ctx.isConstant(b)) {
      ctx.add(node, { type: 'Where', inputs: [ctx.dataInput(node, 1, 'X').name, ctx.dataInput(node, 2, 'Y').name], outputs: [output], params, paramNames });
      return;
    }
    const side = ctx.isConstant(a) ? 0 : 1;
    const x = ctx.dataInput(node, side === 0 ? 2 : 1, 'data');
    const c = ctx.floatConstant(node, side === 0 ? 1 : 2, 'constant');
    params.constant = ctx.tensor(c.data, c.dims);
    paramNames.constant = ctx.paramName(c.name, name, 'constant');
    ctx.add(node, { type: 'Where', inputs: [x.name], outputs: [output], attrs: { constantSide: side }, params, paramNames });
  },
};
