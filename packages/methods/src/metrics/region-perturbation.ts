/**
 * Region perturbation, "pixel flipping" generalised (Samek et al., IEEE TNNLS
 * 2017): rank regions by mean attribution, perturb them cumulatively in that
 * order, most relevant first (MoRF) or least relevant first (LeRF), and record
 * the target output after each step. Random perturbations are averaged over
 * `draws` seeded draws. Every copy of every row goes through batched forward
 * calls (see batched-outputs.ts).
 */
import { toGenerator, type Generator, type Tensor } from '@relevance/core-wasm';
import type { Model } from '../model/model.js';
import type { Target } from '../attribution/types.js';
import { rowCopyOutputs } from './batched-outputs.js';
import { aopc, aupc } from './curve-area.js';
import { MetricError, metricTargets, positiveInteger, readExplainedRows, type Explanation } from './metric-inputs.js';
import { replacementSource, type PerturbationOptions } from './perturbation-fill.js';
import { buildRegions, rankRegions, regionScores, type RegionOptions } from './regions.js';

export type PerturbationOrder = 'morf' | 'lerf';

export interface RegionPerturbationOptions extends RegionOptions, PerturbationOptions {
  /** 'morf' (most relevant first, default) or 'lerf' (least relevant first). */
  order?: PerturbationOrder;
  /** Regions perturbed, one per step (default min(regions, 100)). */
  steps?: number;
  /** Draws averaged for random perturbations (default 5 for 'uniform', else 1). */
  draws?: number;
  seed?: number | Generator;
  /** Default: the explanation's targets, else the argmax. */
  target?: Target;
  /** Copies per forward call. */
  batchSize?: number;
}

export interface PerturbationCurve {
  order: PerturbationOrder;
  /** Number of regions and steps taken. */
  regions: number;
  steps: number;
  draws: number;
  /** Fraction of the regions perturbed after each step: k / regions, k = 0..steps. */
  fractions: Float64Array;
  /** Target output after k steps, averaged over rows (length steps + 1). */
  curve: Float64Array;
  /** Per row, [rows, steps + 1]. */
  rowCurves: Float64Array;
  /** Area over the perturbation curve (Samek's AOPC), mean over rows and per row. */
  aopc: number;
  rowAopc: Float64Array;
  /** Area under the perturbation curve over k / steps in [0, 1], mean over rows and per row. */
  aupc: number;
  rowAupc: Float64Array;
  targets: Int32Array;
}

const METRIC = 'regionPerturbation';

export async function regionPerturbation(model: Model, inputs: Tensor, explanation: Explanation, options: RegionPerturbationOptions = {}): Promise<PerturbationCurve> {
  const host = await readExplainedRows(METRIC, inputs, explanation);
  const { rows, rowSize, rowShape, data, values } = host;
  const order = options.order ?? 'morf';
  if (order !== 'morf' && order !== 'lerf') throw new MetricError(`${METRIC}: order must be 'morf' or 'lerf', got '${String(order)}'`);
  const regions = buildRegions(METRIC, rowShape, options);
  const steps = Math.min(regions.length, positiveInteger(METRIC, 'steps', options.steps, Math.min(regions.length, 100)));
  const generator = toGenerator(options.seed ?? 0);
  const { source, random } = await replacementSource(METRIC, host, options, generator);
  const draws = random ? positiveInteger(METRIC, 'draws', options.draws, 5) : 1;
  const targets = await metricTargets(model, inputs, explanation, options.target);
  const ranking = Array.from({ length: rows }, (_, r) => rankRegions(regionScores(values, r * rowSize, regions), order));
  // copy index = (row * draws + draw) * (steps + 1) + k
  const perRow = draws * (steps + 1);
  const outputs = await rowCopyOutputs(model, host, perRow, targets, (row, copy, x, out) => {
    const draw = Math.floor(copy / (steps + 1));
    const k = copy % (steps + 1);
    out.set(x);
    if (k === 0) return;
    const replacement = source(row, draw);
    const rank = ranking[row]!;
    for (let s = 0; s < k; s++) for (const e of regions[rank[s]!]!) out[e] = replacement[e]!;
  }, options.batchSize);
  const rowCurves = new Float64Array(rows * (steps + 1));
  for (let r = 0; r < rows; r++) {
    for (let d = 0; d < draws; d++) for (let k = 0; k <= steps; k++) rowCurves[r * (steps + 1) + k]! += outputs[r * perRow + d * (steps + 1) + k]! / draws;
  }
  const curve = new Float64Array(steps + 1);
  for (let r = 0; r < rows; r++) for (let k = 0; k <= steps; k++) curve[k]! += rowCurves[r * (steps + 1) + k]! / rows;
  const rowAopc = Float64Array.from({ length: rows }, (_, r) => aopc(rowCurves.subarray(r * (steps + 1), (r + 1) * (steps + 1))));
  const rowAupc = Float64Array.from({ length: rows }, (_, r) => aupc(rowCurves.subarray(r * (steps + 1), (r + 1) * (steps + 1))));
  return {
    order,
    regions: regions.length,
    steps,
    draws,
    fractions: Float64Array.from({ length: steps + 1 }, (_, k) => k / regions.length),
    curve,
    rowCurves,
    aopc: aopc(curve),
    rowAopc,
    aupc: aupc(curve),
    rowAupc,
    targets,
  };
}
