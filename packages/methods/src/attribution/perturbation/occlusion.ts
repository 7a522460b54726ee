/**
 * Occlusion (Zeiler & Fergus 2014), with Captum's semantics: a window slides
 * over the non-batch dimensions; each placement sets the window to the
 * baseline, and every element gets the mean of f(x)[t] - f(x occluded)[t]
 * over the placements that cover it. Placements start at k * stride for
 * k = 0 .. ceil((D - W) / S), the last one cut at the border (so every element
 * is covered), exactly as Captum's `Occlusion`.
 *
 * CLI name: `occlusion`.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { Model } from '../../model/model.js';
import { checkOptions } from '../common.js';
import { AttributionError, type Attribution, type CommonOptions } from '../types.js';
import {
  describeValue, evaluateCopies, predictAndTargets, readInputs, resolveBaseline, resolveBatchSize, chunkRows, targetParam, type Baseline,
} from './shared.js';

export interface OcclusionOptions extends CommonOptions {
  /** Window size over the non-batch dimensions, e.g. [1, 4, 4] for [C, H, W] inputs (required). */
  window: readonly number[];
  /** Step between placements per dimension, or one number for all (default 1). */
  stride?: number | readonly number[];
  /** Value written into the window: a number or a tensor broadcastable to the input (default 0). */
  baseline?: Baseline;
}

const METHOD = 'occlusion';
const OPTIONS = ['target', 'batchSize', 'window', 'stride', 'baseline'] as const;

/** The placements of a window along every dimension. */
interface Placements {
  dims: number[];
  window: number[];
  stride: number[];
  /** Placements per dimension. */
  counts: number[];
  total: number;
}

function placements(rest: number[], windowOpt: readonly number[] | undefined, strideOpt: number | readonly number[] | undefined): Placements {
  if (!windowOpt || !Array.isArray(windowOpt)) {
    throw new AttributionError(`${METHOD}: option 'window' is required: one size per non-batch dimension of the input [${rest.join(', ')}], e.g. [${rest.map((d, i) => (i === 0 && rest.length > 2 ? 1 : Math.min(d, 4))).join(', ')}]`);
  }
  const window = [...windowOpt];
  const stride = typeof strideOpt === 'number' ? rest.map(() => strideOpt) : strideOpt ? [...strideOpt] : rest.map(() => 1);
  if (window.length !== rest.length) throw new AttributionError(`${METHOD}: window [${window.join(', ')}] needs one size per non-batch dimension of the input [${rest.join(', ')}]`);
  if (stride.length !== rest.length) throw new AttributionError(`${METHOD}: stride [${stride.join(', ')}] needs one step per non-batch dimension of the input [${rest.join(', ')}]`);
  const counts = rest.map((d, i) => {
    const w = window[i]!;
    const s = stride[i]!;
    if (!Number.isInteger(w) || w < 1 || w > d) throw new AttributionError(`${METHOD}: window size ${w} in dimension ${i + 1} must be an integer from 1 to ${d} (the input [${rest.join(', ')}])`);
    if (!Number.isInteger(s) || s < 1) throw new AttributionError(`${METHOD}: stride ${s} in dimension ${i + 1} must be a positive integer`);
    return Math.ceil((d - w) / s) + 1;
  });
  return { dims: rest, window, stride, counts, total: counts.reduce((a, b) => a * b, 1) };
}

/** Visit the flat element indices covered by placement `p` (cut at the border). */
function forEachCovered(pl: Placements, p: number, visit: (element: number) => void): void {
  const n = pl.dims.length;
  const start = new Array<number>(n);
  const end = new Array<number>(n);
  let rem = p;
  for (let i = n - 1; i >= 0; i--) {
    const k = rem % pl.counts[i]!;
    rem = Math.floor(rem / pl.counts[i]!);
    start[i] = k * pl.stride[i]!;
    end[i] = Math.min(start[i]! + pl.window[i]!, pl.dims[i]!);
  }
  const strides = new Array<number>(n);
  let acc = 1;
  for (let i = n - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= pl.dims[i]!;
  }
  const idx = [...start];
  for (;;) {
    let flat = 0;
    for (let i = 0; i < n; i++) flat += idx[i]! * strides[i]!;
    visit(flat);
    let d = n - 1;
    for (; d >= 0; d--) {
      idx[d]!++;
      if (idx[d]! < end[d]!) break;
      idx[d] = start[d]!;
    }
    if (d < 0) return;
  }
}

export async function occlusion(model: Model, inputs: Tensor, options: OcclusionOptions): Promise<Attribution> {
  checkOptions(METHOD, options, OPTIONS);
  const input = await readInputs(METHOD, inputs);
  const pl = placements(input.shape.slice(1), options?.window, options?.stride);
  const batchSize = resolveBatchSize(METHOD, options.batchSize, input.rowSize);
  const baseline = await resolveBaseline(METHOD, 'baseline', options.baseline, input);
  const { targets, fx } = await predictAndTargets(model, inputs, input, options.target, batchSize);
  const { rowSize } = input;

  // how many placements cover each element (the same for every row)
  const coverage = new Float32Array(rowSize);
  for (let p = 0; p < pl.total; p++) forEachCovered(pl, p, (e) => coverage[e]!++);

  const values = new Float32Array(input.rows * rowSize);
  const sums = new Float64Array(rowSize);
  for (const { r0, r1 } of chunkRows(input.rows, () => pl.total)) {
    const outputs = await evaluateCopies({ model, input, targets, batchSize }, (r1 - r0) * pl.total, (k, dst) => {
      const r = r0 + Math.floor(k / pl.total);
      const x = input.data.subarray(r * rowSize, (r + 1) * rowSize);
      const b = baseline.row(r);
      dst.set(x);
      forEachCovered(pl, k % pl.total, (e) => (dst[e] = b[e]!));
      return r;
    });
    for (let r = r0; r < r1; r++) {
      sums.fill(0);
      for (let p = 0; p < pl.total; p++) {
        const delta = fx[r]! - outputs[(r - r0) * pl.total + p]!;
        forEachCovered(pl, p, (e) => (sums[e]! += delta));
      }
      // Captum divides the summed deltas by the coverage counts in float32
      for (let e = 0; e < rowSize; e++) values[r * rowSize + e] = Math.fround(sums[e]!) / coverage[e]!;
    }
  }
  return {
    method: METHOD,
    params: { target: targetParam(options.target), window: pl.window, stride: pl.stride, baseline: describeValue(options.baseline ?? 0), batchSize },
    targets,
    values,
    shape: [...input.shape],
  };
}
