/** Sequential models: the common special case, a chain of nodes. */
import type { Backend, Tensor } from '@relevance/core-wasm';
import { Model } from './model.js';
import type { Attrs } from './op.js';

export interface LayerSpec {
  type: string;
  /** Node name (default `${type.toLowerCase()}${index}`). */
  name?: string;
  attrs?: Attrs;
  params?: Record<string, Tensor>;
}

/** Chain layers from one input ('input', shape with -1 for the batch) to one output ('output'). */
export function sequential(be: Backend, inputShape: readonly number[], layers: readonly LayerSpec[]): Model {
  let prev = 'input';
  const nodes = layers.map((l, i) => {
    const name = l.name ?? `${l.type.toLowerCase()}${i}`;
    const out = i === layers.length - 1 ? 'output' : `${name}:out`;
    const node = { name, type: l.type, inputs: [prev], outputs: [out], attrs: l.attrs, params: l.params };
    prev = out;
    return node;
  });
  return new Model(be, { inputs: [{ name: 'input', shape: inputShape }], outputs: [prev], nodes });
}
