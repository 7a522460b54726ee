/**
 * The model graph: nodes with named inputs and outputs, parameters, and a
 * topological order. `forward` records a tape; `backward` walks it in reverse,
 * seeded by any output gradient, and gives gradients for the input, any named
 * node and the parameters. A per-node `BackwardRule` replaces a node's backward
 * (LRP rules, guided backprop, DeepLIFT): one backward machinery, many rules.
 */
import type { Backend, Generator, Tensor } from '@relevance/core-wasm';
import { opDef, OPS } from './ops/index.js';
import { ModelError, type Attrs, type OpDef, type Params } from './op.js';

export interface NodeSpec {
  name: string;
  type: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attrs?: Attrs;
  /** Parameters by role ('weight', 'bias', ...). The model takes ownership. */
  params?: Record<string, Tensor>;
  /** Public names of the parameters (default `${name}.${role}`), e.g. ONNX initializer names. */
  paramNames?: Record<string, string>;
}

export interface ValueInfo {
  name: string;
  /** -1 marks the dynamic batch dimension. */
  shape: readonly number[];
}

export interface GraphSpec {
  inputs: readonly ValueInfo[];
  outputs: readonly string[];
  nodes: readonly NodeSpec[];
}

export interface Node {
  readonly name: string;
  readonly type: string;
  readonly op: OpDef;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs: Attrs;
  readonly params: Params;
  readonly paramNames: Readonly<Record<string, string>>;
  /** Inferred output shapes (batch dimension -1). */
  readonly outputShapes: ReadonlyArray<readonly number[]>;
}

export interface RuleContext {
  be: Backend;
  node: Node;
  inputs: readonly Tensor[];
  outputs: readonly Tensor[];
  saved: readonly Tensor[];
  /** Gradient (or relevance) arriving at each output. */
  gradOutputs: readonly Tensor[];
  /** This node's forward with other inputs and/or parameters (the caller owns the results). */
  forward(inputs?: readonly Tensor[], params?: Params): Tensor[];
  /** This node's plain backward to its inputs, with other grad outputs, inputs and/or parameters (linear ops: without recomputing the forward). */
  backward(gradOutputs: readonly Tensor[], inputs?: readonly Tensor[], params?: Params): Array<Tensor | null>;
}

/** Replaces one node's backward. Returns one tensor (or null) per node input; the machinery owns them. */
export interface BackwardRule {
  readonly name: string;
  backward(ctx: RuleContext): Array<Tensor | null>;
}

/** Which rule applies to a node (undefined: the plain gradient). */
export type RuleSelector = (node: Node, model: Model) => BackwardRule | undefined;

export interface ForwardOptions {
  /** Node names (or aliases) whose outputs to keep in `activations`; 'all' keeps every node. */
  keep?: readonly string[] | 'all';
  /** Record the tape for `backward` (default true). Without it, intermediate values are freed early. */
  tape?: boolean;
  training?: boolean;
  generator?: Generator;
}

export interface BackwardOptions {
  rules?: RuleSelector;
  /** Compute parameter gradients (default false). */
  params?: boolean;
  /** Gradient with respect to the graph input(s) (default true). */
  input?: boolean;
  /** Node names (or aliases) whose output gradients to return. */
  nodes?: readonly string[];
  /** Stop at these nodes: record their output gradient and do not propagate further (layer attributions). */
  stopAt?: readonly string[];
}

export interface BackwardResult {
  /** Gradient with respect to the first graph input (null if not requested). */
  input: Tensor | null;
  /** Gradients for every graph input by value name. */
  inputs: Map<string, Tensor>;
  /** Output gradients of the requested nodes, by node name. */
  nodes: Map<string, Tensor>;
  /** Parameter gradients by public parameter name. */
  params: Map<string, Tensor>;
  dispose(): void;
}

/** The result of a forward pass; dispose it when done (it owns the tape). */
export class ForwardPass {
  /** Values by value name (all of them when taped). */
  readonly values: Map<string, Tensor>;
  readonly saved: Map<string, Tensor[]>;
  readonly model: Model;
  readonly taped: boolean;
  private disposed = false;

  constructor(model: Model, values: Map<string, Tensor>, saved: Map<string, Tensor[]>, taped: boolean) {
    this.model = model;
    this.values = values;
    this.saved = saved;
    this.taped = taped;
  }

  /** The first graph output. */
  get output(): Tensor {
    return this.value(this.model.outputs[0]!);
  }

  value(name: string): Tensor {
    const t = this.values.get(name);
    if (!t) throw new ModelError(`value '${name}' was not kept by this forward pass`);
    return t;
  }

  /** The output of a node (by node name or alias). */
  activation(nodeName: string): Tensor {
    const node = this.model.node(nodeName);
    return this.value(node.outputs[0]!);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const inputs = new Set(this.model.inputs.map((i) => i.name));
    for (const [name, t] of this.values) if (!inputs.has(name)) t.dispose();
    for (const list of this.saved.values()) for (const t of list) t.dispose();
    this.values.clear();
    this.saved.clear();
  }
}

function topologicalOrder(spec: GraphSpec): NodeSpec[] {
  const producer = new Map<string, NodeSpec>();
  for (const n of spec.nodes) {
    for (const o of n.outputs) {
      if (producer.has(o)) throw new ModelError(`value '${o}' is produced by two nodes: '${producer.get(o)!.name}' and '${n.name}'`);
      producer.set(o, n);
    }
  }
  const inputs = new Set(spec.inputs.map((i) => i.name));
  const order: NodeSpec[] = [];
  const state = new Map<NodeSpec, 'visiting' | 'done'>();
  const visit = (n: NodeSpec): void => {
    const s = state.get(n);
    if (s === 'done') return;
    if (s === 'visiting') throw new ModelError(`the graph has a cycle through node '${n.name}'`);
    state.set(n, 'visiting');
    for (const i of n.inputs) {
      if (inputs.has(i)) continue;
      const p = producer.get(i);
      if (!p) throw new ModelError(`node '${n.name}' reads value '${i}', which no node produces and which is not a graph input (inputs: ${[...inputs].join(', ')})`);
      visit(p);
    }
    state.set(n, 'done');
    order.push(n);
  };
  for (const o of spec.outputs) {
    if (inputs.has(o)) continue;
    const p = producer.get(o);
    if (!p) throw new ModelError(`graph output '${o}' is produced by no node`);
    visit(p);
  }
  // keep nodes that do not feed an output too (their activations may be inspected)
  for (const n of spec.nodes) visit(n);
  return order;
}

/** The module-name alias of an ONNX node name: '/conv2/Conv' -> 'conv2', '/features/0/Conv' -> 'features.0'. */
export function moduleAlias(nodeName: string): string | null {
  if (!nodeName.startsWith('/')) return null;
  const parts = nodeName.split('/').filter(Boolean);
  if (parts.length < 2) return null;
  return parts.slice(0, -1).join('.');
}

export class Model {
  readonly be: Backend;
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly string[];
  readonly nodes: readonly Node[];
  private readonly byName = new Map<string, Node>();
  private readonly owned: Set<Tensor>;
  /** Value shapes inferred at construction (batch -1). */
  readonly valueShapes: ReadonlyMap<string, readonly number[]>;

  /**
   * Build and validate a graph: known op types, arity, parameter roles, a
   * topological order, and shape inference (errors name the node and the fix).
   * The model owns every parameter tensor in `spec` unless `borrowed` lists it.
   */
  constructor(be: Backend, spec: GraphSpec, borrowed: ReadonlySet<Tensor> = new Set()) {
    this.be = be;
    this.inputs = spec.inputs.map((i) => ({ name: i.name, shape: [...i.shape] }));
    this.outputs = [...spec.outputs];
    if (this.inputs.length === 0) throw new ModelError('the graph has no input');
    if (this.outputs.length === 0) throw new ModelError('the graph has no output');
    const shapes = new Map<string, readonly number[]>();
    for (const i of this.inputs) shapes.set(i.name, i.shape);
    const nodes: Node[] = [];
    this.owned = new Set();
    const names = new Set<string>();
    for (const s of topologicalOrder(spec)) {
      if (names.has(s.name)) throw new ModelError(`two nodes are named '${s.name}'; node names must be unique`);
      names.add(s.name);
      const op = opDef(s.type);
      if (!op) throw new ModelError(`node '${s.name}' has op type '${s.type}', which is not supported; supported: ${[...OPS.keys()].join(', ')}`);
      if (s.inputs.length < op.arity.min || s.inputs.length > op.arity.max) {
        throw new ModelError(`node '${s.name}' (${s.type}) has ${s.inputs.length} inputs; it takes ${op.arity.min === op.arity.max ? op.arity.min : `${op.arity.min} to ${op.arity.max}`}`);
      }
      const params = s.params ?? {};
      for (const role of op.paramRoles.required) {
        if (!params[role]) throw new ModelError(`node '${s.name}' (${s.type}) needs a '${role}' parameter`);
      }
      for (const role of Object.keys(params)) {
        if (!op.paramRoles.required.includes(role) && !op.paramRoles.optional.includes(role)) {
          throw new ModelError(`node '${s.name}' (${s.type}) has an unknown parameter '${role}'; it takes ${[...op.paramRoles.required, ...op.paramRoles.optional].join(', ') || 'none'}`);
        }
        if (!borrowed.has(params[role]!)) this.owned.add(params[role]!);
      }
      const paramShapes: Record<string, readonly number[]> = {};
      for (const [role, t] of Object.entries(params)) paramShapes[role] = t.shape;
      const attrs = s.attrs ?? {};
      const outputShapes = op.inferShape(s.inputs.map((i) => shapes.get(i)!), attrs, paramShapes, s.name);
      s.outputs.forEach((o, k) => shapes.set(o, outputShapes[k] ?? []));
      const paramNames: Record<string, string> = {};
      for (const role of Object.keys(params)) paramNames[role] = s.paramNames?.[role] ?? `${s.name}.${role}`;
      const node: Node = { name: s.name, type: s.type, op, inputs: [...s.inputs], outputs: [...s.outputs], attrs, params, paramNames, outputShapes };
      nodes.push(node);
      this.byName.set(s.name, node);
    }
    this.nodes = nodes;
    this.valueShapes = shapes;
    // aliases: the output value name and the PyTorch module name, when unambiguous
    const aliasCount = new Map<string, number>();
    for (const n of nodes) {
      const a = moduleAlias(n.name);
      if (a) aliasCount.set(a, (aliasCount.get(a) ?? 0) + 1);
    }
    for (const n of nodes) {
      const a = moduleAlias(n.name);
      if (a && aliasCount.get(a) === 1 && !this.byName.has(a)) this.byName.set(a, n);
      for (const o of n.outputs) if (!this.byName.has(o)) this.byName.set(o, n);
    }
  }

  /** The node with this name, output value name, or PyTorch module name ('conv2' for '/conv2/Conv'). */
  node(name: string): Node {
    const n = this.byName.get(name);
    if (!n) throw new ModelError(`no layer named '${name}'; layers: ${this.nodes.map((x) => x.name + (moduleAlias(x.name) ? ` (${moduleAlias(x.name)})` : '')).join(', ')}`);
    return n;
  }

  hasNode(name: string): boolean {
    return this.byName.has(name);
  }

  /** Every parameter by public name. */
  parameters(): Map<string, Tensor> {
    const m = new Map<string, Tensor>();
    for (const n of this.nodes) for (const [role, t] of Object.entries(n.params)) m.set(n.paramNames[role]!, t);
    return m;
  }

  /** Number of scalar parameters. */
  parameterCount(): number {
    let c = 0;
    for (const t of this.parameters().values()) c += t.size;
    return c;
  }

  /** Run the graph. `x` is the first input, or a map of inputs by name. */
  forward(x: Tensor | ReadonlyMap<string, Tensor>, options: ForwardOptions = {}): ForwardPass {
    const be = this.be;
    const taped = options.tape ?? true;
    const values = new Map<string, Tensor>();
    const saved = new Map<string, Tensor[]>();
    const inputMap = x instanceof Map ? x : new Map([[this.inputs[0]!.name, x as Tensor]]);
    for (const info of this.inputs) {
      const t = inputMap.get(info.name);
      if (!t) throw new ModelError(`forward: missing graph input '${info.name}'`);
      if (t.rank !== info.shape.length || info.shape.some((d, i) => d >= 0 && d !== t.shape[i])) {
        throw new ModelError(`forward: input '${info.name}' has shape [${t.shape.join(', ')}], the model expects [${info.shape.map((d) => (d < 0 ? 'batch' : d)).join(', ')}]`);
      }
      values.set(info.name, t);
    }
    const keepValues = new Set<string>(this.outputs);
    if (options.keep === 'all') for (const n of this.nodes) for (const o of n.outputs) keepValues.add(o);
    else for (const k of options.keep ?? []) keepValues.add(this.node(k).outputs[0]!);
    // for untaped runs, free a value after its last consumer
    const remaining = new Map<string, number>();
    if (!taped) for (const n of this.nodes) for (const i of n.inputs) remaining.set(i, (remaining.get(i) ?? 0) + 1);
    const graphInputs = new Set(this.inputs.map((i) => i.name));
    // untaped: Dense -> ReLU pairs run as one GEMM with the bias and ReLU in its store loop (same bits)
    const fused = taped ? new Map<string, Node>() : this.denseReluPairs(keepValues);
    const skipped = new Set([...fused.values()].map((relu) => relu.name));
    try {
      for (const n of this.nodes) {
        if (skipped.has(n.name)) continue;
        const ins = n.inputs.map((i) => values.get(i)!);
        const ctx = { be, attrs: n.attrs, params: n.params, training: options.training ?? false, generator: options.generator, node: n.name };
        const relu = fused.get(n.name);
        const r = relu ? { outputs: [be.gemm(ins[0]!, n.params.weight!, { transB: true, bias: n.params.bias, relu: true })], saved: undefined } : n.op.forward(ctx, ins);
        (relu ?? n).outputs.forEach((o, k) => values.set(o, r.outputs[k]!));
        if (taped && r.saved) saved.set(n.name, r.saved);
        else if (r.saved) for (const t of r.saved) t.dispose();
        if (!taped) {
          for (const i of n.inputs) {
            const left = remaining.get(i)! - 1;
            remaining.set(i, left);
            if (left === 0 && !keepValues.has(i) && !graphInputs.has(i)) {
              values.get(i)!.dispose();
              values.delete(i);
            }
          }
        }
      }
    } catch (e) {
      for (const [name, t] of values) if (!graphInputs.has(name)) t.dispose();
      for (const list of saved.values()) for (const t of list) t.dispose();
      throw e;
    }
    return new ForwardPass(this, values, saved, taped);
  }

  /** Dense nodes (by name) whose output only feeds one ReLU and is not kept, with that ReLU. */
  private denseReluPairs(keep: ReadonlySet<string>): Map<string, Node> {
    const consumers = new Map<string, Node[]>();
    for (const n of this.nodes) for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n]);
    const pairs = new Map<string, Node>();
    for (const n of this.nodes) {
      const out = n.outputs[0]!;
      const next = consumers.get(out);
      if (n.type !== 'Dense' || keep.has(out) || next?.length !== 1 || next[0]!.type !== 'ReLU' || next[0]!.inputs.length !== 1) continue;
      pairs.set(n.name, next[0]!);
    }
    return pairs;
  }

  /** Convenience: the first output for input x (no tape). The caller owns the result. */
  predict(x: Tensor): Tensor {
    const pass = this.forward(x, { tape: false });
    const out = pass.output;
    pass.values.delete(this.outputs[0]!);
    pass.dispose();
    return out;
  }

  /**
   * Walk the tape backwards from `gradOutput` at the first graph output.
   * Gradients arriving at a value from several consumers are summed.
   */
  backward(pass: ForwardPass, gradOutput: Tensor, options: BackwardOptions = {}): BackwardResult {
    if (!pass.taped || pass.isDisposed) throw new ModelError('backward needs a taped, undisposed forward pass (forward(x, { tape: true }))');
    const out = pass.output;
    if (gradOutput.rank !== out.rank || gradOutput.shape.some((d, i) => d !== out.shape[i])) {
      throw new ModelError(`backward: the output gradient has shape [${gradOutput.shape.join(', ')}], the output has [${out.shape.join(', ')}]`);
    }
    const plan = this.backwardPlan(options);
    const grads = new GradientSum(this.be);
    grads.add(this.outputs[0]!, this.be.clone(gradOutput));
    const result = emptyBackwardResult();
    try {
      // the walk: each node's gradient step, last node first
      for (let k = this.nodes.length - 1; k >= 0; k--) this.backwardStep(this.nodes[k]!, pass, grads, plan, options, result);
      for (const i of this.inputs) {
        const g = grads.take(i.name);
        if (g && plan.wantInput) result.inputs.set(i.name, g);
        else g?.dispose();
      }
      result.input = result.inputs.get(this.inputs[0]!.name) ?? null;
      return result;
    } catch (e) {
      grads.dispose();
      result.dispose();
      throw e;
    }
  }

  /** Which values need a gradient, which node gradients are wanted, where the walk stops. */
  private backwardPlan(options: BackwardOptions): BackwardPlan {
    const wantInput = options.input ?? true;
    const wantNodes = new Map<string, string>(); // value name -> node name
    for (const n of options.nodes ?? []) {
      const node = this.node(n);
      wantNodes.set(node.outputs[0]!, node.name);
    }
    const stopValues = new Set<string>();
    for (const n of options.stopAt ?? []) {
      const node = this.node(n);
      stopValues.add(node.outputs[0]!);
      wantNodes.set(node.outputs[0]!, node.name);
    }
    const graphInputs = new Set(this.inputs.map((i) => i.name));
    // which values lie on a path from a graph input (or a wanted/stop value) to the output
    const needsGrad = new Set<string>();
    if (wantInput) for (const i of graphInputs) needsGrad.add(i);
    for (const v of wantNodes.keys()) needsGrad.add(v);
    if (options.params) for (const n of this.nodes) if (Object.keys(n.params).length) for (const o of n.outputs) needsGrad.add(o);
    for (const n of this.nodes) if (n.inputs.some((i) => needsGrad.has(i))) for (const o of n.outputs) needsGrad.add(o);
    return { wantInput, wantNodes, stopValues, graphInputs, needsGrad };
  }

  /** One node of the walk: record wanted gradients, apply the rule or the op's backward, hand gradients to the inputs. */
  private backwardStep(n: Node, pass: ForwardPass, grads: GradientSum, plan: BackwardPlan, options: BackwardOptions, result: BackwardResult): void {
    const be = this.be;
    const gOuts = n.outputs.map((o) => grads.get(o));
    if (gOuts.every((g) => !g)) return;
    const gradOutputs = n.outputs.map((o, i) => gOuts[i] ?? be.zeros(pass.value(o).shape));
    // record requested node gradients before propagating
    for (const [i, o] of n.outputs.entries()) {
      const nodeName = plan.wantNodes.get(o);
      if (nodeName && gOuts[i]) result.nodes.set(nodeName, be.clone(gOuts[i]!));
    }
    // a stop value still receives its gradient; the stop node itself does not propagate
    if (!n.outputs.some((o) => plan.stopValues.has(o))) {
      const needInputs = n.inputs.map((i) => plan.needsGrad.has(i) && !(plan.graphInputs.has(i) && !plan.wantInput));
      const inGrads = this.nodeGradients(n, pass, gradOutputs, needInputs, options, result);
      n.inputs.forEach((i, j) => {
        const g = inGrads[j];
        if (g && needInputs[j]) grads.add(i, g);
        else g?.dispose();
      });
    }
    for (const o of n.outputs) grads.take(o)?.dispose();
    gradOutputs.forEach((g, i) => (gOuts[i] ? undefined : g.dispose()));
  }

  /** The gradients at a node's inputs: its rule's, or the op's own backward (parameter gradients into `result`). */
  private nodeGradients(n: Node, pass: ForwardPass, gradOutputs: Tensor[], needInputs: boolean[], options: BackwardOptions, result: BackwardResult): Array<Tensor | null> {
    const inputs = n.inputs.map((i) => pass.value(i));
    const outputs = n.outputs.map((o) => pass.value(o));
    const saved = pass.saved.get(n.name) ?? [];
    const ctx = { be: this.be, attrs: n.attrs, params: n.params, training: false, node: n.name };
    const keepParams = (params: Record<string, Tensor> | undefined): void => {
      for (const [role, g] of Object.entries(params ?? {})) result.params.set(n.paramNames[role]!, g);
    };
    const rule = options.rules?.(n, this);
    if (!rule) {
      const r = n.op.backward(ctx, inputs, outputs, saved, gradOutputs, { inputs: needInputs, params: options.params ?? false });
      keepParams(r.params);
      return r.inputs;
    }
    const inGrads = rule.backward(this.ruleContext(n, inputs, outputs, saved, gradOutputs));
    if (options.params && Object.keys(n.params).length) {
      // parameter gradients are the op's own, whatever rule sends relevance on
      const r = n.op.backward(ctx, inputs, outputs, saved, gradOutputs, { inputs: n.inputs.map(() => false), params: true });
      keepParams(r.params);
      for (const t of r.inputs) t?.dispose();
    }
    return inGrads;
  }

  private ruleContext(n: Node, inputs: readonly Tensor[], outputs: readonly Tensor[], saved: readonly Tensor[], gradOutputs: readonly Tensor[]): RuleContext {
    const be = this.be;
    return {
      be,
      node: n,
      inputs,
      outputs,
      saved,
      gradOutputs,
      forward: (ins = inputs, params = n.params) => {
        const r = n.op.forward({ be, attrs: n.attrs, params, training: false, node: n.name }, ins);
        for (const t of r.saved ?? []) t.dispose();
        return r.outputs;
      },
      backward: (gOuts, ins = inputs, params = n.params) => {
        // a linear op's backward reads neither its outputs nor (for the input gradient) the input values: no forward again
        const outs = (ins === inputs && params === n.params) || n.op.linear ? outputs : n.op.forward({ be, attrs: n.attrs, params, training: false, node: n.name }, ins).outputs;
        try {
          return n.op.backward({ be, attrs: n.attrs, params, training: false, node: n.name }, ins, outs, saved, gOuts, { inputs: ins.map(() => true), params: false }).inputs;
        } finally {
          if (outs !== outputs) for (const t of outs) t.dispose();
        }
      },
    };
  }

  /** A model with the same graph but other parameter tensors (by public name); unnamed ones are shared. The new model owns only the given tensors. */
  withParameters(replacements: ReadonlyMap<string, Tensor>): Model {
    const borrowed = new Set<Tensor>();
    const nodes: NodeSpec[] = this.nodes.map((n) => {
      const params: Record<string, Tensor> = {};
      for (const [role, t] of Object.entries(n.params)) {
        const r = replacements.get(n.paramNames[role]!);
        if (r) params[role] = r;
        else {
          params[role] = t;
          borrowed.add(t);
        }
      }
      return { name: n.name, type: n.type, inputs: n.inputs, outputs: n.outputs, attrs: n.attrs, params, paramNames: n.paramNames };
    });
    return new Model(this.be, { inputs: this.inputs, outputs: this.outputs, nodes }, borrowed);
  }

  /** The graph as a spec (parameters shared, not copied). */
  toSpec(): GraphSpec {
    return {
      inputs: this.inputs,
      outputs: this.outputs,
      nodes: this.nodes.map((n) => ({ name: n.name, type: n.type, inputs: n.inputs, outputs: n.outputs, attrs: n.attrs, params: { ...n.params }, paramNames: n.paramNames })),
    };
  }

  /** Whether this model owns (and will dispose) the tensor. */
  owns(t: Tensor): boolean {
    return this.owned.has(t);
  }

  /** Free the parameters this model owns. */
  dispose(): void {
    for (const t of this.owned) t.dispose();
    this.owned.clear();
  }
}

interface BackwardPlan {
  wantInput: boolean;
  /** Value name -> node name, for the node gradients asked for (and stop nodes). */
  wantNodes: Map<string, string>;
  stopValues: Set<string>;
  graphInputs: Set<string>;
  needsGrad: Set<string>;
}

/** Gradients per value name; gradients from several consumers are summed. */
class GradientSum {
  private readonly grads = new Map<string, Tensor>();
  constructor(private readonly be: Backend) {}
  get(value: string): Tensor | undefined {
    return this.grads.get(value);
  }
  add(value: string, g: Tensor): void {
    const prev = this.grads.get(value);
    if (!prev) {
      this.grads.set(value, g);
      return;
    }
    this.grads.set(value, this.be.add(prev, g));
    prev.dispose();
    g.dispose();
  }
  /** Remove and return a value's gradient (the caller owns it). */
  take(value: string): Tensor | undefined {
    const g = this.grads.get(value);
    this.grads.delete(value);
    return g;
  }
  dispose(): void {
    for (const g of this.grads.values()) g.dispose();
    this.grads.clear();
  }
}

function emptyBackwardResult(): BackwardResult {
  return {
    input: null,
    inputs: new Map(),
    nodes: new Map(),
    params: new Map(),
    dispose() {
      this.input = null;
      for (const t of this.inputs.values()) t.dispose();
      for (const t of this.nodes.values()) t.dispose();
      for (const t of this.params.values()) t.dispose();
    },
  };
}
