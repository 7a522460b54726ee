/**
 * Quantities of interest as seed gradients: each kind turns the outputs at a
 * batch of evaluated points into ∂q/∂y, which one backward pass carries to
 * the slice. Internal-unit quantities run on a truncated copy of the model
 * whose output is the layer (parameters shared, not copied).
 */
import { Model, type NodeSpec } from '../model/model.js';
import { AttributionError } from '../attribution/types.js';
import { outputWidth } from '../attribution/common.js';
import { argmaxRows } from '../util/argmax.js';
import type { Tensor } from '@relevance/core-wasm';
import type { QuantityOfInterest } from './types.js';
import { ancestors, type ResolvedSlice } from './slice.js';

export interface ResolvedQuantity {
  kind: QuantityOfInterest['kind'];
  /** For params and messages, e.g. 'class 2', 'class 0 - class 1'. */
  description: string;
  /** The model whose first output q is computed from (a truncated copy for 'units'). */
  model: Model;
  /** Whether each instance's class is its prediction (needs the outputs at the instances). */
  usesPrediction: boolean;
  /** The output index per selected row (class quantities; -1 otherwise), given the predictions when used. */
  targets(rows: Int32Array, predicted: Int32Array | null): Int32Array;
  /** ∂q/∂y for `n` evaluated points with outputs [n, width]; `targets` are their instances' classes. */
  seed(outputs: Float32Array, n: number, width: number, targets: Int32Array): Float32Array;
  /** Frees the truncated model (never the caller's). */
  dispose(): void;
}

function checkIndex(method: string, what: string, index: number, width: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= width) {
    throw new AttributionError(`${method}: ${what} ${index} is out of range: the model has ${width} outputs (0 to ${width - 1})`);
  }
}

function oneHot(n: number, width: number, targets: Int32Array): Float32Array {
  const seed = new Float32Array(n * width);
  for (let r = 0; r < n; r++) seed[r * width + targets[r]!] = 1;
  return seed;
}


/** A copy of `model` ending at `layer`'s output, holding only the nodes it needs; it borrows every parameter. */
function truncatedModel(model: Model, layer: string): Model {
  const node = model.node(layer);
  const needed = ancestors(model, node);
  const spec = model.toSpec();
  const nodes: NodeSpec[] = spec.nodes.filter((n) => needed.has(n.name));
  const borrowed = new Set<Tensor>();
  for (const n of nodes) for (const t of Object.values(n.params ?? {})) borrowed.add(t);
  return new Model(model.be, { inputs: spec.inputs, outputs: [node.outputs[0]!], nodes }, borrowed);
}

/** Flat unit indices (within one row of the layer) selected by `units` or `channels`. */
function unitMask(method: string, layer: string, rowShape: readonly number[], units: readonly number[] | undefined, channels: readonly number[] | undefined): Float32Array {
  const size = rowShape.reduce((p, d) => p * d, 1);
  const mask = new Float32Array(size);
  if (units && channels) throw new AttributionError(`${method}: give either units or channels for layer '${layer}', not both`);
  if (units) {
    if (units.length === 0) throw new AttributionError(`${method}: the unit set of layer '${layer}' is empty`);
    for (const u of units) {
      if (!Number.isInteger(u) || u < 0 || u >= size) throw new AttributionError(`${method}: unit ${u} is out of range for layer '${layer}' with ${size} units per row (0 to ${size - 1})`);
      mask[u] = 1;
    }
  } else if (channels) {
    if (rowShape.length < 2) throw new AttributionError(`${method}: layer '${layer}' has no channel axis (per-row shape [${rowShape.join(', ')}]); select units instead`);
    const c = rowShape[0]!;
    const spatial = size / c;
    if (channels.length === 0) throw new AttributionError(`${method}: the channel set of layer '${layer}' is empty`);
    for (const ch of channels) {
      if (!Number.isInteger(ch) || ch < 0 || ch >= c) throw new AttributionError(`${method}: channel ${ch} is out of range for layer '${layer}' with ${c} channels`);
      mask.fill(1, ch * spatial, (ch + 1) * spatial);
    }
  } else mask.fill(1);
  return mask;
}

type QuantityOf<K extends QuantityOfInterest['kind']> = Extract<QuantityOfInterest, { kind: K }>;
const noTargets = (rows: Int32Array): Int32Array => new Int32Array(rows.length).fill(-1);

/** One class for all rows, or one class per input row. */
function classQuantity(method: string, model: Model, q: QuantityOf<'class'>, width: number, inputRows: number): ResolvedQuantity {
  const base = { model, usesPrediction: false, dispose: () => {} };
  const c = q.class;
  if (typeof c === 'number') {
    checkIndex(method, 'class', c, width);
    return {
      ...base, kind: 'class', description: `class ${c}`,
      targets: (rows) => new Int32Array(rows.length).fill(c),
      seed: (_o, n, w, t) => oneHot(n, w, t),
    };
  }
  const perRow = Int32Array.from(c);
  if (perRow.length !== inputRows) throw new AttributionError(`${method}: ${perRow.length} classes for ${inputRows} input rows; give one class for all rows or one per row`);
  perRow.forEach((t, r) => checkIndex(method, `class of row ${r}`, t, width));
  return {
    ...base, kind: 'class', description: 'class per row',
    targets: (rows) => Int32Array.from(rows, (r) => perRow[r]!),
    seed: (_o, n, w, t) => oneHot(n, w, t),
  };
}

/** The sum of selected units (or channels) of a layer after the slice, on the model truncated there. */
function unitsQuantity(method: string, model: Model, q: QuantityOf<'units'>, slice: ResolvedSlice): ResolvedQuantity {
  if (!model.hasNode(q.layer)) throw new AttributionError(`${method}: no layer named '${q.layer}' for the unit quantity; layers: ${model.nodes.map((n) => n.name).join(', ')}`);
  const layer = model.node(q.layer);
  if (slice.node && !ancestors(model, layer).has(slice.node.name)) {
    throw new AttributionError(`${method}: the slice '${slice.name}' does not lie before layer '${layer.name}', so its units cannot influence them; choose an earlier slice`);
  }
  const rowShape = (model.valueShapes.get(layer.outputs[0]!) ?? []).slice(1);
  if (rowShape.some((d) => d < 0)) throw new AttributionError(`${method}: the shape of layer '${layer.name}' is not known ([${rowShape.join(', ')}] per row)`);
  const mask = unitMask(method, layer.name, rowShape, q.units, q.channels);
  const truncated = truncatedModel(model, layer.name);
  const what = q.units ? `units ${q.units.join(',')}` : q.channels ? `channels ${q.channels.join(',')}` : 'all units';
  return {
    kind: 'units', description: `sum of ${what} of ${layer.name}`, model: truncated, usesPrediction: false,
    targets: noTargets,
    seed: (_o, n, w) => {
      if (w !== mask.length) throw new AttributionError(`${method}: layer '${layer.name}' gave ${w} units per row, expected ${mask.length}`);
      const seed = new Float32Array(n * w);
      for (let r = 0; r < n; r++) seed.set(mask, r * w);
      return seed;
    },
    dispose: () => truncated.dispose(),
  };
}

/** A user's seed function, its result checked for size and finiteness. */
function customQuantity(method: string, model: Model, q: QuantityOf<'custom'>): ResolvedQuantity {
  if (typeof q.seed !== 'function') throw new AttributionError(`${method}: a custom quantity needs a seed function (outputs, rows, width) => ∂q/∂outputs`);
  return {
    model, usesPrediction: false, dispose: () => {}, kind: 'custom', description: q.name || 'custom',
    targets: noTargets,
    seed: (outputs, n, w) => {
      const seed = q.seed(outputs, n, w);
      if (!(seed instanceof Float32Array) || seed.length !== n * w) {
        throw new AttributionError(`${method}: the seed function of '${q.name}' must return a Float32Array of ${n} x ${w} = ${n * w} values, got ${seed?.length ?? 'none'}`);
      }
      for (let i = 0; i < seed.length; i++) if (!Number.isFinite(seed[i]!)) throw new AttributionError(`${method}: the seed function of '${q.name}' returned ${seed[i]} at row ${Math.floor(i / w)}, output ${i % w}`);
      return seed;
    },
  };
}

export function resolveQuantity(method: string, model: Model, spec: QuantityOfInterest | undefined, slice: ResolvedSlice, inputRows: number): ResolvedQuantity {
  const q = spec ?? { kind: 'predicted' as const };
  const width = outputWidth(model);
  const base = { model, usesPrediction: false, dispose: () => {} };
  switch (q.kind) {
    case 'class':
      return classQuantity(method, model, q, width, inputRows);
    case 'predicted': {
      const at = q.at ?? 'instance';
      if (at !== 'instance' && at !== 'point') throw new AttributionError(`${method}: a predicted quantity is taken at the 'instance' or at each 'point', got '${String(at)}'`);
      return {
        ...base, kind: 'predicted', description: at === 'instance' ? 'predicted class' : 'maximal class at each evaluated point', usesPrediction: true,
        // reported targets: each instance's own prediction
        targets: (_rows, predicted) => predicted!,
        seed: at === 'instance' ? (_o, n, w, t) => oneHot(n, w, t) : (outputs, n, w) => oneHot(n, w, argmaxRows(outputs, n, w)),
      };
    }
    case 'comparative': {
      checkIndex(method, 'class a', q.a, width);
      checkIndex(method, 'class b', q.b, width);
      if (q.a === q.b) throw new AttributionError(`${method}: a comparative quantity needs two different classes, got ${q.a} twice`);
      return {
        ...base, kind: 'comparative', description: `class ${q.a} - class ${q.b}`,
        targets: noTargets,
        seed: (_o, n, w) => {
          const seed = new Float32Array(n * w);
          for (let r = 0; r < n; r++) {
            seed[r * w + q.a] = 1;
            seed[r * w + q.b] = -1;
          }
          return seed;
        },
      };
    }
    case 'units':
      return unitsQuantity(method, model, q, slice);
    case 'custom':
      return customQuantity(method, model, q);
    default:
      throw new AttributionError(`${method}: unknown quantity '${String((q as { kind?: unknown }).kind)}'; choose class, comparative, predicted, units or custom`);
  }
}
