/**
 * Scores of network rankings against a known network, in the benchmark's
 * vocabulary: BEELINE's AUROC, AUPR, AUPR ratio and early precision ratio
 * (Pratapa et al. 2020), undirected (self-loops dropped, a pair's score is the
 * larger of its two directions) and, where the method ranks directions,
 * directed. Published rankings (`peers/<ALGORITHM>.csv`) are scored the same
 * way, with a bootstrap over pairs as their spread (there is one published run).
 */
import { Generator } from '@relevance/core-wasm';
import { stats } from '@relevance/methods';
import { DataError } from '../../io/data-error.js';
import { readTable } from '../../io/read-table.js';
import { cellValue, type LoadedTable } from '../../io/table.js';

export const SCORE_METRICS = ['auroc', 'aupr', 'aupr_ratio', 'epr', 'auroc_directed', 'aupr_directed'] as const;
export type ScoreMetric = (typeof SCORE_METRICS)[number];
export type Scores = Record<ScoreMetric, number>;

/** p x p truth adjacency [target * p + source] from an edge file, over the given genes (self-loops dropped). */
export async function truthMatrix(path: string, genes: readonly string[]): Promise<Uint8Array> {
  const table = await readTable(path);
  const p = genes.length;
  const index = new Map(genes.map((g, i) => [g, i]));
  const [src, tgt] = edgeColumns(table, path);
  const m = new Uint8Array(p * p);
  for (let r = 0; r < table.rows; r++) {
    const a = index.get(String(cellValue(src, r)));
    const b = index.get(String(cellValue(tgt, r)));
    if (a === undefined || b === undefined) throw new DataError(`${path}: row ${r + 1} names a gene that is not in the data (${cellValue(src, r)} -> ${cellValue(tgt, r)})`);
    if (a !== b) m[b * p + a] = 1;
  }
  return m;
}

function edgeColumns(table: LoadedTable, path: string): [LoadedTable['columns'][number], LoadedTable['columns'][number]] {
  const find = (n: string) => table.columns.find((c) => c.name.toLowerCase() === n);
  const src = find('source') ?? find('gene1');
  const tgt = find('target') ?? find('gene2');
  if (!src || !tgt) throw new DataError(`${path}: an edge list needs columns source and target (found ${table.columns.map((c) => c.name).join(', ')})`);
  return [src, tgt];
}

/** Every metric of one directed score matrix [target * p + source]; directed metrics only when `directed`. */
export function scoreMatrix(scores: ArrayLike<number>, truth: Uint8Array, p: number, directed: boolean): Scores {
  const u = stats.edgeMetrics(scores, truth, p);
  const d = directed ? stats.edgeMetrics(scores, truth, p, { directed: true }) : null;
  return { auroc: u.auroc, aupr: u.aupr, aupr_ratio: u.auprRatio, epr: u.epr, auroc_directed: d ? d.auroc : NaN, aupr_directed: d ? d.aupr : NaN };
}

/**
 * A published ranking (`source,target,score`) as a p x p score matrix. Pairs it
 * does not list rank below every listed pair (BEELINE's convention for
 * truncated rankings). Genes that are not in the data are an error.
 */
export async function peerMatrix(path: string, genes: readonly string[]): Promise<{ scores: Float64Array; listed: number }> {
  const table = await readTable(path);
  const p = genes.length;
  const index = new Map(genes.map((g, i) => [g, i]));
  const [src, tgt] = edgeColumns(table, path);
  const scoreCol = table.columns.find((c) => ['score', 'edgeweight', 'weight'].includes(c.name.toLowerCase()));
  if (!scoreCol) throw new DataError(`${path}: a ranking needs a score column (found ${table.columns.map((c) => c.name).join(', ')})`);
  const raw = new Float64Array(p * p).fill(NaN);
  let listed = 0;
  let low = Infinity;
  for (let r = 0; r < table.rows; r++) {
    const a = index.get(String(cellValue(src, r)));
    const b = index.get(String(cellValue(tgt, r)));
    if (a === undefined || b === undefined) throw new DataError(`${path}: row ${r + 1} names a gene that is not in the data (${cellValue(src, r)} -> ${cellValue(tgt, r)})`);
    const v = Number(cellValue(scoreCol, r));
    if (!Number.isFinite(v)) throw new DataError(`${path}: row ${r + 1} has a score that is not a finite number`);
    if (a === b) continue;
    const k = b * p + a;
    if (Number.isNaN(raw[k]!) || v > raw[k]!) raw[k] = v;
    low = Math.min(low, v);
    listed++;
  }
  const floor = Number.isFinite(low) ? low - 1 : 0;
  return { scores: raw.map((v) => (Number.isNaN(v) ? floor : v)), listed };
}

/** Standard deviation of each metric over bootstrap resamples of the candidate pairs (seeded). */
export function bootstrapSpread(scores: ArrayLike<number>, truth: Uint8Array, p: number, directed: boolean, resamples: number, seed: number): Scores {
  const pairs: number[] = [];
  for (let t = 0; t < p; t++) for (let s = 0; s < p; s++) if (s !== t && (directed || s < t)) pairs.push(t * p + s);
  const g = new Generator(seed);
  const acc: Record<string, number[]> = {};
  for (let b = 0; b < resamples; b++) {
    const sc: number[] = [], lab: number[] = [], sd: number[] = [], ld: number[] = [];
    for (let i = 0; i < pairs.length; i++) {
      const k = pairs[Math.min(pairs.length - 1, Math.floor(g.uniform() * pairs.length))]!;
      const t = Math.floor(k / p), s = k % p;
      sc.push(Math.max(scores[k]!, scores[s * p + t]!));
      lab.push(truth[k]! || truth[s * p + t]! ? 1 : 0);
      if (directed) {
        sd.push(scores[k]!, scores[s * p + t]!);
        ld.push(truth[k]!, truth[s * p + t]!);
      }
    }
    const positives = lab.reduce((x, y) => x + y, 0);
    if (positives === 0 || positives === lab.length) continue;
    const density = positives / lab.length;
    const ap = stats.aupr(sc, lab);
    const k = positives;
    (acc.auroc ??= []).push(stats.auroc(sc, lab));
    (acc.aupr ??= []).push(ap);
    (acc.aupr_ratio ??= []).push(ap / density);
    (acc.epr ??= []).push(stats.earlyPrecision(sc, lab, k) / density);
    if (directed) {
      (acc.auroc_directed ??= []).push(stats.auroc(sd, ld));
      (acc.aupr_directed ??= []).push(stats.aupr(sd, ld));
    }
  }
  const sdOf = (v: number[] | undefined): number => (v && v.length > 1 ? Math.sqrt(stats.variance(v)) : NaN);
  return Object.fromEntries(SCORE_METRICS.map((m) => [m, sdOf(acc[m])])) as Scores;
}
