/**
 * A layer's activations for every row of a data set, flattened per row
 * ([rows, width] on the host), from batched untaped forward passes that keep
 * only that layer. The graph input's name (or 'input') stands for the raw inputs.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { Model } from '../model/model.js';
import { batches, sliceRows } from '../attribution/common.js';

export interface LayerFeatures {
  /** The layer's node name ('input' for the raw inputs). */
  layer: string;
  values: Float32Array;
  rows: number;
  /** Values per row. */
  width: number;
  /** One row's activation shape, e.g. [C, H, W] or [units]. */
  rowShape: number[];
}

export class UnderstandingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnderstandingError';
  }
}

export async function layerFeatures(model: Model, layer: string, data: Tensor, batchSize = 256): Promise<LayerFeatures> {
  if (data.rank < 2 || data.shape[0] === 0) throw new UnderstandingError(`layerFeatures: the data must be [rows, ...] with at least one row, got [${data.shape.join(', ')}]`);
  const rows = data.shape[0]!;
  // the graph input's own name, or 'input' when no layer has that name, stands for the raw features
  if (model.inputs.some((i) => i.name === layer) || (layer === 'input' && !model.hasNode('input'))) {
    const values = (await data.read()) as Float32Array;
    return { layer, values, rows, width: values.length / rows, rowShape: data.shape.slice(1) };
  }
  const node = model.node(layer);
  let values: Float32Array | null = null;
  let rowShape: number[] = [];
  let width = 0;
  for (const [s, e] of batches(rows, batchSize)) {
    const x = s === 0 && e === rows ? data : sliceRows(model.be, data, s, e);
    try {
      const pass = model.forward(x, { keep: [node.name], tape: false });
      try {
        const a = pass.activation(node.name);
        if (!values) {
          rowShape = a.shape.slice(1);
          width = a.size / (e - s);
          values = new Float32Array(rows * width);
        }
        values.set((await a.read()) as Float32Array, s * width);
      } finally {
        pass.dispose();
      }
    } finally {
      if (x !== data) x.dispose();
    }
  }
  return { layer: node.name, values: values!, rows, width, rowShape };
}
