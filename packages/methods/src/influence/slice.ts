/**
 * Slices: where influence is measured. 'input' is the graph's first input;
 * any other name is a layer whose output is the slice (node name, output
 * value name or module alias, resolved by `model.node`).
 */
import type { Tensor } from '@relevance/core-wasm';
import type { BackwardOptions, ForwardPass, Model, Node } from '../model/model.js';
import { AttributionError } from '../attribution/types.js';

export const INPUT_SLICE = 'input';

export interface ResolvedSlice {
  /** 'input' or the node name. */
  name: string;
  /** The node whose output is the slice (null for the input). */
  node: Node | null;
}

export function resolveSlice(method: string, model: Model, slice: string | undefined): ResolvedSlice {
  const name = slice ?? INPUT_SLICE;
  if (name === INPUT_SLICE || name === model.inputs[0]!.name) return { name: INPUT_SLICE, node: null };
  if (!model.hasNode(name)) {
    throw new AttributionError(`${method}: no layer named '${name}' to use as the slice; use 'input' or one of: ${model.nodes.map((n) => n.name).join(', ')}`);
  }
  const node = model.node(name);
  return { name: node.name, node };
}

/** Forward options that keep the slice's activation. */
export function keepSlice(slice: ResolvedSlice): { keep: string[] } {
  return { keep: slice.node ? [slice.node.name] : [] };
}

/**
 * Backward options that return the gradient at the slice. 'nodes' rather than
 * 'stopAt': Model.backward's stopAt also stops marking the values after the
 * stop as needing gradients, so with input: false nothing reaches the slice.
 * With input: false the walk still ends at the slice (nothing before it is needed).
 */
export function backwardToSlice(slice: ResolvedSlice): BackwardOptions {
  return slice.node ? { input: false, nodes: [slice.node.name] } : { input: true };
}

/** The slice's activation in a forward pass (the caller does not own it). */
export function sliceActivation(pass: ForwardPass, slice: ResolvedSlice, input: Tensor): Tensor {
  return slice.node ? pass.activation(slice.node.name) : input;
}

/** Names of every node the given node depends on (itself included). */
export function ancestors(model: Model, node: Node): Set<string> {
  const producer = new Map<string, Node>();
  for (const n of model.nodes) for (const o of n.outputs) producer.set(o, n);
  const seen = new Set<string>();
  const stack = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n.name)) continue;
    seen.add(n.name);
    for (const i of n.inputs) {
      const p = producer.get(i);
      if (p) stack.push(p);
    }
  }
  return seen;
}
