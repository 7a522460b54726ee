/**
 * Plumbing shared by the perturbation methods: baselines, feature groups,
 * batched evaluation of perturbed copies, and parameter bookkeeping.
 *
 * Perturbed copies are built on the host (one input row at a time, from the
 * host copy of the inputs) and evaluated in batches of `batchSize` model rows,
 * so device memory stays bounded whatever the number of samples; only the
 * target output of each copy is kept.
 */
import { formatShape, Generator, shapeSize, Tensor, type Shape } from '@relevance/core-wasm';
import type { Model } from '../../model/model.js';
import { completeness, readFloat, resolveTargets, sliceRows, positiveInteger, resolveBatchSize as resolveRows } from '../common.js';
import { AttributionError, type Attribution, type Completeness, type Target } from '../types.js';

/** A baseline: one value for every element, or values broadcastable to the input shape [N, ...]. */
export type Baseline = number | Tensor | Float32Array | readonly number[];

/**
 * A feature mask: one integer group id per input element (Captum's `feature_mask`).
 * A tensor broadcasts to the input shape [N, ...] (so [1, ...] or [...] is shared by all rows,
 * [N, ...] gives every row its own grouping); a host array has one row's elements or all rows'.
 * Elements with a negative id are never perturbed and get attribution 0.
 */
export type FeatureMask = Tensor | Int32Array | readonly number[];

/** Input rows as host data plus their geometry. */
export interface HostInputs {
  data: Float32Array;
  rows: number;
  /** Elements per row. */
  rowSize: number;
  /** The input shape [N, ...]. */
  shape: number[];
}

export async function readInputs(method: string, inputs: Tensor): Promise<HostInputs> {
  if (!(inputs instanceof Tensor)) throw new AttributionError(`${method}: inputs must be a Tensor [batch, ...], got ${typeof inputs}`);
  if (inputs.dtype !== 'float32') throw new AttributionError(`${method}: inputs must be float32, got ${inputs.dtype} ${formatShape(inputs.shape)}`);
  if (inputs.rank < 2) throw new AttributionError(`${method}: inputs must be [batch, ...] (rank >= 2), got ${formatShape(inputs.shape)}`);
  const rows = inputs.shape[0]!;
  const rowSize = inputs.size / Math.max(rows, 1);
  if (rows === 0 || rowSize === 0) throw new AttributionError(`${method}: inputs ${formatShape(inputs.shape)} are empty`);
  return { data: await readFloat(inputs), rows, rowSize, shape: [...inputs.shape] };
}

/** Default model rows per internal batch: about 8 MB of perturbed input, at most 1024 rows. */
export function defaultBatchSize(rowSize: number): number {
  return Math.min(1024, Math.max(1, Math.floor(2 ** 21 / rowSize)));
}

export function resolveBatchSize(method: string, batchSize: number | undefined, rowSize: number): number {
  return resolveRows(method, batchSize, defaultBatchSize(rowSize));
}

export { positiveInteger };

/** The seed as it goes into `params` (a Generator is recorded by its seed; its state may have advanced). */
export function seedParam(seed: number | Generator | undefined): number | string {
  if (seed === undefined) return 0;
  if (seed instanceof Generator) return `generator(seed ${String(seed.seed)})`;
  return seed;
}

export function toSeededGenerator(method: string, seed: number | Generator | undefined): Generator {
  if (seed instanceof Generator) return seed;
  const s = seed ?? 0;
  if (!Number.isInteger(s) || s < 0) throw new AttributionError(`${method}: seed must be a non-negative integer or a Generator, got ${seed}`);
  return new Generator(s);
}

/** The target spec as it goes into `params`. */
export function targetParam(target: Target | undefined): string | number | number[] {
  const spec = target ?? 'argmax';
  return spec === 'argmax' || typeof spec === 'number' ? spec : Array.from(spec);
}

/** How a tensor-valued option is recorded in `params`. */
export function describeValue(v: unknown): unknown {
  if (v instanceof Tensor) return `tensor ${formatShape(v.shape)}`;
  if (v instanceof Float32Array || v instanceof Int32Array) return `array [${v.length}]`;
  if (Array.isArray(v) && v.length > 16) return `array [${v.length}]`;
  return v;
}

/** numpy-style broadcast of host data with shape `from` to shape `to`. */
export function broadcastHost<T extends Float32Array | Int32Array>(data: T, from: Shape, to: Shape, what: string): T {
  if (from.length > to.length) throw new AttributionError(`${what} ${formatShape(from)} has more dimensions than the input ${formatShape(to)}`);
  const shift = to.length - from.length;
  const fromStrides = new Array<number>(to.length).fill(0);
  let acc = 1;
  for (let d = from.length - 1; d >= 0; d--) {
    const f = from[d]!;
    const t = to[d + shift]!;
    if (f !== t && f !== 1) throw new AttributionError(`${what} ${formatShape(from)} does not broadcast to the input shape ${formatShape(to)} (dimension ${d}: ${f} vs ${t})`);
    fromStrides[d + shift] = f === 1 ? 0 : acc;
    acc *= f;
  }
  const size = shapeSize(to);
  const out = new (data.constructor as new (n: number) => T)(size);
  const index = new Array<number>(to.length).fill(0);
  let src = 0;
  for (let i = 0; i < size; i++) {
    out[i] = data[src]!;
    // odometer increment over `to`, tracking the source offset
    for (let d = to.length - 1; d >= 0; d--) {
      index[d]!++;
      src += fromStrides[d]!;
      if (index[d]! < to[d]!) break;
      src -= fromStrides[d]! * to[d]!;
      index[d] = 0;
    }
  }
  return out;
}

/** A baseline resolved to host rows: one shared row, or one row per input row. */
export interface BaselineRows {
  data: Float32Array;
  perRow: boolean;
  row(r: number): Float32Array;
}

export async function resolveBaseline(method: string, name: string, baseline: Baseline | undefined, input: HostInputs): Promise<BaselineRows> {
  const { rowSize, rows, shape } = input;
  const make = (data: Float32Array, perRow: boolean): BaselineRows => ({
    data,
    perRow,
    row: perRow ? (r) => data.subarray(r * rowSize, (r + 1) * rowSize) : () => data,
  });
  const b = baseline ?? 0;
  if (typeof b === 'number') {
    if (!Number.isFinite(b)) throw new AttributionError(`${method}: ${name} must be a finite number, got ${b}`);
    return make(new Float32Array(rowSize).fill(b), false);
  }
  let data: Float32Array;
  let from: number[];
  if (b instanceof Tensor) {
    if (b.dtype !== 'float32') throw new AttributionError(`${method}: ${name} must be a float32 tensor, got ${b.dtype} ${formatShape(b.shape)}`);
    data = await readFloat(b);
    from = [...b.shape];
  } else if (b instanceof Float32Array || Array.isArray(b)) {
    data = b instanceof Float32Array ? b : Float32Array.from(b as readonly number[]);
    if (data.length === rowSize) from = [1, ...shape.slice(1)];
    else if (data.length === rows * rowSize) from = shape;
    else throw new AttributionError(`${method}: ${name} has ${data.length} values; give ${rowSize} (one row) or ${rows * rowSize} (every row), or a tensor that broadcasts to ${formatShape(shape)}`);
  } else {
    throw new AttributionError(`${method}: ${name} must be a number, a Tensor or a Float32Array, got ${typeof b}`);
  }
  const perRow = from.length === shape.length && from[0] === rows && rows > 1;
  if (!perRow && from.length === shape.length && from[0] !== 1) {
    throw new AttributionError(`${method}: ${name} ${formatShape(from)} has ${from[0]} rows; the input ${formatShape(shape)} has ${rows} (give 1 row, ${rows} rows, or a shape without the batch dimension)`);
  }
  return make(broadcastHost(data, from, perRow ? shape : [1, ...shape.slice(1)], `${method}: ${name}`), perRow);
}

/** A background set: rows averaged over in the value function (KernelSHAP's interventional expectation). */
export interface BackgroundRows {
  count: number;
  row(b: number): Float32Array;
}

/**
 * A number is one constant row; a tensor with the input's rank is a set of rows [B, ...]
 * (each broadcast to one input row); a tensor of lower rank is one row; a host array holds whole rows.
 */
export async function resolveBackground(method: string, background: Baseline | undefined, input: HostInputs): Promise<BackgroundRows> {
  const { rowSize, shape } = input;
  const rest = shape.slice(1);
  const b = background ?? 0;
  let data: Float32Array;
  if (typeof b === 'number') {
    if (!Number.isFinite(b)) throw new AttributionError(`${method}: background must be a finite number, got ${b}`);
    data = new Float32Array(rowSize).fill(b);
  } else if (b instanceof Tensor) {
    if (b.dtype !== 'float32') throw new AttributionError(`${method}: background must be a float32 tensor, got ${b.dtype} ${formatShape(b.shape)}`);
    const raw = await readFloat(b);
    const rows = b.rank === shape.length ? b.shape[0]! : 1;
    const from = b.rank === shape.length ? b.shape.slice(1) : [...b.shape];
    if (rows === 0) throw new AttributionError(`${method}: background ${formatShape(b.shape)} has no rows`);
    const per = raw.length / rows;
    data = new Float32Array(rows * rowSize);
    for (let k = 0; k < rows; k++) data.set(broadcastHost(raw.subarray(k * per, (k + 1) * per), from, rest, `${method}: background row`), k * rowSize);
  } else if (b instanceof Float32Array || Array.isArray(b)) {
    data = b instanceof Float32Array ? b : Float32Array.from(b as readonly number[]);
    if (data.length === 0 || data.length % rowSize !== 0) throw new AttributionError(`${method}: background has ${data.length} values, not a whole number of rows of ${rowSize}`);
  } else {
    throw new AttributionError(`${method}: background must be a number, a Tensor [B, ...] or a Float32Array, got ${typeof b}`);
  }
  return { count: data.length / rowSize, row: (k) => data.subarray(k * rowSize, (k + 1) * rowSize) };
}

/** The grouping of one row's elements into interpretable features. */
export interface RowGroups {
  /** Number of features (groups). */
  count: number;
  /** Feature index of every element, -1 for elements never perturbed. */
  ofElement: Int32Array;
  /** Elements of each feature. */
  members: Int32Array[];
}

export interface FeatureGroups {
  perRow: boolean;
  /** Original group ids of the features of row r (ascending), for messages. */
  ids(r: number): number[];
  forRow(r: number): RowGroups;
}

/** Compact arbitrary integer ids (ascending) to 0..count-1; negative ids mean "never perturbed". */
function groupsFromIds(ids: Int32Array): { groups: RowGroups; originalIds: number[] } {
  const distinct = [...new Set(Array.from(ids).filter((v) => v >= 0))].sort((a, b) => a - b);
  const index = new Map(distinct.map((id, k) => [id, k]));
  const ofElement = Int32Array.from(ids, (v) => (v >= 0 ? index.get(v)! : -1));
  const sizes = new Int32Array(distinct.length);
  for (const g of ofElement) if (g >= 0) sizes[g]!++;
  const members = Array.from(sizes, (n) => new Int32Array(n));
  const fill = new Int32Array(distinct.length);
  ofElement.forEach((g, i) => {
    if (g >= 0) members[g]![fill[g]!++] = i;
  });
  return { groups: { count: distinct.length, ofElement, members }, originalIds: distinct };
}

export async function resolveGroups(method: string, mask: FeatureMask | undefined, input: HostInputs): Promise<FeatureGroups> {
  const { rowSize, rows, shape } = input;
  if (mask === undefined) {
    const each = groupsFromIds(Int32Array.from({ length: rowSize }, (_, i) => i));
    return { perRow: false, ids: () => each.originalIds, forRow: () => each.groups };
  }
  let ids: Int32Array;
  let from: number[];
  if (mask instanceof Tensor) {
    const raw = await mask.read();
    ids = raw instanceof Int32Array ? raw : Int32Array.from(raw, (v) => {
      if (!Number.isInteger(v)) throw new AttributionError(`${method}: groups must hold integer ids, found ${v}`);
      return v;
    });
    from = [...mask.shape];
  } else if (mask instanceof Int32Array || Array.isArray(mask)) {
    ids = mask instanceof Int32Array ? mask : Int32Array.from(mask as readonly number[]);
    if ((mask as ArrayLike<number>).length !== ids.length || Array.from(mask as ArrayLike<number>).some((v) => !Number.isInteger(v))) {
      throw new AttributionError(`${method}: groups must hold integer ids`);
    }
    if (ids.length === rowSize) from = [1, ...shape.slice(1)];
    else if (ids.length === rows * rowSize) from = shape;
    else throw new AttributionError(`${method}: groups has ${ids.length} ids; give ${rowSize} (one row) or ${rows * rowSize} (every row), or a tensor that broadcasts to ${formatShape(shape)}`);
  } else {
    throw new AttributionError(`${method}: groups must be a Tensor, an Int32Array or a number[] of group ids`);
  }
  const perRow = from.length === shape.length && from[0] === rows && rows > 1;
  if (!perRow && from.length === shape.length && from[0] !== 1) {
    throw new AttributionError(`${method}: groups ${formatShape(from)} has ${from[0]} rows; the input ${formatShape(shape)} has ${rows}`);
  }
  const full = broadcastHost(ids, from, perRow ? shape : [1, ...shape.slice(1)], `${method}: groups`);
  const cache = new Map<number, { groups: RowGroups; originalIds: number[] }>();
  const get = (r: number): { groups: RowGroups; originalIds: number[] } => {
    const key = perRow ? r : 0;
    let g = cache.get(key);
    if (!g) {
      g = groupsFromIds(full.subarray(key * rowSize, (key + 1) * rowSize));
      if (g.groups.count === 0) throw new AttributionError(`${method}: groups leave no feature to perturb${perRow ? ` in row ${r}` : ''} (every id is negative)`);
      // per-row masks are visited once each; do not keep them all
      if (!perRow) cache.set(key, g);
    }
    return g;
  };
  return { perRow, ids: (r) => get(r).originalIds, forRow: (r) => get(r).groups };
}

/** The `params` entries the perturbation methods share: target, baseline (or background) and groups. */
export function sharedParams(options: { target?: Target; baseline?: unknown; groups?: unknown }): Record<string, unknown> {
  return {
    target: targetParam(options.target),
    baseline: describeValue(options.baseline ?? 0),
    groups: options.groups === undefined ? 'each element' : describeValue(options.groups),
  };
}

/** Every member of a feature gets the feature's value; elements outside every group get 0. */
export function spreadToElements(featureValues: ArrayLike<number>, groups: RowGroups, out: Float32Array): void {
  out.fill(0);
  groups.members.forEach((m, g) => {
    const v = featureValues[g]!;
    for (const i of m) out[i] = v;
  });
}

/**
 * Completeness over features: each row's sum takes one value per feature (group),
 * since every member of a group carries the group's whole value.
 */
export function featureCompleteness(featureSums: Float64Array, expected: Float64Array): Completeness {
  return completeness(Float32Array.from(featureSums), featureSums.length, Float32Array.from(expected), 'f(x) - f(baseline)');
}

/** A Shapley-value method's output, filled row by row, and its result. */
export interface ShapleyRows {
  /**
   * Row r's Shapley values (one per feature of `groups`) and v(empty coalition):
   * their float32 sum is kept for the completeness check (the values as
   * delivered), and the values are spread over the row's elements.
   */
  deliver(r: number, phi: Float64Array, groups: RowGroups, vEmpty: number): void;
  /** The result: completeness of the row sums against f(x) - v(empty coalition). */
  attribution(method: string, params: Record<string, unknown>, targets: Int32Array, fx: Float64Array): Attribution;
}

/** The output of a Shapley-value method on `input` (into `values` when given). */
export function shapleyRows(input: HostInputs, values = new Float32Array(input.rows * input.rowSize)): ShapleyRows {
  const { rows, rowSize } = input;
  const empty = new Float64Array(rows);
  const featureSums = new Float64Array(rows);
  return {
    deliver(r, phi, groups, vEmpty) {
      empty[r] = vEmpty;
      featureSums[r] = phi.reduce((a, b) => a + Math.fround(b), 0);
      spreadToElements(phi, groups, values.subarray(r * rowSize, (r + 1) * rowSize));
    },
    attribution(method, params, targets, fx) {
      const expected = Float64Array.from(fx, (f, row) => f - empty[row]!);
      return { method, params, targets, values, shape: [...input.shape], completeness: featureCompleteness(featureSums, expected) };
    },
  };
}

/** Write x with the features where `keep[g] == 0` replaced by the baseline (the interpretable-space mapping h_x(z)). */
export function writeCoalition(x: Float32Array, baseline: Float32Array, groups: RowGroups, keep: (g: number) => boolean, dst: Float32Array): void {
  dst.set(x);
  groups.members.forEach((m, g) => {
    if (keep(g)) return;
    for (const i of m) dst[i] = baseline[i]!;
  });
}

/** Everything the batched evaluator needs to know about the model call. */
export interface EvaluationContext {
  model: Model;
  input: HostInputs;
  targets: Int32Array;
  batchSize: number;
}

/**
 * Evaluate `count` perturbed copies in batches of `batchSize` rows and return
 * output[target] of each (float64 for the accumulations that follow).
 * `write(k, dst)` fills copy k (one input row) and returns the input row whose target applies.
 */
export async function evaluateCopies(ctx: EvaluationContext, count: number, write: (k: number, dst: Float32Array) => number): Promise<Float64Array> {
  const { model, input, targets, batchSize } = ctx;
  const be = model.be;
  const rest = input.shape.slice(1);
  const rowSize = input.rowSize;
  const result = new Float64Array(count);
  const size = Math.min(batchSize, count);
  const buffer = new Float32Array(size * rowSize);
  const sourceRow = new Int32Array(size);
  for (let start = 0; start < count; start += size) {
    const n = Math.min(size, count - start);
    for (let j = 0; j < n; j++) sourceRow[j] = write(start + j, buffer.subarray(j * rowSize, (j + 1) * rowSize));
    const x = be.tensor(n === size ? buffer : buffer.slice(0, n * rowSize), [n, ...rest]);
    let y: Tensor;
    try {
      y = model.predict(x);
    } finally {
      x.dispose();
    }
    let out: Float32Array;
    try {
      out = await readFloat(y);
    } finally {
      y.dispose();
    }
    const width = out.length / n;
    for (let j = 0; j < n; j++) result[start + j] = out[j * width + targets[sourceRow[j]!]!]!;
  }
  return result;
}

/**
 * The model's outputs for the unperturbed inputs (in batches) and the resolved targets.
 * `fx[r]` is output[r, target[r]].
 */
export async function predictAndTargets(model: Model, inputs: Tensor, input: HostInputs, target: Target | undefined, batchSize: number): Promise<{ targets: Int32Array; fx: Float64Array }> {
  const be = model.be;
  const parts: Float32Array[] = [];
  let width = 0;
  for (let s = 0; s < input.rows; s += batchSize) {
    const e = Math.min(input.rows, s + batchSize);
    const slice = s === 0 && e === input.rows ? null : sliceRows(be, inputs, s, e);
    let y: Tensor;
    try {
      y = model.predict(slice ?? inputs);
    } finally {
      slice?.dispose();
    }
    try {
      const v = await readFloat(y);
      width = v.length / (e - s);
      parts.push(v);
    } finally {
      y.dispose();
    }
  }
  const outputs = new Float32Array(input.rows * width);
  let o = 0;
  for (const p of parts) {
    outputs.set(p, o);
    o += p.length;
  }
  const targets = await resolveTargets(model, inputs, target, outputs);
  const fx = Float64Array.from(targets, (t, r) => outputs[r * width + t]!);
  return { targets, fx };
}

/** A run of input rows whose perturbed copies are evaluated together. */
export interface RowChunk {
  r0: number;
  r1: number;
  /** Copies of row r are offsets[r - r0] .. offsets[r - r0 + 1] - 1. */
  offsets: Int32Array;
  /** The chunk-local row (r - r0) of every copy. */
  copyRow: Int32Array;
}

/**
 * Input rows in chunks of about `budget` perturbed copies (at least one row each):
 * bounds the host arrays of coalitions and outputs while model batches still fill up across rows.
 * `costOfRow` (default: the copies) counts other per-row host memory in the same units.
 */
export function* chunkRows(rows: number, copiesOfRow: (r: number) => number, budget = 2 ** 20, costOfRow = copiesOfRow): IterableIterator<RowChunk> {
  let r0 = 0;
  while (r0 < rows) {
    const counts: number[] = [];
    let cost = 0;
    let r1 = r0;
    while (r1 < rows && (r1 === r0 || cost + costOfRow(r1) <= budget)) {
      counts.push(copiesOfRow(r1));
      cost += costOfRow(r1);
      r1++;
    }
    const total = counts.reduce((a, b) => a + b, 0);
    const offsets = new Int32Array(counts.length + 1);
    counts.forEach((c, i) => (offsets[i + 1] = offsets[i]! + c));
    const copyRow = new Int32Array(total);
    for (let i = 0; i < counts.length; i++) copyRow.fill(i, offsets[i]!, offsets[i + 1]!);
    yield { r0, r1, offsets, copyRow };
    r0 = r1;
  }
}

/** The options every coalition method with a baseline reads before its own work. */
export interface PerturbationCommonOptions {
  target?: Target;
  batchSize?: number;
  baseline?: Baseline;
  groups?: FeatureMask;
}

/**
 * What feature ablation, LIME and Shapley sampling start from, in this order (so errors come
 * in the same order): the host inputs, the batch size, the baseline rows, the feature groups,
 * the targets with f(x), and the zeroed attribution values.
 */
export async function perturbationSetup(method: string, model: Model, inputs: Tensor, options: PerturbationCommonOptions) {
  const input = await readInputs(method, inputs);
  const batchSize = resolveBatchSize(method, options.batchSize, input.rowSize);
  const baseline = await resolveBaseline(method, 'baseline', options.baseline, input);
  const groups = await resolveGroups(method, options.groups, input);
  const { targets, fx } = await predictAndTargets(model, inputs, input, options.target, batchSize);
  return { input, batchSize, baseline, groups, targets, fx, rowSize: input.rowSize, values: new Float32Array(input.rows * input.rowSize) };
}
