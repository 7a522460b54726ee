/**
 * Evaluation of networks against a truth (AUROC, AUPR) and against prior
 * knowledge (top-k hypergeometric enrichment), and class differences per edge
 * (Kruskal-Wallis with Benjamini-Hochberg q-values).
 */
import { stats } from '@relevance/methods';
import { pairCount } from './networks.js';

export interface EdgeSet {
  /** Undirected pair keys 'a|b' with a < b (protein indices), or directed 'source>target'. */
  keys: Set<string>;
  directed: boolean;
}

export function pairKey(a: number, b: number): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/** 0/1 labels of all unordered pairs (upper-triangular order). */
export function pairLabels(p: number, truth: ReadonlySet<string>): Uint8Array {
  const labels = new Uint8Array(pairCount(p));
  let k = 0;
  for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) labels[k++] = truth.has(`${a}|${b}`) ? 1 : 0;
  return labels;
}

/** 0/1 labels of all ordered pairs (row = target, column = source, diagonal excluded), row-major. */
export function directedLabels(p: number, truth: ReadonlySet<string>): Uint8Array {
  const labels = new Uint8Array(p * (p - 1));
  let k = 0;
  for (let t = 0; t < p; t++) for (let s = 0; s < p; s++) if (s !== t) labels[k++] = truth.has(`${s}>${t}`) ? 1 : 0;
  return labels;
}

export interface RankingQuality {
  auroc: number;
  aupr: number;
  positives: number;
  pairs: number;
}

export function rankingQuality(scores: ArrayLike<number>, labels: ArrayLike<number>): RankingQuality {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i]!;
  return { auroc: stats.auroc(scores, labels), aupr: stats.aupr(scores, labels), positives, pairs: labels.length };
}

export interface Enrichment {
  k: number;
  hits: number;
  expected: number;
  p_value: number;
  auroc: number;
}

/**
 * Top-k enrichment: hits = known pairs among the k highest-scoring pairs,
 * expected = k * known / pairs, p = P(X >= hits) under the hypergeometric law.
 * Ties at the k-th score are broken by pair order (stable).
 */
export function topKEnrichment(scores: ArrayLike<number>, labels: ArrayLike<number>, k: number): Enrichment {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  let known = 0;
  for (let i = 0; i < n; i++) known += labels[i]!;
  const top = Math.min(k, n);
  let hits = 0;
  for (let i = 0; i < top; i++) hits += labels[order[i]!]!;
  return {
    k: top,
    hits,
    expected: (top * known) / n,
    p_value: stats.hypergeometricUpperTail(hits, n, known, top),
    auroc: stats.auroc(scores, labels),
  };
}

export interface EdgeDifference {
  h: Float32Array;
  pValue: Float64Array;
  qValue: Float64Array;
}

/** Kruskal-Wallis per pair across classes from instance networks [instances, pairs]. */
export function classDifferences(networks: Float32Array, pairsPerInstance: number, classRows: ReadonlyArray<readonly number[]>): EdgeDifference {
  const h = new Float32Array(pairsPerInstance);
  const pValue = new Float64Array(pairsPerInstance);
  for (let k = 0; k < pairsPerInstance; k++) {
    const groups = classRows.map((rows) => Float64Array.from(rows, (r) => networks[r * pairsPerInstance + k]!));
    const res = stats.kruskalWallis(groups);
    h[k] = res.h;
    pValue[k] = res.pValue;
  }
  return { h, pValue, qValue: stats.benjaminiHochberg(pValue) };
}
