/**
 * The one loop behind `distributionalInfluence` and `meanAttribution`.
 *
 * For every instance r of the distribution, the kernel gives points z_{r,k}
 * with weights w_k (summing to 1 for a point, a Gaussian and Gauss-Legendre
 * paths); one backward pass per batch of points gives ∂q/∂h at each, and
 *   χ_r = Σ_k w_k ∂q/∂h(z_{r,k})          (the instance's influence)
 *   a_r = (h(x_r) − h(b_r)) ⊙ χ_r          (its attribution)
 * For a set distribution the results are the means of χ_r and a_r over its
 * instances, accumulated on the host in float64 without keeping per-row values.
 *
 * Memory: at most `batchSize` points go through the model at once, and the
 * host keeps float64 accumulators for one chunk of instances (or one slice,
 * for sets), so the cost does not grow with samples or steps.
 *
 * The arithmetic mirrors integratedGradients and inputXGradient (the same
 * interpolation ops, chunking, float64 accumulation order and final
 * products), so a point mass and a linear path reproduce them exactly.
 */
import { randomElement, type Backend, type Tensor } from '@relevance/core-wasm';
import type { Model } from '../model/model.js';
import { baselineRows, resolveBaseline, type ResolvedBaseline } from '../attribution/gradient/index.js';
import { checkOptions, readFloat, sliceRows } from '../attribution/common.js';
import { AttributionError } from '../attribution/types.js';
import { argmaxRows } from '../util/argmax.js';
import { resolveDistribution, type Kernel } from './distribution.js';
import { resolveQuantity, type ResolvedQuantity } from './quantity.js';
import { backwardToSlice, keepSlice, sliceActivation, type ResolvedSlice, resolveSlice } from './slice.js';
import type { InfluenceAndAttribution, InfluenceOptions, InfluenceResult } from './types.js';

export const INFLUENCE_OPTION_NAMES = ['quantity', 'distribution', 'slice', 'baseline', 'activationBaseline', 'batchSize'] as const;
export const DEFAULT_INFLUENCE_BATCH_SIZE = 256;

function checkInputs(method: string, model: Model, x: Tensor): void {
  if (x.isDisposed) throw new AttributionError(`${method}: the input tensor was already disposed`);
  if (x.backend !== model.be) throw new AttributionError(`${method}: the input lives on the ${x.backend.name} backend, the model on ${model.be.name}`);
  if (x.dtype !== 'float32') throw new AttributionError(`${method}: the input must be float32, got ${x.dtype}`);
  if (x.rank < 2 || x.shape[0] === 0) throw new AttributionError(`${method}: the input must be [rows, ...features] with at least one row, got [${x.shape.join(', ')}]`);
}

/** Rows `idx` of x: a slice when they are consecutive (the common case), else a gather. */
function takeRows(be: Backend, x: Tensor, idx: Int32Array): Tensor {
  const first = idx[0]!;
  let consecutive = true;
  for (let i = 1; i < idx.length && consecutive; i++) consecutive = idx[i] === first + i;
  return consecutive ? sliceRows(be, x, first, first + idx.length) : be.gather(x, idx, 0);
}

/** Baseline rows for instances `idx`, [idx.length, ...features]. */
function baselineFor(be: Backend, baseline: ResolvedBaseline, idx: Int32Array): Tensor {
  if (!baseline.perRow) return baselineRows(be, baseline, 0, idx.length);
  return takeRows(be, baseline.tensor, idx);
}

/** argmax of the model's output for rows `idx`, in batches. */
async function predictedClasses(model: Model, x: Tensor, rows: Int32Array, batchSize: number): Promise<Int32Array> {
  const be = model.be;
  const out = new Int32Array(rows.length);
  for (let s = 0; s < rows.length; s += batchSize) {
    const idx = rows.subarray(s, Math.min(rows.length, s + batchSize));
    const values = await be.asyncScope(async () => {
      const y = model.predict(takeRows(be, x, idx));
      return { v: await readFloat(y), width: y.size / idx.length };
    });
    out.set(argmaxRows(values.v, idx.length, values.width), s);
  }
  return out;
}

/** Gradient of q at the slice for one batch of points (host values, [n, ...slice]) and the pass's slice activation when asked. */
async function sliceGradient(
  be: Backend, quantity: ResolvedQuantity, slice: ResolvedSlice, points: Tensor, targets: Int32Array, withActivation: boolean,
): Promise<{ gradient: Float32Array; activation: Float32Array | null; rowShape: number[] }> {
  const qModel = quantity.model;
  const pass = qModel.forward(points, keepSlice(slice));
  try {
    const outputs = await readFloat(pass.output);
    const n = points.shape[0]!;
    const width = pass.output.size / n;
    const seed = be.tensor(quantity.seed(outputs, n, width, targets), pass.output.shape);
    const activationTensor = sliceActivation(pass, slice, points);
    const rowShape = activationTensor.shape.slice(1);
    let result;
    try {
      result = qModel.backward(pass, seed, backwardToSlice(slice));
    } finally {
      seed.dispose();
    }
    try {
      const g = slice.node ? result.nodes.get(slice.node.name) : result.input;
      // no gradient reaches the slice: the quantity does not depend on it
      const gradient = g ? await readFloat(g) : new Float32Array(activationTensor.size);
      const activation = withActivation ? await readFloat(activationTensor) : null;
      return { gradient, activation, rowShape };
    } finally {
      result.dispose();
    }
  } finally {
    pass.dispose();
  }
}

/** The slice's activation at `x` (no tape), host values. */
async function activationAt(be: Backend, model: Model, slice: ResolvedSlice, x: Tensor): Promise<Float32Array> {
  if (!slice.node) return readFloat(x);
  return be.asyncScope(async () => {
    const pass = model.forward(x, { tape: false, ...keepSlice(slice) });
    try {
      return await readFloat(pass.activation(slice.node!.name));
    } finally {
      pass.dispose();
    }
  });
}

/** The evaluated points of `kernel` for samples [k0, k1) of the instances xb (step-major: [nk * rb, ...features]). */
function kernelPoints(be: Backend, kernel: Kernel, xb: Tensor, bb: Tensor, xHost: Float32Array, instanceRows: Int32Array, k0: number, k1: number): Tensor {
  const rb = xb.shape[0]!;
  const features = xb.shape.slice(1);
  const nk = k1 - k0;
  if (kernel.kind === 'linear-path') {
    // b + alpha (x - b), the same ops as integratedGradients
    return be.scope(() => {
      const delta = be.sub(xb, bb);
      const a = be.tensor(Float32Array.from(kernel.alphas.subarray(k0, k1)), [nk, ...delta.shape.map(() => 1)]);
      const points = be.add(be.mul(a, delta), bb);
      return be.reshape(points, [nk * rb, ...features]);
    });
  }
  if (kernel.kind === 'gaussian') {
    const per = xHost.length / rb;
    const host = new Float32Array(nk * rb * per);
    for (let j = 0; j < nk; j++) {
      const k = k0 + j;
      for (let r = 0; r < rb; r++) {
        // noise element index from the input row, sample and feature: independent of batching and of the set
        const base = (instanceRows[r]! * kernel.samples + k) * per;
        const dst = (j * rb + r) * per;
        for (let e = 0; e < per; e++) host[dst + e] = Math.fround(xHost[r * per + e]! + randomElement(base + e, 'normal', kernel.key, 0, kernel.stdev));
      }
    }
    return be.tensor(host, [nk * rb, ...features]);
  }
  return be.clone(xb);
}

interface Accumulators {
  rowShape: number[] | null;
  /** Per-instance results ([rows, ...slice]) or set sums ([...slice]), allocated on first use. */
  influence: Float64Array | Float32Array | null;
  attribution: Float64Array | Float32Array | null;
}

/** What the kernel loop of one chunk needs. */
interface KernelPass {
  be: Backend;
  quantity: ResolvedQuantity;
  slice: ResolvedSlice;
  kernel: Kernel;
  samplesPerPass: number;
}

/**
 * χ of a chunk of instances: Σ_k w_k ∂q/∂h(z_{r,k}), the kernel's points taken
 * `samplesPerPass` at a time; also the slice activation at the instances when
 * the point kernel's pass produced it.
 */
async function weightedGradient(
  c: KernelPass, xb: Tensor, bb: Tensor, idx: Int32Array, chunkTargets: Int32Array,
): Promise<{ weighted: Float64Array; activation: Float32Array | null; rowShape: number[] }> {
  const { be, kernel } = c;
  const rb = idx.length;
  const xHost = kernel.kind === 'gaussian' ? await readFloat(xb) : new Float32Array(0);
  let weighted: Float64Array | null = null;
  let activation: Float32Array | null = null;
  let rowShape: number[] = [];
  for (let k0 = 0; k0 < kernel.samples; k0 += c.samplesPerPass) {
    const k1 = Math.min(kernel.samples, k0 + c.samplesPerPass);
    const nk = k1 - k0;
    const points = kernel.kind === 'point' ? xb : kernelPoints(be, kernel, xb, bb, xHost, idx, k0, k1);
    const pointTargets = new Int32Array(nk * rb);
    for (let j = 0; j < nk; j++) pointTargets.set(chunkTargets, j * rb);
    try {
      const r = await sliceGradient(be, c.quantity, c.slice, points, pointTargets, kernel.kind === 'point');
      rowShape = r.rowShape;
      if (r.activation) activation = r.activation;
      const per = r.gradient.length / (nk * rb);
      weighted ??= new Float64Array(rb * per);
      for (let j = 0; j < nk; j++) {
        const w = kernel.weights[k0 + j]!;
        const src = j * rb * per;
        for (let i = 0; i < rb * per; i++) weighted[i] += w * r.gradient[src + i]!;
      }
    } finally {
      if (points !== xb) points.dispose();
    }
  }
  return { weighted: weighted!, activation, rowShape };
}

/**
 * Evaluate the distribution once and return both statistics. `method` names
 * the caller in messages and results.
 */
export async function computeInfluence(method: string, model: Model, inputs: Tensor, options: InfluenceOptions = {}): Promise<InfluenceAndAttribution> {
  checkOptions(method, options, INFLUENCE_OPTION_NAMES);
  checkInputs(method, model, inputs);
  const be = model.be;
  const batchSize = options.batchSize ?? DEFAULT_INFLUENCE_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new AttributionError(`${method}: batchSize must be a positive integer, got ${batchSize}`);
  const activationBaseline = options.activationBaseline ?? 'baseline-input';
  if (activationBaseline !== 'baseline-input' && activationBaseline !== 'zero') {
    throw new AttributionError(`${method}: activationBaseline must be 'baseline-input' or 'zero', got '${String(activationBaseline)}'`);
  }
  const inputRows = inputs.shape[0]!;
  const slice = resolveSlice(method, model, options.slice);
  const dist = resolveDistribution(method, options.distribution, inputRows);
  const kernel = dist.kernel;
  const quantity = resolveQuantity(method, model, options.quantity, slice, inputRows);
  let baseline: ResolvedBaseline | null = null;
  try {
    baseline = resolveBaseline(method, be, inputs, options.baseline);
    const predicted = quantity.usesPrediction ? await predictedClasses(model, inputs, dist.rows, batchSize) : null;
    const targets = quantity.targets(dist.rows, predicted);
    const n = dist.rows.length;
    const rowsPerPass = Math.min(n, batchSize);
    const samplesPerPass = Math.max(1, Math.floor(batchSize / rowsPerPass));
    const acc: Accumulators = { rowShape: null, influence: null, attribution: null };
    for (let i0 = 0; i0 < n; i0 += rowsPerPass) {
      const i1 = Math.min(n, i0 + rowsPerPass);
      const idx = dist.rows.subarray(i0, i1);
      const rb = i1 - i0;
      const chunkTargets = targets.subarray(i0, i1);
      await be.asyncScope(async () => {
        const xb = takeRows(be, inputs, idx);
        const bb = baselineFor(be, baseline!, idx);
        const g = await weightedGradient({ be, quantity, slice, kernel, samplesPerPass }, xb, bb, idx, chunkTargets);
        const activation = g.activation ?? await activationAt(be, model, slice, xb);
        const base = activationBaseline === 'zero' ? new Float32Array(activation.length) : await activationAt(be, model, slice, bb);
        accumulate(acc, dist.perInstance, inputRows, i0, rb, g.rowShape, g.weighted, activation, base);
      });
    }
    const rowShape = acc.rowShape!;
    const per = rowShape.reduce((p, d) => p * d, 1);
    const params: Record<string, unknown> = {
      quantity: quantity.description,
      distribution: dist.description,
      slice: slice.name,
      baseline: baseline.description,
      activationBaseline,
      batchSize,
    };
    const finish = (values: Float64Array | Float32Array, name: string): InfluenceResult => ({
      method: name,
      values: dist.perInstance ? (values as Float32Array) : Float32Array.from(values as Float64Array, (v) => v / n),
      shape: dist.perInstance ? [inputRows, ...rowShape] : [...rowShape],
      slice: slice.name,
      perInstance: dist.perInstance,
      instances: n,
      rows: Int32Array.from(dist.rows),
      targets: Int32Array.from(targets),
      params,
    });
    if (acc.influence!.length !== (dist.perInstance ? inputRows * per : per)) throw new Error(`${method}: internal size mismatch`);
    return { influence: finish(acc.influence!, 'distributional-influence'), attribution: finish(acc.attribution!, 'mean-attribution') };
  } finally {
    baseline?.tensor.dispose();
    quantity.dispose();
  }
}

/** Add one chunk of instances: write per-instance rows, or add them to the set sums (float64). */
function accumulate(
  acc: Accumulators, perInstance: boolean, inputRows: number, i0: number, rb: number, rowShape: number[],
  weighted: Float64Array, activation: Float32Array, base: Float32Array,
): void {
  const per = weighted.length / rb;
  if (!acc.rowShape) {
    acc.rowShape = rowShape;
    acc.influence = perInstance ? new Float32Array(inputRows * per) : new Float64Array(per);
    acc.attribution = perInstance ? new Float32Array(inputRows * per) : new Float64Array(per);
  }
  const influence = acc.influence!;
  const attribution = acc.attribution!;
  for (let r = 0; r < rb; r++) {
    for (let e = 0; e < per; e++) {
      const at = r * per + e;
      const b = base[at]!;
      // (activation − baseline) in float64, then the product: the expression integratedGradients uses
      const a = (activation[at]! - b) * weighted[at]!;
      if (perInstance) {
        influence[(i0 + r) * per + e] = weighted[at]!;
        attribution[(i0 + r) * per + e] = a;
      } else {
        influence[e] += weighted[at]!;
        attribution[e] += a;
      }
    }
  }
}
