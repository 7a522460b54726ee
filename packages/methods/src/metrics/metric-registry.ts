/**
 * Explanation metrics by the names the comparison runner and `relevance
 * evaluate` use. Each computes one or more (value, per-row values) results
 * for one method's attribution; `higherIsBetter` says how to read it.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { Model } from '../model/model.js';
import type { Attribution } from '../attribution/types.js';
import { completenessGap, type CompletenessGapOptions } from './completeness-gap.js';
import { complexity } from './complexity.js';
import { faithfulnessCorrelation, type FaithfulnessCorrelationOptions } from './faithfulness-correlation.js';
import { infidelity, type InfidelityOptions } from './infidelity.js';
import { maxSensitivity, type MaxSensitivityOptions } from './max-sensitivity.js';
import { MetricError } from './metric-inputs.js';
import type { MethodSpec } from './method-registry.js';
import { parameterRandomisation, type ParameterRandomisationOptions } from './parameter-randomisation.js';
import { regionPerturbation, type RegionPerturbationOptions } from './region-perturbation.js';
import { sparseness } from './sparseness.js';
import { totalVariation, type TotalVariationOptions } from './total-variation.js';

export interface MetricContext {
  model: Model;
  inputs: Tensor;
  attribution: Attribution;
  method: MethodSpec;
  /** The method's options including `target` (and `seed` for sampling methods). */
  methodOptions: Record<string, unknown>;
  targets: Int32Array;
  seed: number;
  batchSize: number | undefined;
  /** The metric's own options from the runner's `metricOptions`. */
  options: Record<string, unknown>;
}

export interface MetricResult {
  value: number;
  perRow?: ArrayLike<number>;
  /** For per-layer metrics (randomisation): the layer. */
  layer?: string;
}

export interface MetricDefinition {
  name: string;
  description: string;
  /** true: larger is better; false: smaller is better; null: descriptive. */
  higherIsBetter: boolean | null;
  compute(ctx: MetricContext): Promise<MetricResult[]>;
}

const common = (ctx: MetricContext): { target: Int32Array; seed: number; batchSize?: number } => ({
  target: ctx.targets,
  seed: ctx.seed,
  ...(ctx.batchSize !== undefined ? { batchSize: ctx.batchSize } : {}),
});

function curveMetric(name: string, description: string, order: 'morf' | 'lerf', summary: 'aopc' | 'aupc', higherIsBetter: boolean): MetricDefinition {
  return {
    name,
    description,
    higherIsBetter,
    async compute(ctx) {
      const r = await regionPerturbation(ctx.model, ctx.inputs, ctx.attribution, { ...common(ctx), ...(ctx.options as RegionPerturbationOptions), order });
      return [summary === 'aopc' ? { value: r.aopc, perRow: r.rowAopc } : { value: r.aupc, perRow: r.rowAupc }];
    },
  };
}

type RowMean = { mean: number; perRow: ArrayLike<number> };

/** A metric whose result is a mean over rows with the per-row values beside it. */
function meanMetric(
  name: string,
  description: string,
  higherIsBetter: boolean,
  run: (ctx: MetricContext) => RowMean | Promise<RowMean>,
): MetricDefinition {
  return {
    name,
    description,
    higherIsBetter,
    async compute(ctx) {
      const r = await run(ctx);
      return [{ value: r.mean, perRow: r.perRow }];
    },
  };
}

const DEFINITIONS: MetricDefinition[] = [
  curveMetric('aopc', 'area over the MoRF region-perturbation curve (Samek et al. 2017)', 'morf', 'aopc', true),
  curveMetric('aopc-lerf', 'area over the LeRF region-perturbation curve (smaller is better)', 'lerf', 'aopc', false),
  curveMetric('aupc', 'area under the MoRF perturbation curve over the fraction of steps (SmoothTaylor, Goh et al. 2020)', 'morf', 'aupc', false),
  meanMetric('faithfulness', 'faithfulness correlation of subset sums and output drops (Bhatt et al. 2020)', true, (ctx) => faithfulnessCorrelation(ctx.model, ctx.inputs, ctx.attribution, { ...common(ctx), ...(ctx.options as FaithfulnessCorrelationOptions) })),
  meanMetric('infidelity', 'expected squared error of I^T phi against the output change (Yeh et al. 2019)', false, (ctx) => infidelity(ctx.model, ctx.inputs, ctx.attribution, { ...common(ctx), ...(ctx.options as InfidelityOptions) })),
  meanMetric('max-sensitivity', 'largest relative change of the explanation in a small input ball (Yeh et al. 2019)', false, async (ctx) => {
    const { batchSize: _ignored, ...rest } = common(ctx);
    return maxSensitivity(ctx.model, ctx.inputs, ctx.method.method, { ...rest, methodOptions: ctx.methodOptions, explanation: ctx.attribution, ...(ctx.options as MaxSensitivityOptions) });
  }),
  meanMetric('sparseness', 'Gini index of |phi| (Chalasani et al. 2020)', true, (ctx) => sparseness(ctx.attribution)),
  meanMetric('complexity', 'entropy of the fractional contributions |phi_i| / sum |phi| (Bhatt et al. 2020)', false, (ctx) => complexity(ctx.attribution)),
  meanMetric('total-variation', 'anisotropic total variation of the max-|phi|-normalised map (SmoothTaylor, Goh et al. 2020)', false, (ctx) => totalVariation(ctx.attribution, { normalize: 'max-abs', ...(ctx.options as TotalVariationOptions) })),
  {
    name: 'completeness',
    description: 'sum_r |sum phi - (f(x) - f(baseline))| / sum_r |f(x) - f(baseline)|',
    higherIsBetter: false,
    async compute(ctx) {
      const { seed: _seed, ...rest } = common(ctx);
      const r = await completenessGap(ctx.model, ctx.inputs, ctx.attribution, { ...rest, ...(ctx.options as CompletenessGapOptions) });
      return [{ value: r.relativeGap, perRow: Float64Array.from(r.gap, Math.abs) }];
    },
  },
  {
    name: 'randomisation',
    description: 'Spearman correlation with the explanation after cascading top-down layer randomisation (Adebayo et al. 2018), per layer',
    higherIsBetter: false,
    async compute(ctx) {
      const { target, seed } = common(ctx);
      const r = await parameterRandomisation(ctx.model, ctx.inputs, ctx.method.method, { target, seed, methodOptions: ctx.methodOptions, ...(ctx.options as ParameterRandomisationOptions) });
      return r.steps.map((s) => ({ value: s.meanCorrelation, perRow: s.perRow, layer: s.layer }));
    },
  },
];

export const METRICS: ReadonlyMap<string, MetricDefinition> = new Map(DEFINITIONS.map((d) => [d.name, d]));

export function metricByName(name: string): MetricDefinition {
  const d = METRICS.get(name);
  if (!d) throw new MetricError(`unknown metric '${name}'; metrics: ${[...METRICS.keys()].join(', ')}`);
  return d;
}
