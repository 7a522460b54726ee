/** Hypothesis tests used by the studies: hypergeometric enrichment, Kruskal-Wallis, Benjamini-Hochberg. */
import { chiSquareSurvival, logChoose } from './special.js';

/**
 * P(X >= hits) for X ~ Hypergeometric(population N, successes K, draws n):
 * the enrichment p-value of finding `hits` known edges among the top n.
 */
export function hypergeometricUpperTail(hits: number, population: number, successes: number, draws: number): number {
  const lo = Math.max(hits, 0);
  const hi = Math.min(successes, draws);
  if (lo > hi) return 0;
  const denom = logChoose(population, draws);
  // sum in log space from the largest term for accuracy
  const terms: number[] = [];
  for (let k = lo; k <= hi; k++) terms.push(logChoose(successes, k) + logChoose(population - successes, draws - k) - denom);
  const m = Math.max(...terms);
  let s = 0;
  for (const t of terms) s += Math.exp(t - m);
  return Math.min(1, Math.exp(m) * s);
}

export interface KruskalWallisResult {
  /** H statistic with the tie correction. */
  h: number;
  /** Degrees of freedom (groups - 1). */
  df: number;
  pValue: number;
}

/** Kruskal-Wallis H test across groups (chi-square approximation, tie-corrected; NaN values dropped). */
export function kruskalWallis(groups: ReadonlyArray<ArrayLike<number>>): KruskalWallisResult {
  const clean = groups.map((g) => Float64Array.from(g).filter((v) => !Number.isNaN(v))).filter((g) => g.length > 0);
  const k = clean.length;
  const n = clean.reduce((a, g) => a + g.length, 0);
  if (k < 2 || n < 3) return { h: NaN, df: k - 1, pValue: NaN };
  // one numeric sort; a value's average rank is the middle of its run of ties, found by bisection
  const sorted = new Float64Array(n);
  let at = 0;
  for (const g of clean) { sorted.set(g, at); at += g.length; }
  sorted.sort();
  let h = 0;
  for (const g of clean) {
    let s = 0;
    for (let i = 0; i < g.length; i++) s += averageRank(sorted, g[i]!);
    h += (s * s) / g.length;
  }
  h = (12 / (n * (n + 1))) * h - 3 * (n + 1);
  // tie correction 1 - sum(t^3 - t) / (n^3 - n)
  let ties = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && sorted[j + 1] === sorted[i]) j++;
    const t = j - i + 1;
    ties += t * t * t - t;
    i = j + 1;
  }
  const correction = 1 - ties / (n * n * n - n);
  if (correction <= 0) return { h: NaN, df: k - 1, pValue: NaN };
  h /= correction;
  return { h, df: k - 1, pValue: chiSquareSurvival(h, k - 1) };
}

/** The average 1-based rank of `v` in ascending `sorted` (ties share the mean of their positions). */
function averageRank(sorted: Float64Array, v: number): number {
  let lo = 0, hi = sorted.length; // first index with sorted[i] >= v
  while (lo < hi) { const m = (lo + hi) >>> 1; if (sorted[m]! < v) lo = m + 1; else hi = m; }
  let last = lo; // last index with sorted[i] <= v
  hi = sorted.length;
  while (last + 1 < hi) { const m = (last + hi) >>> 1; if (sorted[m]! <= v) last = m; else hi = m; }
  return (lo + last) / 2 + 1;
}

/** Benjamini-Hochberg q-values (step-up, monotone), NaN p-values stay NaN. */
export function benjaminiHochberg(pValues: ArrayLike<number>): Float64Array {
  const idx = Array.from({ length: pValues.length }, (_, i) => i).filter((i) => !Number.isNaN(pValues[i]!));
  idx.sort((a, b) => pValues[a]! - pValues[b]!);
  const m = idx.length;
  const q = new Float64Array(pValues.length).fill(NaN);
  let running = 1;
  for (let k = m - 1; k >= 0; k--) {
    const i = idx[k]!;
    running = Math.min(running, (pValues[i]! * m) / (k + 1));
    q[i] = running;
  }
  return q;
}
