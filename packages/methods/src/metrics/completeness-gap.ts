/**
 * Completeness (Sundararajan et al. 2017's axiom; "summation to delta" in
 * DeepLIFT): how far each row's sum of attributions is from
 * f(x) - f(baseline). The summary is the total gap relative to the total
 * output change, sum_r |gap_r| / sum_r |f(x_r) - f(b_r)|, which stays
 * finite when single rows barely change the output.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { Model } from '../model/model.js';
import { rowSums } from '../attribution/common.js';
import type { Target } from '../attribution/types.js';
import { rowCopyOutputs } from './batched-outputs.js';
import { baselineRows, type MetricBaseline } from './metric-baseline.js';
import { metricTargets, readExplainedRows, type Explanation } from './metric-inputs.js';

export interface CompletenessGapOptions {
  /** The reference input (default 0). */
  baseline?: MetricBaseline;
  target?: Target;
  batchSize?: number;
}

export interface CompletenessGap {
  /** Sum of the attributions per row. */
  sums: Float64Array;
  /** f(x) - f(baseline) per row. */
  expected: Float64Array;
  /** sums - expected per row. */
  gap: Float64Array;
  /** sum |gap| / sum |expected| (0: complete). */
  relativeGap: number;
  maxAbsGap: number;
}

const METRIC = 'completeness';

export async function completenessGap(model: Model, inputs: Tensor, explanation: Explanation, options: CompletenessGapOptions = {}): Promise<CompletenessGap> {
  const host = await readExplainedRows(METRIC, inputs, explanation);
  const { rows, values } = host;
  const baseline = baselineRows(METRIC, host, options.baseline);
  const targets = await metricTargets(model, inputs, explanation, options.target);
  // copy 0 of each row is the input, copy 1 its baseline
  const outputs = await rowCopyOutputs(model, host, 2, targets, (r, copy, x, out) => out.set(copy === 0 ? x : baseline(r)), options.batchSize);
  const sums = rowSums(values, rows);
  const expected = new Float64Array(rows);
  const gap = new Float64Array(rows);
  let absGap = 0;
  let absExpected = 0;
  let maxAbsGap = 0;
  for (let r = 0; r < rows; r++) {
    expected[r] = outputs[2 * r]! - outputs[2 * r + 1]!;
    gap[r] = sums[r]! - expected[r]!;
    absGap += Math.abs(gap[r]!);
    absExpected += Math.abs(expected[r]!);
    maxAbsGap = Math.max(maxAbsGap, Math.abs(gap[r]!));
  }
  return { sums, expected, gap, relativeGap: absExpected > 0 ? absGap / absExpected : absGap > 0 ? Infinity : 0, maxAbsGap };
}
