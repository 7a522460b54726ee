/**
 * LIME (Ribeiro, Singh & Guestrin 2016) on an interpretable binary
 * representation: z in {0,1}^d says which features (elements or groups) keep
 * their value; the others are set to the baseline, h_x(z) = z*x + (1-z)*b.
 *
 * - Samples: the instance itself (z = 1), then z_j ~ Bernoulli(1/2)
 *   independently (as the lime package's image explainer and Captum's default).
 * - Proximity: pi(z) = exp(-D(z)^2 / sigma^2) (the paper's kernel), D the
 *   distance of z from the all-ones vector in the binary space:
 *   'euclidean' (default; D^2 = number of removed features, sigma = 0.75 sqrt(d),
 *   the lime package's tabular default width) or 'cosine'
 *   (D = 1 - sqrt(|z| / d), D = 1 for z = 0, sigma = 0.25 as lime's image explainer).
 *   The lime package itself weights by sqrt of this kernel.
 * - K-LASSO (Algorithm 1 of the paper): the K features a weighted Lasso admits
 *   first along its regularisation path (coordinate descent on the weighted
 *   problem, bisected to exactly K active; lime's `lasso_path`), then a
 *   weighted ridge fit with intercept on those K (lime's Ridge(alpha=1)).
 *   Attributions are the ridge coefficients (unselected features get 0), the
 *   same value for every member of a group.
 *
 * For a linear model f(x) = w.x + c and baseline 0, f(h_x(z)) = sum_j z_j w_j x_j + c
 * exactly, so the weighted least-squares coefficients are w_j x_j; ridge shrinks them by
 * (G + alpha I)^-1 G with G the weighted covariance of z (about 1 - alpha / (Sum pi / 4)).
 *
 * CLI name: `lime`.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { Model } from '../../model/model.js';
import { checkOptions } from '../common.js';
import { AttributionError, type Attribution, type CommonOptions, type RandomOptions } from '../types.js';
import { chunkRows, evaluateCopies, positiveInteger, seedParam, spreadToElements, toSeededGenerator, writeCoalition, type Baseline, type FeatureMask, sharedParams, perturbationSetup } from './shared.js';
import { lassoSelect, weightedMoments, weightedRidge } from './weighted-regression.js';

export type LimeDistance = 'euclidean' | 'cosine';

export interface LimeOptions extends CommonOptions, RandomOptions {
  /** Value of removed features: a number or a tensor broadcastable to the input (default 0). */
  baseline?: Baseline;
  /** Feature mask: group id per element (default: each element is a feature). */
  groups?: FeatureMask;
  /** Perturbed samples per row, the instance itself included (default 1000). */
  samples?: number;
  /** K: how many features the Lasso path selects (default: all d, no selection). */
  features?: number;
  /** Distance in the binary space for the proximity kernel (default 'euclidean'). */
  distance?: LimeDistance;
  /** sigma of pi(z) = exp(-D^2 / sigma^2) (default 0.75 sqrt(d) for euclidean, 0.25 for cosine). */
  kernelWidth?: number;
  /** Ridge penalty of the final fit (default 1, as lime's Ridge(alpha=1)); 0 is plain weighted least squares. */
  ridgeAlpha?: number;
}

const METHOD = 'lime';
const OPTIONS = ['target', 'batchSize', 'seed', 'baseline', 'groups', 'samples', 'features', 'distance', 'kernelWidth', 'ridgeAlpha'] as const;
export const LIME_DEFAULT_SAMPLES = 1000;

function defaultKernelWidth(distance: LimeDistance, d: number): number {
  return distance === 'euclidean' ? 0.75 * Math.sqrt(d) : 0.25;
}

/** pi(z) for a sample with `present` of d features kept. */
function proximity(distance: LimeDistance, present: number, d: number, width: number): number {
  const dist2 = distance === 'euclidean' ? d - present : (present === 0 ? 1 : 1 - Math.sqrt(present / d)) ** 2;
  return Math.exp(-dist2 / (width * width));
}

export async function lime(model: Model, inputs: Tensor, options: LimeOptions = {}): Promise<Attribution> {
  checkOptions(METHOD, options, OPTIONS);
  const samples = positiveInteger(METHOD, 'samples', options.samples, LIME_DEFAULT_SAMPLES);
  if (samples < 2) throw new AttributionError(`${METHOD}: samples must be at least 2 (the instance plus perturbations), got ${samples}`);
  const distance = options.distance ?? 'euclidean';
  if (distance !== 'euclidean' && distance !== 'cosine') throw new AttributionError(`${METHOD}: distance must be 'euclidean' or 'cosine', got '${String(distance)}'`);
  if (options.kernelWidth !== undefined && !(options.kernelWidth > 0)) throw new AttributionError(`${METHOD}: kernelWidth must be positive, got ${options.kernelWidth}`);
  const ridgeAlpha = options.ridgeAlpha ?? 1;
  if (!(ridgeAlpha >= 0) || !Number.isFinite(ridgeAlpha)) throw new AttributionError(`${METHOD}: ridgeAlpha must be a finite number >= 0, got ${options.ridgeAlpha}`);
  if (options.features !== undefined) positiveInteger(METHOD, 'features', options.features, 1);
  const generator = toSeededGenerator(METHOD, options.seed);
  const { input, batchSize, baseline, groups, targets, fx, rowSize, values } = await perturbationSetup(METHOD, model, inputs, options);

  // copies: samples 1..n-1 of each row (sample 0 is x itself, whose output is f(x));
  // chunk cost also counts the sample bytes (n d / 8) so the host designs stay bounded
  const copiesOf = (): number => samples - 1;
  const costOf = (r: number): number => Math.max(samples, (samples * groups.forRow(r).count) / 8);
  for (const { r0, r1, offsets, copyRow } of chunkRows(input.rows, copiesOf, 2 ** 20, costOf)) {
    const rowGroups = Array.from({ length: r1 - r0 }, (_, i) => groups.forRow(r0 + i));
    // binary samples drawn row after row from one generator: independent of batching and chunking
    const designs = rowGroups.map((g) => {
      const d = g.count;
      const z = new Uint8Array(samples * d);
      z.fill(1, 0, d);
      for (let k = d; k < samples * d; k++) z[k] = generator.nextU32() >>> 31;
      return z;
    });
    const outputs = await evaluateCopies({ model, input, targets, batchSize }, copyRow.length, (k, dst) => {
      const i = copyRow[k]!;
      const r = r0 + i;
      const sample = k - offsets[i]! + 1;
      const d = rowGroups[i]!.count;
      const z = designs[i]!;
      writeCoalition(input.data.subarray(r * rowSize, (r + 1) * rowSize), baseline.row(r), rowGroups[i]!, (f) => z[sample * d + f] === 1, dst);
      return r;
    });
    for (let i = 0; i < r1 - r0; i++) {
      const r = r0 + i;
      const d = rowGroups[i]!.count;
      const z = designs[i]!;
      const width = options.kernelWidth ?? defaultKernelWidth(distance, d);
      const y = new Float64Array(samples);
      const w = new Float64Array(samples);
      for (let s = 0; s < samples; s++) {
        y[s] = s === 0 ? fx[r]! : outputs[offsets[i]! + s - 1]!;
        let present = 0;
        for (let j = 0; j < d; j++) present += z[s * d + j]!;
        w[s] = proximity(distance, present, d, width);
      }
      const moments = weightedMoments(z, y, w, samples, d);
      const k = Math.min(options.features ?? d, d);
      const selected = lassoSelect(moments, k);
      const coefficients = weightedRidge(moments, selected, ridgeAlpha);
      spreadToElements(coefficients, rowGroups[i]!, values.subarray(r * rowSize, (r + 1) * rowSize));
    }
  }
  const d0 = groups.forRow(0).count;
  return {
    method: METHOD,
    params: {
      ...sharedParams(options),
      samples,
      features: options.features ?? (groups.perRow ? 'all' : d0),
      distance,
      kernelWidth: options.kernelWidth ?? (groups.perRow ? (distance === 'euclidean' ? '0.75 sqrt(d)' : 0.25) : defaultKernelWidth(distance, d0)),
      ridgeAlpha,
      seed: seedParam(options.seed),
      batchSize,
    },
    targets,
    values,
    shape: [...input.shape],
  };
}
