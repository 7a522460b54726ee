/**
 * LayerNormalization (opset 17) and the decomposition older opsets export
 * for nn.LayerNorm: ReduceMean(x) -> Sub -> Pow 2 -> ReduceMean -> Add eps ->
 * Sqrt -> Div -> Mul scale -> Add bias, recognised and imported as one IR
 * LayerNorm (so LRP can hold the standard deviation constant, as AttnLRP and
 * CP-LRP do). A ReduceMean that starts no such chain is an IR ReduceMean.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { ImportContext } from './import-context.js';
import type { NodeAttributes } from './onnx-attributes.js';
import { mainOutput, requireExtraOutputsUnused, type OnnxOpImporter } from './onnx-op-importer.js';
import { floatValues, otherInput, soleConsumer } from './onnx-pattern.js';
import type { NodeProto } from './onnx-proto-types.js';

function emitLayerNorm(ctx: ImportContext, node: NodeProto, x: string, output: string, epsilon: number, scale: { name: string; data: Float32Array } | null, bias: { name: string; data: Float32Array } | null): void {
  const name = ctx.nodeName(node);
  const d = ctx.shapeOf(x)![ctx.shapeOf(x)!.length - 1]!;
  const params: Record<string, Tensor> = { scale: ctx.tensor(scale?.data ?? new Float32Array(d).fill(1), [d]) };
  const paramNames: Record<string, string> = { scale: ctx.paramName(scale?.name ?? '', name, 'scale') };
  if (bias) {
    params.bias = ctx.tensor(bias.data, [d]);
    paramNames.bias = ctx.paramName(bias.name, name, 'bias');
  }
  ctx.add(node, { type: 'LayerNorm', inputs: [x], outputs: [output], attrs: { epsilon }, params, paramNames });
}

export const importLayerNormalization: OnnxOpImporter = {
  attributes: ['axis', 'epsilon', 'stash_type'],
  inputs: { min: 2, max: 3 },
  import(ctx: ImportContext, node: NodeProto, attrs: NodeAttributes) {
    requireExtraOutputsUnused(ctx, node, 'the mean / inverse standard deviation');
    const x = ctx.dataInput(node, 0, 'X');
    const axis = attrs.int('axis', -1);
    if (axis !== -1 && axis !== x.shape.length - 1) ctx.fail(node, `axis=${axis} normalises more than the last axis of [${x.shape.join(', ')}]; only the last axis (-1) is supported`);
    const scale = ctx.floatConstant(node, 1, 'scale');
    const bias = node.input?.[2] ? ctx.floatConstant(node, 2, 'bias B') : null;
    emitLayerNorm(ctx, node, x.name, mainOutput(ctx, node), attrs.float('epsilon', 1e-5), scale, bias);
  },
};

const isLastAxisMean = (ctx: ImportContext, n: NodeProto | undefined, rank: number): boolean => {
  if (!n) return false;
  const axes = n.attribute?.find((a) => a.name === 'axes')?.ints ?? (n.input?.[1] ? ctx.intValue(n.input[1])?.data : undefined);
  const keep = n.attribute?.find((a) => a.name === 'keepdims')?.i ?? 1;
  return axes?.length === 1 && (Number(axes[0]) === -1 || Number(axes[0]) === rank - 1) && Number(keep) !== 0;
};

/** Try to read ReduceMean `mean` as the start of a LayerNorm decomposition; returns whether it was imported. */
function tryLayerNormChain(ctx: ImportContext, mean: NodeProto): boolean {
  const x = mean.input?.[0] ?? '';
  const rank = ctx.shapeOf(x)?.length ?? 0;
  if (!isLastAxisMean(ctx, mean, rank)) return false;
  const sub = soleConsumer(ctx, mean.output?.[0], 'Sub');
  if (!sub || sub.input?.[0] !== x || sub.input?.[1] !== mean.output?.[0]) return false;
  const centred = sub.output?.[0] ?? '';
  const readers = ctx.consumersOf(centred);
  const pow = readers.find((r) => r.op_type === 'Pow');
  const div = readers.find((r) => r.op_type === 'Div');
  if (readers.length !== 2 || !pow || !div || floatValues(ctx, pow, pow.input?.[1])?.[0] !== 2) return false;
  const mean2 = soleConsumer(ctx, pow.output?.[0], 'ReduceMean');
  if (!isLastAxisMean(ctx, mean2, rank)) return false;
  const addEps = soleConsumer(ctx, mean2!.output?.[0], 'Add');
  const eps = addEps ? floatValues(ctx, addEps, otherInput(addEps, mean2!.output![0]!)) : undefined;
  const sqrt = soleConsumer(ctx, addEps?.output?.[0], 'Sqrt');
  if (!eps || eps.length !== 1 || !sqrt || div.input?.[0] !== centred || div.input?.[1] !== sqrt.output?.[0]) return false;
  const chain = [sub, pow, mean2!, addEps!, sqrt, div];
  let output = div.output![0]!;
  const d = ctx.shapeOf(x)![rank - 1]!;
  const perFeature = (n: NodeProto | undefined, v: string): { name: string; data: Float32Array } | null => {
    const other = n ? otherInput(n, v) : undefined;
    const data = n && other ? floatValues(ctx, n, other) : undefined;
    return data && data.length === d && other ? { name: ctx.constant(other)!.name || other, data } : null;
  };
  const mul = soleConsumer(ctx, output, 'Mul');
  const scale = perFeature(mul, output);
  if (scale) {
    chain.push(mul!);
    output = mul!.output![0]!;
  }
  const add = soleConsumer(ctx, output, 'Add');
  const bias = perFeature(add, output);
  if (bias) {
    chain.push(add!);
    output = add!.output![0]!;
  }
  for (const n of chain) ctx.folded.add(n);
  emitLayerNorm(ctx, mean, x, output, eps[0]!, scale, bias);
  return true;
}

export const importReduceMean: OnnxOpImporter = {
  attributes: ['axes', 'keepdims', 'noop_with_empty_axes'],
  inputs: { min: 1, max: 2 },
  import(ctx: ImportContext, node: NodeProto, attrs: NodeAttributes) {
    const x = ctx.dataInput(node, 0, 'data');
    if (tryLayerNormChain(ctx, node)) return;
    const axes = node.input?.[1] ? ctx.intConstant(node, 1, 'axes') : (attrs.ints('axes') ?? []);
    if (axes.length === 0 && attrs.int('noop_with_empty_axes', 0) !== 0) ctx.fail(node, 'noop_with_empty_axes=1 with no axes is not supported');
    ctx.add(node, { type: 'ReduceMean', inputs: [x.name], outputs: [mainOutput(ctx, node)], attrs: { axes, keepdims: attrs.int('keepdims', 1) } });
  },
};
