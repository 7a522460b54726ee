/**
 * Exact Shapley values over all 2^d coalitions of d features (elements or
 * groups), with absent features set to the baseline:
 *
 *   phi_i = sum_{S subset of N \ {i}} |S|! (d - |S| - 1)! / d! * (v(S + i) - v(S)),
 *   v(S) = f(x_S, baseline_{N \ S})[t].
 *
 * Every coalition is evaluated once (2^d model rows per input row), then the
 * weighted marginal differences are summed in float64, so efficiency
 * (sum phi = v(N) - v(empty)) holds to float64 rounding of float32 outputs.
 * The cost doubles with every feature: more than `maxFeatures` (default 20)
 * is refused; use `shapley-sampling` or `kernel-shap`, or fewer groups.
 *
 * CLI name: `shapley-exact`.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { Model } from '../../model/model.js';
import { checkOptions } from '../common.js';
import { AttributionError, type Attribution, type CommonOptions } from '../types.js';
import { chunkRows, evaluateCopies, predictAndTargets, readInputs, resolveBaseline, resolveBatchSize, resolveGroups, writeCoalition, type Baseline, type FeatureMask, shapleyRows, sharedParams } from './shared.js';

export interface ShapleyExactOptions extends CommonOptions {
  /** Value of absent features: a number or a tensor broadcastable to the input (default 0). */
  baseline?: Baseline;
  /** Feature mask: group id per element (default: each element is a feature). */
  groups?: FeatureMask;
  /** Refuse inputs with more features than this (default 20, at most 24): 2^d evaluations per row. */
  maxFeatures?: number;
}

const METHOD = 'shapley-exact';
const OPTIONS = ['target', 'batchSize', 'baseline', 'groups', 'maxFeatures'] as const;
export const SHAPLEY_EXACT_DEFAULT_MAX_FEATURES = 20;
const HARD_LIMIT = 24;

/** Shapley weight |S|! (d - |S| - 1)! / d! = 1 / (d * C(d - 1, |S|)) for every coalition size. */
export function shapleyWeights(d: number): Float64Array {
  const w = new Float64Array(d);
  let binom = 1; // C(d - 1, s)
  for (let s = 0; s < d; s++) {
    w[s] = 1 / (d * binom);
    binom = (binom * (d - 1 - s)) / (s + 1);
  }
  return w;
}

function popcount(m: number): number {
  let c = 0;
  for (let v = m; v; v &= v - 1) c++;
  return c;
}

export async function shapleyExact(model: Model, inputs: Tensor, options: ShapleyExactOptions = {}): Promise<Attribution> {
  checkOptions(METHOD, options, OPTIONS);
  const maxFeatures = options.maxFeatures ?? SHAPLEY_EXACT_DEFAULT_MAX_FEATURES;
  if (!Number.isInteger(maxFeatures) || maxFeatures < 1 || maxFeatures > HARD_LIMIT) {
    throw new AttributionError(`${METHOD}: maxFeatures must be an integer from 1 to ${HARD_LIMIT} (2^${HARD_LIMIT} evaluations per row), got ${options.maxFeatures}`);
  }
  const input = await readInputs(METHOD, inputs);
  const groups = await resolveGroups(METHOD, options.groups, input);
  for (let r = 0; r < input.rows; r++) {
    const d = groups.forRow(r).count;
    if (d > maxFeatures) {
      throw new AttributionError(
        `${METHOD}: ${d} features${groups.perRow ? ` in row ${r}` : ''} would need 2^${d} coalitions per row; the limit is ${maxFeatures} features (option maxFeatures, at most ${HARD_LIMIT}). ` +
          `Use shapley-sampling or kernel-shap instead, or merge elements into at most ${maxFeatures} features with the groups option.`,
      );
    }
    if (!groups.perRow) break;
  }
  const batchSize = resolveBatchSize(METHOD, options.batchSize, input.rowSize);
  const baseline = await resolveBaseline(METHOD, 'baseline', options.baseline, input);
  const { targets, fx } = await predictAndTargets(model, inputs, input, options.target, batchSize);
  const { rowSize } = input;
  const out = shapleyRows(input);

  for (const { r0, r1, offsets, copyRow } of chunkRows(input.rows, (r) => 2 ** groups.forRow(r).count)) {
    const rowGroups = Array.from({ length: r1 - r0 }, (_, i) => groups.forRow(r0 + i));
    // copy offsets[i] + m is coalition m: bit g set = feature g keeps its value
    const v = await evaluateCopies({ model, input, targets, batchSize }, copyRow.length, (k, dst) => {
      const i = copyRow[k]!;
      const r = r0 + i;
      const m = k - offsets[i]!;
      const x = input.data.subarray(r * rowSize, (r + 1) * rowSize);
      writeCoalition(x, baseline.row(r), rowGroups[i]!, (g) => ((m >>> g) & 1) === 1, dst);
      return r;
    });
    for (let i = 0; i < r1 - r0; i++) {
      const r = r0 + i;
      const d = rowGroups[i]!.count;
      const w = shapleyWeights(d);
      const phi = new Float64Array(d);
      const base = offsets[i]!;
      const full = 2 ** d;
      for (let m = 0; m < full; m++) {
        const wm = w[popcount(m)];
        const vm = v[base + m]!;
        for (let g = 0; g < d; g++) {
          if ((m >>> g) & 1) continue;
          phi[g]! += wm! * (v[base + (m | (1 << g))]! - vm);
        }
      }
      out.deliver(r, phi, rowGroups[i]!, v[base]!);
    }
  }
  return out.attribution(METHOD, {
    ...sharedParams(options),
    maxFeatures,
    batchSize,
  }, targets, fx);
}
