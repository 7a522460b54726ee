/**
 * Faithfulness correlation (Bhatt et al., IJCAI 2020, eq. 3): for random
 * subsets S of |S| = subsetSize features, the Pearson correlation over
 * subsets between sum_{i in S} phi_i and f(x) - f(x with x_S set to the
 * baseline). 1 means the attribution predicts the effect of removing any
 * subset exactly (e.g. w * x on a linear model with baseline 0).
 */
import { toGenerator, type Generator, type Tensor } from '@relevance/core-wasm';
import type { Model } from '../model/model.js';
import type { Target } from '../attribution/types.js';
import { pearson } from '../stats/descriptive.js';
import { rowCopyOutputs } from './batched-outputs.js';
import type { RowScores } from './explanation-map.js';
import { baselineRows, type MetricBaseline } from './metric-baseline.js';
import { finiteMean, MetricError, metricTargets, positiveInteger, readExplainedRows, type Explanation } from './metric-inputs.js';

export interface FaithfulnessCorrelationOptions {
  /** Random subsets per row (default 100). */
  subsets?: number;
  /** Features per subset (default a quarter of the row, at least 1). */
  subsetSize?: number;
  /** What removed features become (default 0). */
  baseline?: MetricBaseline;
  seed?: number | Generator;
  target?: Target;
  batchSize?: number;
}

const METRIC = 'faithfulnessCorrelation';

export async function faithfulnessCorrelation(model: Model, inputs: Tensor, explanation: Explanation, options: FaithfulnessCorrelationOptions = {}): Promise<RowScores> {
  const host = await readExplainedRows(METRIC, inputs, explanation);
  const { data, rows, rowSize, values } = host;
  const subsets = positiveInteger(METRIC, 'subsets', options.subsets, 100);
  if (subsets < 2) throw new MetricError(`${METRIC}: a correlation needs at least 2 subsets, got ${subsets}`);
  const subsetSize = positiveInteger(METRIC, 'subsetSize', options.subsetSize, Math.max(1, Math.round(rowSize / 4)));
  if (subsetSize > rowSize) throw new MetricError(`${METRIC}: subsetSize ${subsetSize} exceeds the ${rowSize} features per row`);
  const baseline = baselineRows(METRIC, host, options.baseline);
  const targets = await metricTargets(model, inputs, explanation, options.target);
  const generator = toGenerator(options.seed ?? 0);
  // subsets drawn up front (row-major), so the result does not depend on the batch size
  const chosen = new Int32Array(rows * subsets * subsetSize);
  const sums = new Float64Array(rows * subsets);
  const perm = new Int32Array(rowSize);
  for (let r = 0; r < rows; r++) {
    for (let s = 0; s < subsets; s++) {
      for (let i = 0; i < rowSize; i++) perm[i] = i;
      // partial Fisher-Yates: the first subsetSize entries are a uniform subset
      let sum = 0;
      for (let i = 0; i < subsetSize; i++) {
        const j = i + generator.int(rowSize - i);
        const t = perm[i]!;
        perm[i] = perm[j]!;
        perm[j] = t;
        chosen[(r * subsets + s) * subsetSize + i] = perm[i]!;
        sum += values[r * rowSize + perm[i]!]!;
      }
      sums[r * subsets + s] = sum;
    }
  }
  // copy 0 of each row is the unperturbed input
  const per = subsets + 1;
  const outputs = await rowCopyOutputs(model, host, per, targets, (r, copy, x, out) => {
    out.set(x);
    if (copy === 0) return;
    const b = baseline(r);
    const base = (r * subsets + copy - 1) * subsetSize;
    for (let i = 0; i < subsetSize; i++) {
      const e = chosen[base + i]!;
      out[e] = b[e]!;
    }
  }, options.batchSize);
  const perRow = new Float64Array(rows);
  const drops = new Float64Array(subsets);
  for (let r = 0; r < rows; r++) {
    const f0 = outputs[r * per]!;
    for (let s = 0; s < subsets; s++) drops[s] = f0 - outputs[r * per + 1 + s]!;
    perRow[r] = pearson(sums.subarray(r * subsets, (r + 1) * subsets), drops);
  }
  return { mean: finiteMean(perRow), perRow };
}
