/** Hypothesis tests used by the studies: hypergeometric enrichment, Kruskal-Wallis, Benjamini-Hochberg. */
import { rank } from './descriptive.js';
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
  const clean = groups.map((g) => Array.from(g).filter((v) => !Number.isNaN(v))).filter((g) => g.length > 0);
  const all = clean.flat();
  const n = all.length;
  const k = clean.length;
  if (k < 2 || n < 3) return { h: NaN, df: k - 1, pValue: NaN };
  const r = rank(all);
  let at = 0;
  let h = 0;
  for (const g of clean) {
    let s = 0;
    for (let i = 0; i < g.length; i++) s += r[at + i]!;
    at += g.length;
    h += (s * s) / g.length;
  }
  h = (12 / (n * (n + 1))) * h - 3 * (n + 1);
  // tie correction 1 - sum(t^3 - t) / (n^3 - n)
  const sorted = [...all].sort((a, b) => a - b);
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
