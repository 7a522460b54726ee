/** Metrics of the attribution map alone (no model): its values and shape. */
import type { Attribution } from '../attribution/types.js';
import { MetricError } from './metric-inputs.js';

export type ExplanationMap = Attribution | { values: Float32Array | Float64Array; shape: readonly number[] };

/** Per-row score and its mean over the rows where it is defined. */
export interface RowScores {
  mean: number;
  perRow: Float64Array;
}

export function mapGeometry(metric: string, map: ExplanationMap): { values: Float32Array | Float64Array; rows: number; rowSize: number; rowShape: number[] } {
  const shape = [...map.shape];
  const size = shape.reduce((a, b) => a * b, 1);
  if (shape.length < 2 || size !== map.values.length || shape[0] === 0) {
    throw new MetricError(`${metric}: the map must be [rows, ...] with values filling its shape; got shape [${shape.join(', ')}] and ${map.values.length} values`);
  }
  const rows = shape[0]!;
  return { values: map.values, rows, rowSize: size / rows, rowShape: shape.slice(1) };
}
