/**
 * Reader for the BEELINE benchmark folders under shared/data/beeline
 * (cells.csv, truth.csv, peers/<ALGORITHM>.csv), with plain fs + split.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { stats } from '../../src/index.js';

export interface BeelineSet {
  name: string;
  genes: string[];
  data: stats.DataMatrix;
  /** Truth adjacency p x p, [target * p + source], self-loops kept (metrics drop them). */
  truth: Uint8Array;
}

export const BEELINE_SETS = ['HSC_2000_0', 'GSD_2000_0', 'dyn-BF_2000_0', 'dyn-BFC_2000_0', 'dyn-CY_2000_0', 'dyn-LI_2000_0', 'dyn-LL_2000_0', 'dyn-TF_2000_0'];

function lines(path: string): string[][] {
  return readFileSync(path, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '').map((l) => l.split(','));
}

export function readBeelineSet(dir: string, name: string): BeelineSet {
  const rows = lines(join(dir, name, 'cells.csv'));
  const genes = rows[0]!.slice(1);
  const p = genes.length, n = rows.length - 1;
  const values = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) values[i * p + j] = Number(rows[i + 1]![j + 1]);
  const index = new Map(genes.map((g, k) => [g, k]));
  const truth = new Uint8Array(p * p);
  for (const [s, t] of lines(join(dir, name, 'truth.csv')).slice(1)) {
    const si = index.get(s!), ti = index.get(t!);
    if (si === undefined || ti === undefined) throw new Error(`${name}/truth.csv: unknown gene ${s} or ${t}`);
    truth[ti * p + si] = 1;
  }
  return { name, genes, data: { values, rows: n, cols: p }, truth };
}

/** A peer's published scores as a p x p matrix [target * p + source]; pairs it does not list are NaN. */
export function readPeerScores(dir: string, set: BeelineSet, algorithm: string): Float64Array | undefined {
  const path = join(dir, set.name, 'peers', `${algorithm}.csv`);
  if (!existsSync(path)) return undefined;
  const p = set.genes.length;
  const index = new Map(set.genes.map((g, k) => [g, k]));
  const out = new Float64Array(p * p).fill(NaN);
  for (const [s, t, v] of lines(path).slice(1)) {
    const si = index.get(s!), ti = index.get(t!);
    if (si !== undefined && ti !== undefined) out[ti * p + si] = Number(v);
  }
  return out;
}

export interface PublishedScores {
  auroc: number;
  aupr: number;
  aupr_ratio: number;
  auroc_directed: number;
  aupr_directed: number;
}

export function readPublished(dir: string): Record<string, { peers: Record<string, PublishedScores> }> {
  return JSON.parse(readFileSync(join(dir, 'peer_scores.json'), 'utf8'));
}
