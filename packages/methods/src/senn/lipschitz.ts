/**
 * Local Lipschitz estimate of an explanation (Alvarez-Melis & Jaakkola 2018,
 * "On the robustness of interpretability methods" and the SENN paper):
 *   L(x) = max_{x' ∈ B_ε(x)} ||e(x) − e(x')||₂ / ||x − x'||₂,
 * estimated by sampling points uniformly in the ε-ball (the paper optimises;
 * sampling gives a lower bound of the same quantity). The target class is the
 * one explained at x, kept for every x'.
 */
import { Generator, type Tensor } from '@relevance/core-wasm';
import type { Model } from '../model/model.js';
import { readFloat, resolveTargets } from '../attribution/common.js';
import { AttributionError, type Attribution } from '../attribution/types.js';

export type Explainer = (model: Model, x: Tensor, options: { target: Int32Array; seed?: number }) => Promise<Attribution>;

export interface LipschitzOptions {
  /** Ball radius ε in input units (default 0.1). */
  radius?: number;
  /** Points sampled per row (default 20). */
  samples?: number;
  seed?: number | bigint;
  /** Passed to random explainers so that e(x) and e(x') share their randomness. */
  explainerSeed?: number;
}

/** Per-row estimates and their mean. */
export async function lipschitzEstimate(model: Model, x: Tensor, explain: Explainer, options: LipschitzOptions = {}): Promise<{ perRow: Float64Array; mean: number }> {
  if (x.rank !== 2) throw new AttributionError(`lipschitz: the input must be [rows, features], got [${x.shape.join(', ')}]`);
  const radius = options.radius ?? 0.1;
  const samples = options.samples ?? 20;
  if (!(radius > 0)) throw new AttributionError(`lipschitz: radius must be positive, got ${radius}`);
  if (!Number.isInteger(samples) || samples < 1) throw new AttributionError(`lipschitz: samples must be a positive integer, got ${samples}`);
  const g = new Generator(options.seed ?? 0);
  const rows = x.shape[0]!;
  const d = x.shape[1]!;
  const be = model.be;
  const xs = await readFloat(x);
  const targets = await resolveTargets(model, x, 'argmax');
  const seedOpt = options.explainerSeed !== undefined ? { seed: options.explainerSeed } : {};
  const base = await explain(model, x, { target: targets, ...seedOpt });
  // all perturbed copies at once: sample-major [samples * rows, d]
  const pert = new Float32Array(samples * rows * d);
  const dist = new Float64Array(samples * rows);
  for (let s = 0; s < samples; s++) {
    for (let r = 0; r < rows; r++) {
      // uniform in the ball: a Gaussian direction, radius ε·u^(1/d)
      const dir = Float64Array.from({ length: d }, () => g.normal());
      const norm = Math.hypot(...dir) || 1;
      const rad = radius * g.uniform() ** (1 / d);
      let dd = 0;
      for (let j = 0; j < d; j++) {
        const v = xs[r * d + j]! + (dir[j]! / norm) * rad;
        pert[(s * rows + r) * d + j] = v;
        dd += (v - xs[r * d + j]!) ** 2;
      }
      dist[s * rows + r] = Math.sqrt(dd);
    }
  }
  const xp = be.tensor(pert, [samples * rows, d]);
  let other: Attribution;
  try {
    const tiled = new Int32Array(samples * rows);
    for (let s = 0; s < samples; s++) tiled.set(targets, s * rows);
    other = await explain(model, xp, { target: tiled, ...seedOpt });
  } finally {
    xp.dispose();
  }
  const perRow = new Float64Array(rows);
  for (let s = 0; s < samples; s++) {
    for (let r = 0; r < rows; r++) {
      let diff = 0;
      for (let j = 0; j < d; j++) diff += (base.values[r * d + j]! - other.values[(s * rows + r) * d + j]!) ** 2;
      const dd = dist[s * rows + r]!;
      if (dd > 0) perRow[r] = Math.max(perRow[r]!, Math.sqrt(diff) / dd);
    }
  }
  return { perRow, mean: perRow.reduce((a, v) => a + v, 0) / rows };
}
