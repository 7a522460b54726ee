/**
 * Max-sensitivity (Yeh et al., NeurIPS 2019, eq. 4), relative form:
 *   SENS_max = max_{|delta|_inf <= r} ||phi(x + delta) - phi(x)||_2 / ||phi(x)||_2,
 * the maximum estimated from `samples` seeded draws delta ~ U[-r, r]^d (the
 * sampling of Yeh et al.'s code). The explanation is recomputed with `method`
 * for every perturbed copy, for the same target as the unperturbed row.
 */
import { toGenerator, type Generator, type Tensor } from '@relevance/core-wasm';
import type { Model } from '../model/model.js';
import type { Attribution, AttributionMethod, Target } from '../attribution/types.js';
import type { RowScores } from './explanation-map.js';
import { explanationValues, finiteMean, metricTargets, MetricError, positiveInteger, readRows, type Explanation } from './metric-inputs.js';

export interface MaxSensitivityOptions {
  /** Options for `method` (its `target` is set here). */
  methodOptions?: Record<string, unknown>;
  /** phi(x), when already computed (default: computed with `method`). */
  explanation?: Explanation;
  /** Radius of the L-infinity ball (default 0.1, for standardised inputs). */
  radius?: number;
  /** Perturbed copies per row (default 10). */
  samples?: number;
  seed?: number | Generator;
  target?: Target;
  /** Perturbed copies explained per call of `method` (default 256). */
  batchSize?: number;
}

const METRIC = 'maxSensitivity';

export async function maxSensitivity(model: Model, inputs: Tensor, method: AttributionMethod<any>, options: MaxSensitivityOptions = {}): Promise<RowScores> {
  const host = await readRows(METRIC, inputs);
  const { data, rows, rowSize, rowShape } = host;
  const radius = options.radius ?? 0.1;
  if (!(radius > 0)) throw new MetricError(`${METRIC}: radius must be > 0, got ${radius}`);
  const samples = positiveInteger(METRIC, 'samples', options.samples, 10);
  const chunk = positiveInteger(METRIC, 'batchSize', options.batchSize, 256);
  const methodOptions = options.methodOptions ?? {};
  let targets: Int32Array;
  let original: Float32Array | Float64Array;
  if (options.explanation) {
    original = explanationValues(METRIC, options.explanation, data.length);
    targets = await metricTargets(model, inputs, options.explanation, options.target);
  } else {
    targets = await metricTargets(model, inputs, undefined, options.target);
    original = (await method(model, inputs, { ...methodOptions, target: targets })).values;
  }
  const generator = toGenerator(options.seed ?? 0);
  const total = rows * samples;
  const perRow = new Float64Array(rows);
  for (let start = 0; start < total; start += chunk) {
    const n = Math.min(chunk, total - start);
    const copies = new Float32Array(n * rowSize);
    const copyTargets = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const r = Math.floor((start + k) / samples);
      copyTargets[k] = targets[r]!;
      for (let e = 0; e < rowSize; e++) copies[k * rowSize + e] = data[r * rowSize + e]! + radius * (2 * generator.uniform() - 1);
    }
    const x = model.be.tensor(copies, [n, ...rowShape]);
    let perturbed: Attribution;
    try {
      perturbed = await method(model, x, { ...methodOptions, target: copyTargets });
    } finally {
      x.dispose();
    }
    for (let k = 0; k < n; k++) {
      const r = Math.floor((start + k) / samples);
      let diff = 0;
      let norm = 0;
      for (let e = 0; e < rowSize; e++) {
        const a = original[r * rowSize + e]!;
        diff += (perturbed.values[k * rowSize + e]! - a) ** 2;
        norm += a * a;
      }
      const s = norm > 0 ? Math.sqrt(diff / norm) : diff > 0 ? Infinity : 0;
      if (s > perRow[r]! || Number.isNaN(perRow[r]!)) perRow[r] = s;
    }
  }
  return { mean: finiteMean(perRow), perRow };
}
