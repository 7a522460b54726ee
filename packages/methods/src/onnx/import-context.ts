/**
 * The state of one ONNX import: constants (initializers and folded Constant
 * nodes), the shapes of the values produced so far (inferred by the IR ops
 * themselves, which auto_pad and the softmax checks need), who consumes each
 * value (for MatMul + Add fusion and unused-output checks), the IR nodes
 * emitted, and the tensors created (freed again if the import fails).
 */
import type { Backend, Tensor } from '@relevance/core-wasm';
import type { NodeSpec } from '../model/model.js';
import { ModelError, type Attrs } from '../model/op.js';
import { opDef } from '../model/ops/index.js';
import { OnnxError } from './onnx-error.js';
import { DataType, type GraphProto, type NodeProto, type TensorProto } from './onnx-proto-types.js';
import type { IntValue } from './shape-folding.js';
import { readFloat32, readIntegers, tensorDims } from './onnx-tensor.js';

export interface FloatConstant {
  /** The initializer (or Constant output) name. */
  name: string;
  dims: number[];
  data: Float32Array;
}

export class ImportContext {
  readonly nodes: NodeSpec[] = [];
  private readonly shapes = new Map<string, readonly number[]>();
  private readonly constants = new Map<string, TensorProto>();
  private readonly consumers = new Map<string, NodeProto[]>();
  private readonly graphOutputs: ReadonlySet<string>;
  private readonly nodeNames = new Map<NodeProto, string>();
  private readonly usedParamNames = new Set<string>();
  private readonly created: Tensor[] = [];
  /** Integer values folded at import (shape computations; see shape-folding.ts). */
  private readonly ints = new Map<string, IntValue>();
  /** ONNX nodes already folded into an earlier IR node (the Add of MatMul + Add). */
  readonly folded = new Set<NodeProto>();
  /** Graph input names in order (set by the importer). */
  inputNames: string[] = [];

  constructor(readonly be: Backend, readonly source: string, readonly opset: number, graph: GraphProto) {
    this.graphOutputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
    for (const t of graph.initializer ?? []) this.constants.set(t.name ?? '', t);
    const taken = new Set<string>();
    (graph.node ?? []).forEach((n, i) => {
      for (const v of n.input ?? []) if (v) this.consumers.set(v, [...(this.consumers.get(v) ?? []), n]);
      // keep the ONNX node name (so '/conv2/Conv' answers to 'conv2'); invent one only when absent or repeated
      let name = n.name || `${n.op_type ?? 'node'}_${i}`;
      if (taken.has(name)) name = `${name}_${i}`;
      taken.add(name);
      this.nodeNames.set(n, name);
    });
  }

  nodeName(node: NodeProto): string {
    return this.nodeNames.get(node) ?? node.name ?? '?';
  }

  /** "cnn.onnx: Conv node '/conv1/Conv'", the prefix of every node error. */
  where(node: NodeProto): string {
    return `${this.source}: ${node.op_type || '(no op type)'} node '${this.nodeName(node)}'`;
  }

  fail(node: NodeProto, message: string): never {
    throw new OnnxError(`${this.where(node)}: ${message}`);
  }

  // ----------------------------------------------------------------- values

  isConstant(value: string): boolean {
    return this.constants.has(value) || this.ints.has(value);
  }

  setIntValue(value: string, v: IntValue): void {
    this.ints.set(value, v);
  }

  /** An integer value known at import: a folded shape computation or an INT64/INT32 constant. */
  intValue(value: string): IntValue | undefined {
    const v = this.ints.get(value);
    if (v) return v;
    const t = this.constants.get(value);
    if (!t || (t.data_type !== DataType.INT64 && t.data_type !== DataType.INT32)) return undefined;
    return { dims: tensorDims(t), data: readIntegers(t, `${this.source}: constant '${value}'`) };
  }

  setConstant(value: string, t: TensorProto): void {
    this.constants.set(value, t);
  }

  constant(value: string): TensorProto | undefined {
    return this.constants.get(value);
  }

  shapeOf(value: string): readonly number[] | undefined {
    return this.shapes.get(value);
  }

  setShape(value: string, shape: readonly number[]): void {
    this.shapes.set(value, shape);
  }

  consumersOf(value: string): readonly NodeProto[] {
    return this.consumers.get(value) ?? [];
  }

  isGraphOutput(value: string): boolean {
    return this.graphOutputs.has(value);
  }

  /** An optional output nobody reads (MaxPool's Indices, Dropout's mask, BatchNorm's running statistics). */
  isUnused(value: string | undefined): boolean {
    return !value || (this.consumersOf(value).length === 0 && !this.isGraphOutput(value));
  }

  /** The first graph input (the source of the batch size for expanded constants). */
  firstGraphInput(): string {
    const first = this.inputNames[0];
    if (!first) throw new OnnxError(`${this.source}: the graph has no input`);
    return first;
  }

  /** Input `index` as a computed value (not a constant), with its shape. */
  dataInput(node: NodeProto, index: number, role = 'data'): { name: string; shape: readonly number[] } {
    const name = node.input?.[index];
    if (!name) this.fail(node, `the ${role} input (input ${index}) is missing`);
    if (this.isConstant(name)) {
      this.fail(node, `the ${role} input '${name}' is a constant; Relevance needs it computed from the graph input (export with do_constant_folding=True so constant subgraphs are folded)`);
    }
    const shape = this.shapes.get(name);
    if (!shape) this.fail(node, `reads value '${name}', which no earlier node produces and which is not a graph input (the nodes must be in topological order)`);
    return { name, shape };
  }

  /** Input `index`, which must be a float32 constant (an initializer or a Constant output). */
  floatConstant(node: NodeProto, index: number, role: string): FloatConstant {
    const name = node.input?.[index];
    if (!name) this.fail(node, `the ${role} input (input ${index}) is missing`);
    const t = this.constants.get(name);
    if (!t && !this.shapes.has(name)) this.fail(node, `reads value '${name}' (the ${role}), which is neither an initializer nor produced by an earlier node`);
    if (!t) this.fail(node, `the ${role} '${name}' is computed by the graph, not an initializer; only a constant ${role} (a graph initializer) is supported here`);
    // an Identity of an initializer keeps the initializer's name ('fc1.weight', not 'onnx::Gemm_12')
    return { name: t.name || name, dims: tensorDims(t), data: readFloat32(t, `${this.where(node)}: ${role} '${name}'`) };
  }

  /** Input `index`, which must be an integer constant (Reshape's shape). */
  intConstant(node: NodeProto, index: number, role: string): number[] {
    const name = node.input?.[index];
    if (!name) this.fail(node, `the ${role} input (input ${index}) is missing`);
    const folded = this.ints.get(name);
    if (folded) return folded.data;
    const t = this.constants.get(name);
    if (!t) this.fail(node, `the ${role} '${name}' is computed by the graph (e.g. from Shape); only a constant ${role} is supported: export with do_constant_folding=True, and flatten with torch.flatten or nn.Flatten`);
    return readIntegers(t, `${this.where(node)}: ${role} '${name}'`);
  }

  // ------------------------------------------------------------- parameters

  /** A backend tensor, freed again if the import fails (the model owns it otherwise). */
  tensor(data: Float32Array, shape: readonly number[]): Tensor {
    const t = this.be.tensor(data, shape);
    this.created.push(t);
    return t;
  }

  /** The public parameter name: the initializer's, or `${node}.${role}` if another node already took it (shared weights). */
  paramName(initializer: string, node: string, role: string): string {
    let name = initializer && !this.usedParamNames.has(initializer) ? initializer : `${node}.${role}`;
    for (let k = 2; this.usedParamNames.has(name); k++) name = `${node}.${role}.${k}`;
    this.usedParamNames.add(name);
    return name;
  }

  // ------------------------------------------------------------------ nodes

  /** Append an IR node and record the shapes of its outputs (errors name the ONNX node). */
  add(onnxNode: NodeProto, spec: Omit<NodeSpec, 'name'> & { name?: string }): void {
    const name = spec.name ?? this.nodeName(onnxNode);
    const op = opDef(spec.type);
    if (!op) this.fail(onnxNode, `maps to IR op '${spec.type}', which is not registered`);
    const paramShapes: Record<string, readonly number[]> = {};
    for (const [role, t] of Object.entries(spec.params ?? {})) paramShapes[role] = t.shape;
    const inputShapes = spec.inputs.map((i) => this.shapes.get(i) ?? this.fail(onnxNode, `reads value '${i}', which has no known shape`));
    let outShapes: number[][];
    try {
      outShapes = op.inferShape(inputShapes, spec.attrs ?? {}, paramShapes, name);
    } catch (e) {
      if (e instanceof ModelError) this.fail(onnxNode, e.message);
      throw e;
    }
    spec.outputs.forEach((o, k) => this.shapes.set(o, outShapes[k] ?? []));
    this.nodes.push({ ...spec, name, attrs: spec.attrs ?? ({} as Attrs) });
  }

  /** Free every tensor created so far (on a failed import). */
  disposeCreated(): void {
    for (const t of this.created) t.dispose();
    this.created.length = 0;
  }
}
