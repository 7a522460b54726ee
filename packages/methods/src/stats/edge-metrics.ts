/**
 * Edge-ranking metrics as BEELINE computes them (Pratapa et al. 2020, Nature
 * Methods 17:147): AUROC, AUPR, AUPR ratio (AUPR / density of true edges) and
 * the early precision ratio EPR (precision among the top-k edges, k = number
 * of true edges, over the density). Score and truth matrices are p x p,
 * indexed [target * p + source]. Self-loops are always dropped.
 *  - undirected: one entry per unordered pair, score = max of both
 *    directions, truth = edge in either direction;
 *  - directed: every ordered pair (source != target).
 * Ties: AUROC counts tied pairs one half (Mann-Whitney, as scikit-learn's
 * roc_auc_score); AUPR is average precision with tied scores grouped into
 * one threshold (scikit-learn's average_precision_score); EPR keeps every
 * edge tied with the k-th score, as BEELINE does.
 */
import { aupr, auroc } from './roc.js';

export interface EdgeMetrics {
  auroc: number;
  aupr: number;
  /** AUPR / density. */
  auprRatio: number;
  /** Early precision / density. */
  epr: number;
  /** Candidate edges (pairs or ordered pairs). */
  pairs: number;
  /** True edges among them. */
  positives: number;
  density: number;
}

/** Scores and labels of the candidate edges, in a fixed order (i < j for undirected; all i != j for directed). */
export function edgeList(scores: ArrayLike<number>, truth: ArrayLike<number | boolean>, p: number, directed: boolean): { scores: Float64Array; labels: Uint8Array } {
  if (scores.length !== p * p || truth.length !== p * p) throw new Error(`edgeList: scores and truth must be p x p = ${p * p} entries, got ${scores.length} and ${truth.length}`);
  const s: number[] = [], l: number[] = [];
  for (let a = 0; a < p; a++) {
    for (let b = directed ? 0 : a + 1; b < p; b++) {
      if (a === b) continue;
      const ab = scores[a * p + b]!, ba = scores[b * p + a]!;
      if (Number.isNaN(ab) || (!directed && Number.isNaN(ba))) throw new Error(`edgeList: score of pair (${a}, ${b}) is NaN; scores must be numbers`);
      s.push(directed ? ab : Math.max(ab, ba));
      l.push(directed ? (truth[a * p + b] ? 1 : 0) : truth[a * p + b] || truth[b * p + a] ? 1 : 0);
    }
  }
  return { scores: Float64Array.from(s), labels: Uint8Array.from(l) };
}

/** Early precision: fraction of true edges among those scored at least the k-th best score. */
export function earlyPrecision(scores: ArrayLike<number>, labels: ArrayLike<number | boolean>, k: number): number {
  if (k <= 0) return NaN;
  const sorted = Array.from(scores).sort((a, b) => b - a);
  const cut = sorted[Math.min(k, sorted.length) - 1]!;
  let tp = 0, n = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i]! >= cut) { n++; if (labels[i]) tp++; }
  return tp / n;
}

/** BEELINE's metrics of a score matrix against a truth adjacency (both [target * p + source]). */
export function edgeMetrics(scores: ArrayLike<number>, truth: ArrayLike<number | boolean>, p: number, options: { directed?: boolean } = {}): EdgeMetrics {
  const { scores: s, labels } = edgeList(scores, truth, p, options.directed ?? false);
  let positives = 0;
  for (const v of labels) positives += v;
  const density = positives / labels.length;
  const ap = aupr(s, labels);
  return {
    auroc: auroc(s, labels),
    aupr: ap,
    auprRatio: ap / density,
    epr: earlyPrecision(s, labels, positives) / density,
    pairs: labels.length,
    positives,
    density,
  };
}
