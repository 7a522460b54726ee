/**
 * Baselines for path and reference methods (integrated gradients, DeepLIFT):
 * - 'zero' (default): all zeros;
 * - a number: that constant everywhere;
 * - { mean: data }: the per-feature mean of a dataset tensor [M, ...features]
 *   (a "typical" sample, common for tabular and omics data where zero is not
 *   a neutral value);
 * - a tensor: one baseline for every row ([...features] or [1, ...features])
 *   or one per row ([rows, ...features]).
 */
import { Tensor, type Backend } from '@relevance/core-wasm';
import { sliceRows } from '../common.js';
import { AttributionError } from '../types.js';

export type BaselineSpec = 'zero' | number | Tensor | { mean: Tensor };

export interface ResolvedBaseline {
  /** [1, ...features] (shared by every row) or [rows, ...features]. Owned by the caller of resolveBaseline. */
  tensor: Tensor;
  perRow: boolean;
  /** For Attribution.params. */
  description: string;
}

function sameFeatures(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Resolve a baseline spec against inputs x [rows, ...features]. Dispose `tensor` when done. */
export function resolveBaseline(method: string, be: Backend, x: Tensor, spec: BaselineSpec | undefined): ResolvedBaseline {
  const features = x.shape.slice(1);
  const rows = x.shape[0]!;
  const s = spec ?? 'zero';
  if (s === 'zero') return { tensor: be.zeros([1, ...features]), perRow: false, description: 'zero' };
  if (typeof s === 'number') {
    if (!Number.isFinite(s)) throw new AttributionError(`${method}: a constant baseline must be finite, got ${s}`);
    return { tensor: be.full([1, ...features], s), perRow: false, description: `constant ${s}` };
  }
  if (typeof s === 'string') {
    if (s === 'mean') throw new AttributionError(`${method}: baseline 'mean' needs the dataset: pass { mean: dataTensor } (shape [samples, ${features.join(', ')}])`);
    throw new AttributionError(`${method}: unknown baseline '${s}'; use 'zero', a number, { mean: dataTensor } or a tensor`);
  }
  if (!(s instanceof Tensor)) {
    const data = (s as { mean?: unknown }).mean;
    if (!(data instanceof Tensor)) throw new AttributionError(`${method}: baseline { mean } must hold a tensor [samples, ...features]`);
    checkTensor(method, be, data, 'the baseline dataset');
    if (!sameFeatures(data.shape.slice(1), features) || data.shape[0] === 0) {
      throw new AttributionError(`${method}: the baseline dataset has shape [${data.shape.join(', ')}]; it needs [samples, ${features.join(', ')}] with at least one sample`);
    }
    return { tensor: be.mean(data, 0, true), perRow: false, description: `mean of ${data.shape[0]} samples` };
  }
  const t = s;
  checkTensor(method, be, t, 'the baseline');
  if (sameFeatures(t.shape, features)) return { tensor: be.reshape(t, [1, ...features]), perRow: false, description: 'tensor (shared by every row)' };
  if (sameFeatures(t.shape.slice(1), features) && t.shape[0] === 1) return { tensor: be.reshape(t, t.shape), perRow: false, description: 'tensor (shared by every row)' };
  if (sameFeatures(t.shape, x.shape)) return { tensor: be.reshape(t, t.shape), perRow: true, description: 'tensor (one per row)' };
  throw new AttributionError(`${method}: the baseline has shape [${t.shape.join(', ')}]; the input is [${x.shape.join(', ')}], so give [${features.join(', ')}], [1, ${features.join(', ')}] or [${rows}, ${features.join(', ')}]`);
}

function checkTensor(method: string, be: Backend, t: Tensor, what: string): void {
  if (t.isDisposed) throw new AttributionError(`${method}: ${what} tensor was already disposed`);
  if (t.backend !== be) throw new AttributionError(`${method}: ${what} lives on the ${t.backend.name} backend, the model on ${be.name}`);
  if (t.dtype !== 'float32') throw new AttributionError(`${method}: ${what} must be float32`);
}

/** Baseline rows [start, end) as a new [end - start, ...features] tensor. */
export function baselineRows(be: Backend, baseline: ResolvedBaseline, start: number, end: number): Tensor {
  if (baseline.perRow) return sliceRows(be, baseline.tensor, start, end);
  return be.expand(baseline.tensor, [end - start, ...baseline.tensor.shape.slice(1)]);
}
