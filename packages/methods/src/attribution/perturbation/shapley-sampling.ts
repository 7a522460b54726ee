/**
 * Shapley value sampling (Castro et al. 2009; Štrumbelj & Kononenko 2010,
 * 2014): draw random orderings of the d features, walk each from the
 * baseline (no feature present) to x (all present) adding one feature at a
 * time, and credit each feature with the change of f[t] when it joins. The
 * average over orderings is an unbiased estimate of the Shapley value, and
 * every ordering telescopes to v(N) - v(empty), so efficiency holds exactly
 * for any number of samples.
 *
 * `antithetic`: each drawn ordering is also walked reversed. A feature's
 * predecessors in the reversed ordering are the complement of its
 * predecessors in the original, which cancels the pairwise-interaction part
 * of the sampling noise (for a model with at most pairwise interactions one
 * pair gives the exact values). It doubles the evaluations per drawn ordering.
 *
 * Cost per row: 2 + orderings * (d - 1) model rows (v(empty) and v(N) are
 * shared by all orderings), evaluated in batches of `batchSize`.
 *
 * CLI name: `shapley-sampling`.
 */
import type { Generator, Tensor } from '@relevance/core-wasm';
import type { Model } from '../../model/model.js';
import { checkOptions } from '../common.js';
import type { Attribution, CommonOptions, RandomOptions } from '../types.js';
import { chunkRows, evaluateCopies, positiveInteger, seedParam, toSeededGenerator, writeCoalition, type Baseline, type FeatureMask, shapleyRows, sharedParams, perturbationSetup } from './shared.js';

export interface ShapleySamplingOptions extends CommonOptions, RandomOptions {
  /** Value of absent features: a number or a tensor broadcastable to the input (default 0). */
  baseline?: Baseline;
  /** Feature mask: group id per element (default: each element is a feature). */
  groups?: FeatureMask;
  /** Orderings drawn per row (default 25, as Captum's n_samples). */
  permutations?: number;
  /** Also walk every drawn ordering reversed (default false); doubles the evaluations. */
  antithetic?: boolean;
}

const METHOD = 'shapley-sampling';
const OPTIONS = ['target', 'batchSize', 'seed', 'baseline', 'groups', 'permutations', 'antithetic'] as const;
export const SHAPLEY_SAMPLING_DEFAULT_PERMUTATIONS = 25;

/** `permutations` orderings of d groups, each followed by its reverse when antithetic, flat (walks x d). */
function drawOrders(generator: Generator, d: number, permutations: number, antithetic: boolean): Int32Array {
  const all = new Int32Array((antithetic ? 2 * permutations : permutations) * d);
  for (let p = 0; p < permutations; p++) {
    const perm = generator.permutation(d);
    const q = antithetic ? 2 * p : p;
    all.set(perm, q * d);
    if (antithetic) for (let j = 0; j < d; j++) all[(q + 1) * d + j] = perm[d - 1 - j]!;
  }
  return all;
}

export async function shapleySampling(model: Model, inputs: Tensor, options: ShapleySamplingOptions = {}): Promise<Attribution> {
  checkOptions(METHOD, options, OPTIONS);
  const permutations = positiveInteger(METHOD, 'permutations', options.permutations, SHAPLEY_SAMPLING_DEFAULT_PERMUTATIONS);
  const antithetic = options.antithetic ?? false;
  const walks = antithetic ? 2 * permutations : permutations;
  const generator = toSeededGenerator(METHOD, options.seed);
  const { input, batchSize, baseline, groups, targets, fx, rowSize, values } = await perturbationSetup(METHOD, model, inputs, options);
  const out = shapleyRows(input, values);

  // per row: copy 0 = v(empty), copy 1 = v(N), then walk q's prefix of length j (1..d-1) at 2 + q (d - 1) + j - 1
  for (const { r0, r1, offsets, copyRow } of chunkRows(input.rows, (r) => 2 + walks * (groups.forRow(r).count - 1))) {
    const rowGroups = Array.from({ length: r1 - r0 }, (_, i) => groups.forRow(r0 + i));
    // orderings drawn row after row from one generator: the draw does not depend on batching or chunking
    const orders = rowGroups.map((g) => drawOrders(generator, g.count, permutations, antithetic));
    const present = new Uint8Array(rowGroups.reduce((m, g) => Math.max(m, g.count), 0));
    const v = await evaluateCopies({ model, input, targets, batchSize }, copyRow.length, (k, dst) => {
      const i = copyRow[k]!;
      const r = r0 + i;
      const local = k - offsets[i]!;
      const x = input.data.subarray(r * rowSize, (r + 1) * rowSize);
      const g = rowGroups[i]!;
      if (local === 1) {
        dst.set(x); // v(N)
        return r;
      }
      const d = g.count;
      present.fill(0, 0, d);
      if (local >= 2) {
        const q = Math.floor((local - 2) / (d - 1));
        const j = ((local - 2) % (d - 1)) + 1;
        for (let s = 0; s < j; s++) present[orders[i]![q * d + s]!] = 1;
      }
      writeCoalition(x, baseline.row(r), g, (f) => present[f] === 1, dst);
      return r;
    });
    for (let i = 0; i < r1 - r0; i++) {
      const r = r0 + i;
      const d = rowGroups[i]!.count;
      const base = offsets[i]!;
      const order = orders[i]!;
      const phi = new Float64Array(d);
      for (let q = 0; q < walks; q++) {
        let prev = v[base]!;
        for (let j = 1; j <= d; j++) {
          const cur = j < d ? v[base + 2 + q * (d - 1) + j - 1]! : v[base + 1]!;
          phi[order[q * d + j - 1]!]! += cur - prev;
          prev = cur;
        }
      }
      for (let g = 0; g < d; g++) phi[g]! /= walks;
      out.deliver(r, phi, rowGroups[i]!, v[base]!);
    }
  }
  return out.attribution(METHOD, {
    ...sharedParams(options),
    permutations,
    antithetic,
    seed: seedParam(options.seed),
    batchSize,
  }, targets, fx);
}
