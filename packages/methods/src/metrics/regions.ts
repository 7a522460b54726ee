/**
 * Regions for region perturbation (Samek et al. 2017): sets of input elements
 * that are perturbed together. Tabular rows ([features]): one feature per
 * region, or feature groups. Images ([C, H, W]): non-overlapping square
 * patches spanning all channels (edge patches are cut off at the border).
 * Signals ([C, L]): non-overlapping windows along L. Regions are ranked by
 * their mean attribution.
 */
import { MetricError } from './metric-inputs.js';

/** Element indices (within one row) of each region. */
export type Regions = Int32Array[];

export interface RegionOptions {
  /** Patch side (images) or window length (signals); tabular features ignore it. Default: images ceil(min(H, W) / 8), signals ceil(L / 16). */
  regionSize?: number;
  /** Tabular only: a group id per feature; features with the same id form one region, negative ids are never perturbed. */
  groups?: Int32Array | readonly number[];
}

export function buildRegions(metric: string, rowShape: readonly number[], options: RegionOptions): Regions {
  const rowSize = rowShape.reduce((a, b) => a * b, 1);
  if (options.groups !== undefined) return groupRegions(metric, rowSize, options.groups);
  if (rowShape.length === 3) {
    const [c, h, w] = rowShape as [number, number, number];
    const size = checkSize(metric, options.regionSize ?? Math.ceil(Math.min(h, w) / 8));
    const regions: Regions = [];
    for (let y0 = 0; y0 < h; y0 += size) {
      for (let x0 = 0; x0 < w; x0 += size) {
        const members: number[] = [];
        for (let ch = 0; ch < c; ch++) for (let y = y0; y < Math.min(h, y0 + size); y++) for (let x = x0; x < Math.min(w, x0 + size); x++) members.push((ch * h + y) * w + x);
        regions.push(Int32Array.from(members));
      }
    }
    return regions;
  }
  if (rowShape.length === 2) {
    const [c, l] = rowShape as [number, number];
    const size = checkSize(metric, options.regionSize ?? Math.ceil(l / 16));
    const regions: Regions = [];
    for (let s = 0; s < l; s += size) {
      const members: number[] = [];
      for (let ch = 0; ch < c; ch++) for (let t = s; t < Math.min(l, s + size); t++) members.push(ch * l + t);
      regions.push(Int32Array.from(members));
    }
    return regions;
  }
  return Array.from({ length: rowSize }, (_, i) => Int32Array.of(i));
}

function checkSize(metric: string, size: number): number {
  if (!Number.isInteger(size) || size < 1) throw new MetricError(`${metric}: regionSize must be a positive integer, got ${size}`);
  return size;
}

function groupRegions(metric: string, rowSize: number, groups: Int32Array | readonly number[]): Regions {
  if (groups.length !== rowSize) throw new MetricError(`${metric}: groups has ${groups.length} entries; give one group id per feature (${rowSize})`);
  const byId = new Map<number, number[]>();
  for (let i = 0; i < rowSize; i++) {
    const g = groups[i]!;
    if (!Number.isInteger(g)) throw new MetricError(`${metric}: group ids must be integers, got ${g} for feature ${i}`);
    if (g < 0) continue;
    let list = byId.get(g);
    if (!list) byId.set(g, (list = []));
    list.push(i);
  }
  if (byId.size === 0) throw new MetricError(`${metric}: every group id is negative; nothing would be perturbed`);
  return [...byId.keys()].sort((a, b) => a - b).map((g) => Int32Array.from(byId.get(g)!));
}

/** Mean attribution of each region in one row. */
export function regionScores(values: ArrayLike<number>, offset: number, regions: Regions): Float64Array {
  return Float64Array.from(regions, (members) => {
    let s = 0;
    for (const e of members) s += values[offset + e]!;
    return s / members.length;
  });
}

/** Region indices by descending score (most relevant first, 'morf') or ascending ('lerf'); ties keep index order. */
export function rankRegions(scores: Float64Array, order: 'morf' | 'lerf'): Int32Array {
  const idx = Array.from(scores, (_, i) => i);
  const sign = order === 'morf' ? -1 : 1;
  idx.sort((a, b) => sign * (scores[a]! - scores[b]!) || a - b);
  return Int32Array.from(idx);
}
