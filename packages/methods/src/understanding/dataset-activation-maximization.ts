/**
 * Dataset activation maximization: the data-set samples that excite a unit
 * (a dense layer's output unit, or a convolution channel) most, by a score
 * summed over the channel's spatial positions p:
 *   s1 = sum_p z_p^2          (energy; sign blind)
 *   s2 = sum_p max(0, z_p)    (positive evidence, the default)
 *   mean = (1/P) sum_p z_p,   max = max_p z_p.
 * Activations come from batched forward passes keeping the layer; only the
 * per-row scores are kept.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { Model } from '../model/model.js';
import { batches, sliceRows } from '../attribution/common.js';
import { UnderstandingError } from './layer-features.js';

export type ActivationScore = 's1' | 's2' | 'mean' | 'max';
export const ACTIVATION_SCORES: readonly ActivationScore[] = ['s1', 's2', 'mean', 'max'];

export interface TopActivationOptions {
  /** Units (channels) to rank samples for (default all). */
  units?: readonly number[];
  /** Samples per unit (default 9). */
  k?: number;
  /** Default 's2'. */
  score?: ActivationScore;
  batchSize?: number;
}

export interface UnitTopSamples {
  unit: number;
  /** Data-set rows, highest score first (ties: lower row first). */
  indices: Int32Array;
  scores: Float64Array;
}

export interface TopActivations {
  layer: string;
  score: ActivationScore;
  /** Channels (or units) of the layer. */
  channels: number;
  units: UnitTopSamples[];
  /** Every row's score per requested unit, [units, rows]. */
  allScores: Float64Array;
}

function reduceScore(kind: ActivationScore, z: Float32Array, start: number, positions: number): number {
  let s = kind === 'max' ? -Infinity : 0;
  for (let p = 0; p < positions; p++) {
    const v = z[start + p]!;
    if (kind === 's1') s += v * v;
    else if (kind === 's2') s += v > 0 ? v : 0;
    else if (kind === 'max') s = v > s ? v : s;
    else s += v;
  }
  return kind === 'mean' ? s / positions : s;
}

export async function topActivatingSamples(model: Model, layer: string, dataset: Tensor, options: TopActivationOptions = {}): Promise<TopActivations> {
  const node = model.node(layer);
  const score = options.score ?? 's2';
  if (!ACTIVATION_SCORES.includes(score)) throw new UnderstandingError(`topActivatingSamples: score must be one of ${ACTIVATION_SCORES.join(', ')}, got '${String(score)}'`);
  const rows = dataset.shape[0]!;
  const shape = model.valueShapes.get(node.outputs[0]!) ?? [];
  if (shape.length < 2) throw new UnderstandingError(`topActivatingSamples: layer '${layer}' has no unit axis (shape [${shape.join(', ')}])`);
  const channels = shape[1]!;
  const units = options.units ? [...options.units] : Array.from({ length: channels }, (_, c) => c);
  for (const u of units) if (!Number.isInteger(u) || u < 0 || u >= channels) throw new UnderstandingError(`topActivatingSamples: unit ${u} is out of range; layer '${node.name}' has ${channels} units (0 to ${channels - 1})`);
  const k = Math.min(rows, options.k ?? 9);
  const all = new Float64Array(units.length * rows);
  for (const [s, e] of batches(rows, options.batchSize ?? 256)) {
    const x = s === 0 && e === rows ? dataset : sliceRows(model.be, dataset, s, e);
    try {
      const pass = model.forward(x, { keep: [node.name], tape: false });
      try {
        const a = pass.activation(node.name);
        const z = (await a.read()) as Float32Array;
        const per = a.size / (e - s);
        const positions = per / channels;
        for (let r = 0; r < e - s; r++) units.forEach((u, i) => (all[i * rows + s + r] = reduceScore(score, z, r * per + u * positions, positions)));
      } finally {
        pass.dispose();
      }
    } finally {
      if (x !== dataset) x.dispose();
    }
  }
  const order = Array.from({ length: rows }, (_, r) => r);
  const result = units.map((unit, i) => {
    const sc = all.subarray(i * rows, (i + 1) * rows);
    const top = [...order].sort((a, b) => sc[b]! - sc[a]! || a - b).slice(0, k);
    return { unit, indices: Int32Array.from(top), scores: Float64Array.from(top, (r) => sc[r]!) };
  });
  return { layer: node.name, score, channels, units: result, allScores: all };
}
