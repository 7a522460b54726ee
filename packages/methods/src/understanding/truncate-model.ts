/**
 * The part of a model that computes one layer: the layer's ancestors, with
 * that layer's output as the graph output. Parameters are shared (borrowed),
 * so the truncated model never frees them. Lets `Model.backward` seed the
 * gradient at a hidden unit as it does at a class output.
 */
import type { Tensor } from '@relevance/core-wasm';
import { Model, type NodeSpec } from '../model/model.js';

export function modelUpTo(model: Model, layer: string): Model {
  const target = model.node(layer);
  if (model.outputs[0] === target.outputs[0]) return model;
  const producer = new Map<string, (typeof model.nodes)[number]>();
  for (const n of model.nodes) for (const o of n.outputs) producer.set(o, n);
  const needed = new Set<string>();
  const visit = (name: string): void => {
    if (needed.has(name)) return;
    needed.add(name);
    for (const input of model.node(name).inputs) {
      const p = producer.get(input);
      if (p) visit(p.name);
    }
  };
  visit(target.name);
  const borrowed = new Set<Tensor>();
  const nodes: NodeSpec[] = model.nodes
    .filter((n) => needed.has(n.name))
    .map((n) => {
      for (const t of Object.values(n.params)) borrowed.add(t);
      return { name: n.name, type: n.type, inputs: n.inputs, outputs: n.outputs, attrs: n.attrs, params: { ...n.params }, paramNames: n.paramNames };
    });
  const used = new Set(nodes.flatMap((n) => n.inputs));
  return new Model(model.be, { inputs: model.inputs.filter((i) => used.has(i.name)), outputs: [target.outputs[0]!], nodes }, borrowed);
}
