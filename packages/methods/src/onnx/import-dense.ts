/**
 * Fully connected layers: Gemm, and MatMul with a constant right operand
 * (followed by an Add of a constant bias, which is folded in). Both become the
 * IR's Dense (weight [out, in], y = x W^T + b); transB, alpha and beta are
 * folded into the weight and the bias at import.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { ImportContext } from './import-context.js';
import type { NodeAttributes } from './onnx-attributes.js';
import { mainOutput, type OnnxOpImporter } from './onnx-op-importer.js';
import type { NodeProto } from './onnx-proto-types.js';

/** [rows, cols] row-major -> its transpose. */
function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}

function scaled(data: Float32Array, s: number): Float32Array {
  return s === 1 ? data : data.map((v) => v * s);
}

/** A constant that broadcasts to one value per output feature ([], [1], [out], [1, out]) as [out]; null otherwise. */
function perFeature(dims: readonly number[], data: Float32Array, out: number): Float32Array | null {
  const size = dims.reduce((p, d) => p * d, 1);
  if (dims.length > 2 || (dims.length === 2 && dims[0] !== 1)) return null;
  if (size === 1) return new Float32Array(out).fill(data[0]!);
  if (size === out && (dims.length === 0 || dims[dims.length - 1] === out)) return data;
  return null;
}

function requireMatrixInput(ctx: ImportContext, node: NodeProto, shape: readonly number[]): void {
  if (shape.length !== 2) {
    ctx.fail(node, `its data input has shape [${shape.join(', ')}]; only [batch, features] inputs are supported (Dense): flatten before the layer`);
  }
}

export const importGemm: OnnxOpImporter = {
  attributes: ['alpha', 'beta', 'transA', 'transB'],
  inputs: { min: 2, max: 3 },
  import(ctx: ImportContext, node: NodeProto, attrs: NodeAttributes) {
    const name = ctx.nodeName(node);
    const a = ctx.dataInput(node, 0, 'A');
    if (attrs.int('transA', 0) !== 0) {
      ctx.fail(node, 'transA=1 (a transposed data input) is not supported: the batch must be the first axis of A');
    }
    requireMatrixInput(ctx, node, a.shape);
    const b = ctx.floatConstant(node, 1, 'weight B');
    if (b.dims.length !== 2) ctx.fail(node, `the weight '${b.name}' must be 2-D, got [${b.dims.join(', ')}]`);
    const alpha = attrs.float('alpha', 1);
    const beta = attrs.float('beta', 1);
    // Dense wants [out, in]: transB=1 stores exactly that, transB=0 stores [in, out]
    const transB = attrs.int('transB', 0) !== 0;
    const [outF, inF] = transB ? [b.dims[0]!, b.dims[1]!] : [b.dims[1]!, b.dims[0]!];
    const weight = scaled(transB ? b.data : transpose(b.data, b.dims[0]!, b.dims[1]!), alpha);
    const params: Record<string, Tensor> = { weight: ctx.tensor(weight, [outF, inF]) };
    const paramNames: Record<string, string> = { weight: ctx.paramName(b.name, name, 'weight') };
    const output = mainOutput(ctx, node);
    const cName = node.input?.[2];
    if (!cName || beta === 0) {
      ctx.add(node, { type: 'Dense', inputs: [a.name], outputs: [output], params, paramNames });
      return;
    }
    if (ctx.isConstant(cName)) {
      const c = ctx.floatConstant(node, 2, 'bias C');
      const bias = perFeature(c.dims, c.data, outF);
      if (!bias) ctx.fail(node, `the bias C '${cName}' has shape [${c.dims.join(', ')}]; only a bias shared by all rows ([${outF}], [1, ${outF}] or a scalar) is supported`);
      params.bias = ctx.tensor(scaled(bias, beta), [outF]);
      paramNames.bias = ctx.paramName(cName, name, 'bias');
      ctx.add(node, { type: 'Dense', inputs: [a.name], outputs: [output], params, paramNames });
      return;
    }
    // a computed C: Dense without bias, then an Add of the two values
    if (beta !== 1) ctx.fail(node, `beta=${beta} with a computed C '${cName}' is not supported (only beta=1)`);
    const c = ctx.dataInput(node, 2, 'C');
    const product = `${output}:product`;
    ctx.add(node, { type: 'Dense', inputs: [a.name], outputs: [product], params, paramNames });
    ctx.add(node, { name: `${name}/Add`, type: 'Add', inputs: [product, c.name], outputs: [output] });
  },
};

/** MatMul of two computed values (attention's Q Kᵀ and A V): the IR's batched MatMul. */
function importComputedMatMul(ctx: ImportContext, node: NodeProto): void {
  const a = ctx.dataInput(node, 0, 'A');
  const b = ctx.dataInput(node, 1, 'B');
  ctx.add(node, { type: 'MatMul', inputs: [a.name, b.name], outputs: [mainOutput(ctx, node)] });
}

/** The bias of an Add that only reads this MatMul's output and a constant [out] vector (what exporters emit for Linear). */
function foldableBias(ctx: ImportContext, output: string, outF: number): { add: NodeProto; index: number; data: Float32Array } | null {
  const readers = ctx.consumersOf(output);
  const add = readers.length === 1 && readers[0]!.op_type === 'Add' && !readers[0]!.domain && !ctx.isGraphOutput(output) ? readers[0]! : undefined;
  if (!add || (add.input?.length ?? 0) !== 2 || add.attribute?.length || !add.output?.[0]) return null;
  const index = add.input![0] === output ? 1 : 0;
  if (!ctx.constant(add.input![index]!)) return null;
  const bias = ctx.floatConstant(add, index, 'bias');
  const data = perFeature(bias.dims, bias.data, outF);
  return data ? { add, index, data } : null;
}

export const importMatMul: OnnxOpImporter = {
  attributes: [],
  inputs: { min: 2, max: 2 },
  import(ctx: ImportContext, node: NodeProto) {
    const name = ctx.nodeName(node);
    const [left, right] = [node.input?.[0] ?? '', node.input?.[1] ?? ''];
    if (ctx.isConstant(left) && !ctx.isConstant(right)) {
      ctx.fail(node, `the constant '${left}' is the left operand (y = W x); only x W with a constant right operand is supported (Dense)`);
    }
    if (!ctx.isConstant(right)) return importComputedMatMul(ctx, node);
    const a = ctx.dataInput(node, 0, 'A');
    if (a.shape.length < 2) ctx.fail(node, `its data input has shape [${a.shape.join(', ')}]; MatMul needs rank 2 or more`);
    const b = ctx.floatConstant(node, 1, 'weight B');
    if (b.dims.length !== 2) ctx.fail(node, `the weight '${b.name}' must be 2-D [in, out], got [${b.dims.join(', ')}]`);
    const [inF, outF] = [b.dims[0]!, b.dims[1]!];
    const params: Record<string, Tensor> = { weight: ctx.tensor(transpose(b.data, inF, outF), [outF, inF]) };
    const paramNames: Record<string, string> = { weight: ctx.paramName(b.name, name, 'weight') };
    let output = mainOutput(ctx, node);
    // fold a following Add of a constant bias (what exporters emit for a Linear layer as MatMul + Add)
    const bias = foldableBias(ctx, output, outF);
    if (bias) {
      params.bias = ctx.tensor(bias.data, [outF]);
      paramNames.bias = ctx.paramName(bias.add.input![bias.index]!, name, 'bias');
      output = bias.add.output![0]!;
      ctx.folded.add(bias.add);
    }
    if (a.shape.length === 2) {
      ctx.add(node, { type: 'Dense', inputs: [a.name], outputs: [output], params, paramNames });
      return;
    }
    // a Linear on tokens [batch, ..., in]: rows [-1, in] -> Dense -> [batch, ..., out]
    ctx.add(node, { name: `${name}/rows`, type: 'Reshape', inputs: [a.name], outputs: [`${output}:rows`], attrs: { shape: [-1, inF] } });
    ctx.add(node, { type: 'Dense', inputs: [`${output}:rows`], outputs: [`${output}:dense`], params, paramNames });
    const back = [...a.shape.slice(0, -1), outF];
    if (back.filter((d) => d < 0).length > 1) ctx.fail(node, `its data input [${a.shape.join(', ')}] has more than one batch-dependent dimension; a Linear on it is not supported`);
    ctx.add(node, { name: `${name}/unrows`, type: 'Reshape', inputs: [`${output}:dense`], outputs: [output], attrs: { shape: back } });
  },
};
