/**
 * Distributions of interest, resolved to (a) which input rows are the
 * instances and whether they are summarised as one set, and (b) the kernel
 * around each instance: the points evaluated for it and their weights
 * (a point; quadrature nodes on the path from the baseline; Gaussian samples).
 */
import { positiveInteger } from '../attribution/common.js';
import { toGenerator, type RandomKey } from '@relevance/core-wasm';
import { INTEGRATION_RULES, quadrature, type IntegrationRule } from '../attribution/gradient/index.js';
import { AttributionError } from '../attribution/types.js';
import type { DistributionOfInterest, InstanceDistribution } from './types.js';

export const DEFAULT_PATH_STEPS = 50;
export const DEFAULT_GAUSSIAN_SAMPLES = 50;

export type Kernel =
  | { kind: 'point'; samples: 1; weights: Float64Array }
  | { kind: 'linear-path'; samples: number; alphas: Float64Array; weights: Float64Array; integration: IntegrationRule }
  | { kind: 'gaussian'; samples: number; weights: Float64Array; stdev: number; key: RandomKey; seed: string };

export interface ResolvedDistribution {
  /** One result per instance (true) or one for the set (false). */
  perInstance: boolean;
  /** The instances: row indices into the input, in order. */
  rows: Int32Array;
  kernel: Kernel;
  /** For params. */
  description: Record<string, unknown>;
}

function resolveKernel(method: string, spec: InstanceDistribution | undefined): { kernel: Kernel; description: Record<string, unknown> } {
  const d = spec ?? { kind: 'point' as const };
  switch (d.kind) {
    case 'point':
      return { kernel: { kind: 'point', samples: 1, weights: Float64Array.of(1) }, description: { kind: 'point' } };
    case 'linear-path': {
      const steps = positiveInteger(method, 'linear-path steps', d.steps, DEFAULT_PATH_STEPS);
      const integration = d.integration ?? 'gausslegendre';
      if (!INTEGRATION_RULES.includes(integration)) throw new AttributionError(`${method}: unknown integration '${String(integration)}'; choose ${INTEGRATION_RULES.join(', ')}`);
      const { alphas, weights } = quadrature(integration, steps);
      return { kernel: { kind: 'linear-path', samples: steps, alphas, weights, integration }, description: { kind: 'linear-path', steps, integration } };
    }
    case 'gaussian': {
      const samples = positiveInteger(method, 'gaussian samples', d.samples, DEFAULT_GAUSSIAN_SAMPLES);
      if (!Number.isFinite(d.stdev) || d.stdev < 0) throw new AttributionError(`${method}: gaussian stdev must be a finite number >= 0, got ${d.stdev}`);
      const generator = toGenerator(d.seed ?? 0);
      const weights = new Float64Array(samples).fill(1 / samples);
      // one stream for all noise: element i of it is a pure function of (seed, i), so batching cannot change the draws
      const key = generator.nextKey();
      const seed = String(generator.seed);
      return { kernel: { kind: 'gaussian', samples, weights, stdev: d.stdev, key, seed }, description: { kind: 'gaussian', samples, stdev: d.stdev, seed } };
    }
    default:
      throw new AttributionError(`${method}: unknown distribution '${String((d as { kind?: unknown }).kind)}'; choose point, linear-path, gaussian, dataset, class or rows`);
  }
}

function allRows(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

export function resolveDistribution(method: string, spec: DistributionOfInterest | undefined, inputRows: number): ResolvedDistribution {
  const d = spec ?? { kind: 'point' as const };
  if (d.kind === 'point' || d.kind === 'linear-path' || d.kind === 'gaussian') {
    const { kernel, description } = resolveKernel(method, d);
    return { perInstance: true, rows: allRows(inputRows), kernel, description };
  }
  const around = resolveKernel(method, d.around);
  let rows: Int32Array;
  let description: Record<string, unknown>;
  switch (d.kind) {
    case 'dataset':
      rows = allRows(inputRows);
      description = { kind: 'dataset' };
      break;
    case 'class': {
      const labels = d.labels;
      if (labels.length !== inputRows) throw new AttributionError(`${method}: ${labels.length} labels for ${inputRows} input rows; give one label per row`);
      const chosen: number[] = [];
      for (let r = 0; r < labels.length; r++) if (labels[r] === d.class) chosen.push(r);
      if (chosen.length === 0) throw new AttributionError(`${method}: no row has the label ${JSON.stringify(d.class)}, so its class distribution is empty`);
      rows = Int32Array.from(chosen);
      description = { kind: 'class', class: d.class };
      break;
    }
    case 'rows': {
      rows = Int32Array.from(d.rows);
      if (rows.length === 0) throw new AttributionError(`${method}: the set of rows is empty`);
      rows.forEach((r, i) => {
        if (r < 0 || r >= inputRows || r !== d.rows[i]) throw new AttributionError(`${method}: row ${d.rows[i]} is out of range: the input has ${inputRows} rows (0 to ${inputRows - 1})`);
      });
      description = { kind: 'rows', rows: rows.length };
      break;
    }
    default:
      throw new AttributionError(`${method}: unknown distribution '${String((d as { kind?: unknown }).kind)}'; choose point, linear-path, gaussian, dataset, class or rows`);
  }
  return { perInstance: false, rows, kernel: around.kernel, description: { ...description, around: around.description } };
}
