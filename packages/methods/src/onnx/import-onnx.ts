/**
 * ONNX import: decode the protobuf (protobufjs), check the opset, then map
 * each node to IR nodes through its importer (import-registry.ts). Works in
 * browsers (bytes in, Model out); onnx-files.ts adds the Node file loader.
 *
 * Every failure is an OnnxError whose message starts with the file name and,
 * for node-level problems, names the op type and the node.
 */
import type { Backend } from '@relevance/core-wasm';
import { Model, type ValueInfo } from '../model/model.js';
import { ModelError } from '../model/op.js';
import { ImportContext } from './import-context.js';
import { ONNX_IMPORTERS, SUPPORTED_ONNX_OPS } from './import-registry.js';
import { NodeAttributes } from './onnx-attributes.js';
import { decodeOnnxModel } from './onnx-codec.js';
import { OnnxError } from './onnx-error.js';
import { foldShapeNode } from './shape-folding.js';
import { importConstant } from './import-structure.js';
import { DataType, dataTypeName, type GraphProto, type ModelProto } from './onnx-proto-types.js';
import { isExternalTensor, externalLocation } from './onnx-tensor.js';

export interface ImportOnnxOptions {
  /** Names the file in error messages (default 'model.onnx'). */
  source?: string;
}

export const MIN_IMPORT_OPSET = 11;
export const MAX_IMPORT_OPSET = 18;

const DEFAULT_DOMAINS = new Set(['', 'ai.onnx']);

function defaultOpset(model: ModelProto, source: string): number {
  const entry = (model.opset_import ?? []).find((o) => DEFAULT_DOMAINS.has(o.domain ?? ''));
  if (!entry) throw new OnnxError(`${source}: the model declares no opset for the default ONNX domain (opset_import is empty; is the file truncated?)`);
  const v = entry.version ?? 0;
  if (v < MIN_IMPORT_OPSET || v > MAX_IMPORT_OPSET) {
    throw new OnnxError(`${source}: opset ${v} is not supported; Relevance imports opsets ${MIN_IMPORT_OPSET} to ${MAX_IMPORT_OPSET}: re-export with torch.onnx.export(..., opset_version=13)`);
  }
  return v;
}

/** Graph inputs that are not initializers (older exporters list initializers as inputs too), with -1 for dynamic dimensions. */
function graphInputs(graph: GraphProto, source: string): ValueInfo[] {
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  const inputs: ValueInfo[] = [];
  for (const input of graph.input ?? []) {
    const name = input.name ?? '';
    if (initializers.has(name)) continue;
    const tensorType = input.type?.tensor_type;
    if (!tensorType) throw new OnnxError(`${source}: graph input '${name}' is not a tensor; only tensor inputs are supported`);
    if (tensorType.elem_type !== DataType.FLOAT) {
      throw new OnnxError(`${source}: graph input '${name}' has element type ${dataTypeName(tensorType.elem_type)}; only FLOAT (float32) inputs are supported`);
    }
    if (!tensorType.shape) throw new OnnxError(`${source}: graph input '${name}' has no shape; export with a fixed input shape (only the batch may be dynamic)`);
    const shape = (tensorType.shape.dim ?? []).map((d, axis) => {
      if (d.dim_value !== undefined && d.dim_value > 0) return d.dim_value;
      if (axis !== 0) {
        throw new OnnxError(`${source}: graph input '${name}' has a dynamic dimension ${axis} ('${d.dim_param ?? '?'}'); only the batch dimension (0) may be dynamic: export with dynamic_axes for the batch only`);
      }
      return -1;
    });
    inputs.push({ name, shape });
  }
  if (inputs.length === 0) throw new OnnxError(`${source}: the graph has no input (besides initializers)`);
  return inputs;
}

function checkInitializers(graph: GraphProto, source: string): void {
  for (const t of graph.initializer ?? []) {
    if (isExternalTensor(t)) {
      throw new OnnxError(`${source}: initializer '${t.name}' stores its data in an external file ('${externalLocation(t)}'), which is not supported; save the model with the data inside: onnx.save_model(model, path, save_as_external_data=False)`);
    }
  }
  if ((graph.sparse_initializer ?? []).length > 0) throw new OnnxError(`${source}: sparse initializers are not supported`);
}

function importGraph(ctx: ImportContext, graph: GraphProto): { inputs: ValueInfo[]; outputs: string[] } {
  const { source } = ctx;
  checkInitializers(graph, source);
  const inputs = graphInputs(graph, source);
  for (const i of inputs) ctx.setShape(i.name, i.shape);
  ctx.inputNames = inputs.map((i) => i.name);
  // Constant nodes first: they have no inputs, and pattern matching (LayerNorm, GELU) reads constants further down the graph
  for (const node of graph.node ?? []) {
    if (node.op_type !== 'Constant' || !DEFAULT_DOMAINS.has(node.domain ?? '')) continue;
    importConstant.import(ctx, node, new NodeAttributes(node, importConstant.attributes, (m) => ctx.fail(node, m)));
    ctx.folded.add(node);
  }
  for (const node of graph.node ?? []) {
    if (ctx.folded.has(node)) continue;
    const opType = node.op_type ?? '';
    if (!DEFAULT_DOMAINS.has(node.domain ?? '')) {
      ctx.fail(node, `belongs to the operator domain '${node.domain}', which is not supported; only standard ONNX ops are: ${SUPPORTED_ONNX_OPS.join(', ')}`);
    }
    if (foldShapeNode(ctx, node)) continue;
    const importer = ONNX_IMPORTERS.get(opType);
    if (!importer) ctx.fail(node, `op type '${opType}' is not supported; supported ONNX ops: ${SUPPORTED_ONNX_OPS.join(', ')}`);
    const count = node.input?.length ?? 0;
    if (count < importer.inputs.min || count > importer.inputs.max) {
      const range = importer.inputs.min === importer.inputs.max ? `${importer.inputs.min}` : `${importer.inputs.min} to ${importer.inputs.max}`;
      ctx.fail(node, `has ${count} inputs; ${opType} takes ${range}`);
    }
    const attrs = new NodeAttributes(node, importer.attributes, (m) => ctx.fail(node, m));
    importer.import(ctx, node, attrs);
  }
  const outputs = (graph.output ?? []).map((o) => o.name ?? '');
  if (outputs.length === 0) throw new OnnxError(`${source}: the graph has no output`);
  for (const o of outputs) {
    if (ctx.isConstant(o)) throw new OnnxError(`${source}: graph output '${o}' is a constant, not computed from the input`);
    if (!ctx.shapeOf(o)) throw new OnnxError(`${source}: graph output '${o}' is produced by no node`);
  }
  return { inputs, outputs };
}

/** Build a Model from an ONNX file's bytes (opsets 11 to 18). The model owns its parameters: dispose it when done. */
export function importOnnx(be: Backend, bytes: Uint8Array, options: ImportOnnxOptions = {}): Model {
  const source = options.source ?? 'model.onnx';
  const proto = decodeOnnxModel(bytes, source);
  const opset = defaultOpset(proto, source);
  const ctx = new ImportContext(be, source, opset, proto.graph!);
  try {
    const { inputs, outputs } = importGraph(ctx, proto.graph!);
    return new Model(be, { inputs, outputs, nodes: ctx.nodes });
  } catch (e) {
    ctx.disposeCreated();
    if (e instanceof OnnxError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof ModelError) throw new OnnxError(`${source}: ${message}`, { cause: e });
    throw new OnnxError(`${source}: could not import the ONNX graph: ${message}`, { cause: e });
  }
}
