/**
 * Data movement on computed values: Transpose, Gather (constant indices),
 * Slice, Split, Expand, Unsqueeze and Squeeze (as IR Reshape), and the
 * Reshape / Expand targets that shape folding leaves with batch symbols.
 * Shape, Equal and ConstantOfShape only ever appear as folded shape
 * computations; on data values they are refused with the reason.
 */
import type { ImportContext } from './import-context.js';
import type { NodeAttributes } from './onnx-attributes.js';
import { mainOutput, type OnnxOpImporter } from './onnx-op-importer.js';
import type { NodeProto } from './onnx-proto-types.js';
import { BATCH, UNKNOWN } from './shape-folding.js';

/** A folded shape as an IR target: the batch symbol at 0 copies dimension 0 (0); one other symbolic entry is inferred (-1). */
export function shapeTarget(ctx: ImportContext, node: NodeProto, input: readonly number[], target: readonly number[]): number[] {
  const out = target.map((d, i) => (d === BATCH && i === 0 && input[0]! < 0 ? 0 : d === BATCH || d === UNKNOWN ? -1 : d));
  if (out.filter((d) => d === -1).length > 1) {
    ctx.fail(node, `the target shape depends on the batch size in more than one place ([${target.map((d) => (d === BATCH ? 'batch' : d === UNKNOWN ? '?' : d)).join(', ')}]); only one dimension may be inferred`);
  }
  return out;
}

/** The IR Reshape target for an input shape -> output shape with the batch (dynamic, -1) kept at axis 0. */
function staticTarget(ctx: ImportContext, node: NodeProto, outShape: readonly number[]): number[] {
  if (outShape.slice(1).some((d) => d < 0)) ctx.fail(node, `moves the batch axis (result [${outShape.join(', ')}]); only axes after the batch may change`);
  return outShape.map((d, i) => (i === 0 && d < 0 ? 0 : d));
}

function axesOf(ctx: ImportContext, node: NodeProto, attrs: NodeAttributes): number[] {
  return node.input?.[1] ? ctx.intConstant(node, 1, 'axes') : (attrs.ints('axes') ?? []);
}

export const importUnsqueeze: OnnxOpImporter = {
  attributes: ['axes'],
  inputs: { min: 1, max: 2 },
  import(ctx: ImportContext, node: NodeProto, attrs: NodeAttributes) {
    const x = ctx.dataInput(node, 0, 'data');
    const axes = axesOf(ctx, node, attrs);
    const rank = x.shape.length + axes.length;
    const out = [...x.shape];
    for (const a of axes.map((v) => (v < 0 ? v + rank : v)).sort((p, q) => p - q)) {
      if (a === 0) ctx.fail(node, 'inserts an axis before the batch axis; only axes after it are supported');
      out.splice(a, 0, 1);
    }
    ctx.add(node, { type: 'Reshape', inputs: [x.name], outputs: [mainOutput(ctx, node)], attrs: { shape: staticTarget(ctx, node, out) } });
  },
};

export const importSqueeze: OnnxOpImporter = {
  attributes: ['axes'],
  inputs: { min: 1, max: 2 },
  import(ctx: ImportContext, node: NodeProto, attrs: NodeAttributes) {
    const x = ctx.dataInput(node, 0, 'data');
    const axes = axesOf(ctx, node, attrs).map((v) => (v < 0 ? v + x.shape.length : v));
    const drop = axes.length ? axes : x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
    for (const a of drop) if (a === 0 || x.shape[a] !== 1) ctx.fail(node, `cannot squeeze axis ${a} of [${x.shape.join(', ')}] (it must have size 1 and not be the batch axis)`);
    const out = x.shape.filter((_, i) => !drop.includes(i));
    ctx.add(node, { type: 'Reshape', inputs: [x.name], outputs: [mainOutput(ctx, node)], attrs: { shape: staticTarget(ctx, node, out) } });
  },
};

export const importTranspose: OnnxOpImporter = {
  attributes: ['perm'],
  inputs: { min: 1, max: 1 },
  import(ctx: ImportContext, node: NodeProto, attrs: NodeAttributes) {
    const x = ctx.dataInput(node, 0, 'data');
    const perm = attrs.ints('perm') ?? [...x.shape.keys()].reverse();
    ctx.add(node, { type: 'Transpose', inputs: [x.name], outputs: [mainOutput(ctx, node)], attrs: { perm } });
  },
};

export const importGather: OnnxOpImporter = {
  attributes: ['axis'],
  inputs: { min: 2, max: 2 },
  import(ctx: ImportContext, node: NodeProto, attrs: NodeAttributes) {
    if (ctx.isConstant(node.input?.[0] ?? '')) ctx.fail(node, 'gathers from a constant table with computed indices (an embedding lookup), which is not supported; feed the embedded tokens as the graph input');
    const x = ctx.dataInput(node, 0, 'data');
    const idx = ctx.intValue(node.input?.[1] ?? '');
    if (!idx) ctx.fail(node, `the indices '${node.input?.[1]}' are computed by the graph; only constant indices are supported`);
    if (idx.dims.length > 1) ctx.fail(node, `the indices have shape [${idx.dims.join(', ')}]; only a scalar or a 1-D list is supported`);
    const axis = attrs.int('axis', 0);
    const n = x.shape[axis < 0 ? axis + x.shape.length : axis] ?? 0;
    const indices = idx.data.map((i) => (i < 0 ? i + n : i));
    ctx.add(node, { type: 'Gather', inputs: [x.name], outputs: [mainOutput(ctx, node)], attrs: { axis, indices, scalar: idx.dims.length === 0 ? 1 : 0 } });
  },
};

export const importSlice: OnnxOpImporter = {
  attributes: [],
  inputs: { min: 3, max: 5 },
  import(ctx: ImportContext, node: NodeProto) {
    const x = ctx.dataInput(node, 0, 'data');
    const starts = ctx.intConstant(node, 1, 'starts');
    const ends = ctx.intConstant(node, 2, 'ends');
    const axes = node.input?.[3] ? ctx.intConstant(node, 3, 'axes') : starts.map((_, i) => i);
    const steps = node.input?.[4] ? ctx.intConstant(node, 4, 'steps') : starts.map(() => 1);
    ctx.add(node, { type: 'Slice', inputs: [x.name], outputs: [mainOutput(ctx, node)], attrs: { starts, ends, axes, steps } });
  },
};

export const importSplit: OnnxOpImporter = {
  attributes: ['axis', 'split', 'num_outputs'],
  inputs: { min: 1, max: 2 },
  import(ctx: ImportContext, node: NodeProto, attrs: NodeAttributes) {
    const x = ctx.dataInput(node, 0, 'input');
    const axis = attrs.int('axis', 0);
    const outputs = node.output ?? [];
    const dim = x.shape[axis < 0 ? axis + x.shape.length : axis] ?? 0;
    let split = node.input?.[1] ? ctx.intConstant(node, 1, 'split') : attrs.ints('split');
    if (!split) {
      const parts = attrs.int('num_outputs', outputs.length);
      const size = Math.ceil(dim / parts);
      split = Array.from({ length: parts }, (_, i) => Math.min(size, dim - i * size));
    }
    if (split.length !== outputs.length) ctx.fail(node, `has ${outputs.length} outputs but ${split.length} split sizes`);
    ctx.add(node, { type: 'Split', inputs: [x.name], outputs: [...outputs], attrs: { axis, split } });
  },
};

export const importExpand: OnnxOpImporter = {
  attributes: [],
  inputs: { min: 2, max: 2 },
  import(ctx: ImportContext, node: NodeProto) {
    const name = ctx.nodeName(node);
    const target = ctx.intConstant(node, 1, 'shape');
    const output = mainOutput(ctx, node);
    const batchAt = target.indexOf(BATCH);
    if (target.some((d, i) => d === UNKNOWN || (d === BATCH && i !== 0))) ctx.fail(node, `the target shape depends on the batch size other than as its first dimension; not supported`);
    const shape = target.map((d) => (d === BATCH ? -1 : d));
    if (!ctx.isConstant(node.input?.[0] ?? '')) {
      const x = ctx.dataInput(node, 0, 'input');
      ctx.add(node, { type: 'Expand', inputs: [x.name], outputs: [output], attrs: { shape } });
      return;
    }
    // a constant (a CLS token) expanded to the batch: the batch size comes from a graph input
    if (batchAt !== 0) ctx.fail(node, `expands the constant '${node.input?.[0]}' to a fixed shape [${target.join(', ')}]; export with do_constant_folding=True`);
    const c = ctx.floatConstant(node, 0, 'input');
    const ref = ctx.firstGraphInput();
    ctx.add(node, { type: 'Expand', inputs: [ref], outputs: [output], attrs: { shape }, params: { constant: ctx.tensor(c.data, c.dims) }, paramNames: { constant: ctx.paramName(c.name, name, 'constant') } });
  },
};

/** Ops that are only supported as shape computations (folded before import reaches them). */
export function shapeOnly(what: string): OnnxOpImporter {
  return {
    attributes: ['value', 'start', 'end'],
    inputs: { min: 1, max: 3 },
    import(ctx: ImportContext, node: NodeProto) {
      ctx.fail(node, `${what} on computed data values is not supported; it is only supported inside shape computations (on Shape outputs and integer constants), which are folded at import`);
    },
  };
}
