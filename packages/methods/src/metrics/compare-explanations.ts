/**
 * The comparison runner: several attribution methods x several metrics on
 * one model and data set, as one long table (method, metric, layer, row,
 * value): one summary row per (method, metric[, layer]) with row = null, and
 * per-row values where the metric has them. Every method explains the same
 * targets (resolved once), every metric gets the same seed.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { Model } from '../model/model.js';
import { resolveTargets } from '../attribution/common.js';
import type { Attribution, Target } from '../attribution/types.js';
import { MetricError } from './metric-inputs.js';
import { parseMethodSpec, type MethodSpec } from './method-registry.js';
import { metricByName } from './metric-registry.js';

export interface ComparisonRow {
  /** The method's label (its spec, e.g. 'lrp:epsilon-plus-flat'). */
  method: string;
  metric: string;
  /** Layer for per-layer metrics (randomisation), else null. */
  layer: string | null;
  /**
   * Input row, or null for the summary over rows: the mean of the per-row
   * values (NaN rows left out), except completeness, whose summary is
   * sum |gap| / sum |f(x) - f(baseline)| and whose per-row values are |gap|.
   */
  row: number | null;
  value: number;
}

export interface ComparisonProgress {
  done: number;
  total: number;
  method: string;
  /** 'explain' or the metric name. */
  stage: string;
}

export interface CompareOptions {
  /** Method specs ('saliency', 'lrp:epsilon-plus-flat', ...) or parsed specs. */
  methods: ReadonlyArray<string | MethodSpec>;
  /** Metric names (see METRICS). */
  metrics: readonly string[];
  /** Default 'argmax' of the model, resolved once for all methods. */
  target?: Target;
  /** One seed for sampling methods and random metrics (default 0). */
  seed?: number;
  batchSize?: number;
  /** Include per-row values (default true). */
  perRow?: boolean;
  /** Options per metric name, e.g. { aopc: { regionSize: 4 }, infidelity: { std: 0.2 } }. */
  metricOptions?: Readonly<Record<string, Record<string, unknown>>>;
  onProgress?: (progress: ComparisonProgress) => void;
}

export interface ComparisonResult {
  rows: ComparisonRow[];
  targets: Int32Array;
  attributions: Map<string, Attribution>;
  /** Seconds each method took to explain the inputs. */
  seconds: Map<string, number>;
}

export async function compareExplanations(model: Model, inputs: Tensor, options: CompareOptions): Promise<ComparisonResult> {
  const specs = options.methods.map((m) => (typeof m === 'string' ? parseMethodSpec(m) : m));
  const metrics = options.metrics.map(metricByName);
  if (specs.length === 0) throw new MetricError('compareExplanations: give at least one method');
  if (metrics.length === 0) throw new MetricError('compareExplanations: give at least one metric');
  const labels = new Set<string>();
  for (const s of specs) {
    if (labels.has(s.label)) throw new MetricError(`compareExplanations: method '${s.label}' is listed twice`);
    labels.add(s.label);
  }
  const seed = options.seed ?? 0;
  const targets = await resolveTargets(model, inputs, options.target ?? 'argmax');
  const withRows = options.perRow ?? true;
  const total = specs.length * (1 + metrics.length);
  let done = 0;
  const rows: ComparisonRow[] = [];
  const attributions = new Map<string, Attribution>();
  const seconds = new Map<string, number>();
  for (const spec of specs) {
    const methodOptions: Record<string, unknown> = { ...spec.options, target: targets };
    if (spec.random && methodOptions.seed === undefined) methodOptions.seed = seed;
    if (options.batchSize !== undefined && methodOptions.batchSize === undefined) methodOptions.batchSize = options.batchSize;
    const t0 = performance.now();
    const attribution = await spec.method(model, inputs, methodOptions);
    seconds.set(spec.label, (performance.now() - t0) / 1000);
    attributions.set(spec.label, attribution);
    options.onProgress?.({ done: ++done, total, method: spec.label, stage: 'explain' });
    for (const metric of metrics) {
      const results = await metric.compute({
        model, inputs, attribution, method: spec, methodOptions, targets, seed, batchSize: options.batchSize, options: options.metricOptions?.[metric.name] ?? {},
      });
      for (const r of results) {
        const layer = r.layer ?? null;
        rows.push({ method: spec.label, metric: metric.name, layer, row: null, value: r.value });
        if (withRows && r.perRow) for (let i = 0; i < r.perRow.length; i++) rows.push({ method: spec.label, metric: metric.name, layer, row: i, value: r.perRow[i]! });
      }
      options.onProgress?.({ done: ++done, total, method: spec.label, stage: metric.name });
    }
  }
  return { rows, targets, attributions, seconds };
}
