/**
 * Feature ablation (Captum's `FeatureAblation`): each feature (an element, or
 * a group of elements given by a feature mask) is set to the baseline on its
 * own, and every member of the feature gets f(x)[t] - f(x ablated)[t].
 *
 * CLI name: `feature-ablation`.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { Model } from '../../model/model.js';
import { checkOptions } from '../common.js';
import type { Attribution, CommonOptions } from '../types.js';
import { evaluateCopies, chunkRows, spreadToElements, type Baseline, type FeatureMask, sharedParams, perturbationSetup } from './shared.js';

export interface FeatureAblationOptions extends CommonOptions {
  /** Replacement value: a number or a tensor broadcastable to the input (default 0). */
  baseline?: Baseline;
  /** Feature mask: a group id per element; every member of a group is ablated together (default: each element alone). */
  groups?: FeatureMask;
}

const METHOD = 'feature-ablation';
const OPTIONS = ['target', 'batchSize', 'baseline', 'groups'] as const;

export async function featureAblation(model: Model, inputs: Tensor, options: FeatureAblationOptions = {}): Promise<Attribution> {
  checkOptions(METHOD, options, OPTIONS);
  const { input, batchSize, baseline, groups, targets, fx, rowSize, values } = await perturbationSetup(METHOD, model, inputs, options);

  for (const { r0, r1, offsets, copyRow } of chunkRows(input.rows, (r) => groups.forRow(r).count)) {
    const rowGroups = Array.from({ length: r1 - r0 }, (_, i) => groups.forRow(r0 + i));
    // one copy per feature: copy offsets[i] + g ablates feature g of row r0 + i
    const outputs = await evaluateCopies({ model, input, targets, batchSize }, copyRow.length, (k, dst) => {
      const i = copyRow[k]!;
      const r = r0 + i;
      const b = baseline.row(r);
      dst.set(input.data.subarray(r * rowSize, (r + 1) * rowSize));
      for (const e of rowGroups[i]!.members[k - offsets[i]!]!) dst[e] = b[e]!;
      return r;
    });
    for (let i = 0; i < r1 - r0; i++) {
      const r = r0 + i;
      const deltas = Float64Array.from({ length: rowGroups[i]!.count }, (_, g) => fx[r]! - outputs[offsets[i]! + g]!);
      spreadToElements(deltas, rowGroups[i]!, values.subarray(r * rowSize, (r + 1) * rowSize));
    }
  }
  return {
    method: METHOD,
    params: { ...sharedParams(options), batchSize },
    targets,
    values,
    shape: [...input.shape],
  };
}
