/**
 * PIDC (Chan, Stumpf & Babtie 2017, Cell Systems 5:251), ported from the
 * published formulas as NetworkInference.jl implements them:
 *  - each gene is discretised (Bayesian blocks by default), probabilities
 *    are maximum-likelihood frequencies, information in bits;
 *  - for every triple and each of its genes Z as target, the Williams-Beer
 *    redundancy R = sum_z p(z) min(I(Z=z; X), I(Z=z; Y)) from the specific
 *    informations I(Z=z; X) = sum_x p(x|z) log(p(z|x) / p(z));
 *  - unique information U_X = I(X;Z) - R; the proportional unique
 *    contribution PUC(X,Z) sums U_X / I(X;Z) over all third genes Y and
 *    both orientations (negative or non-finite ratios count 0);
 *  - context: score(i,j) = F_i(PUC_ij) + F_j(PUC_ij), F_g the distribution
 *    of gene g's PUC scores with the other genes: 'gamma' fits a gamma
 *    distribution by maximum likelihood (NetworkInference.jl v0.2+, the
 *    version BEELINE ran), 'empirical' uses the empirical CDF.
 */
import type { DataMatrix } from './networks.js';
import { discretizeColumns, jointCounts, type Discretized, type Discretizer } from './information.js';
import { gammaQ } from './special.js';

export interface PidcOptions {
  discretizer?: Discretizer;
  /** Bins for the uniform discretisers (default ceil(sqrt(n))). */
  bins?: number;
  /** Threads for the discretisation (the caller and Node workers; default 1): the same bytes for any count. */
  threads?: number;
  /** Context step (default 'gamma', as the reference implementation). */
  context?: 'gamma' | 'empirical';
}

export interface PidcResult {
  /** Symmetric p x p PIDC scores (diagonal 0). */
  scores: Float64Array;
  /** Symmetric p x p PUC scores before the context step. */
  puc: Float64Array;
}

/** Specific information about each bin of target b from source a (bits). */
function specificInformation(t: Float64Array, na: number, nb: number, pa: Float64Array, pb: Float64Array, total: number, sourceIsRow: boolean): Float64Array {
  const nz = sourceIsRow ? nb : na;
  const si = new Float64Array(nz);
  for (let x = 0; x < na; x++) {
    for (let y = 0; y < nb; y++) {
      const c = t[x * nb + y]!;
      if (c === 0) continue;
      const pxz = c / total, px = pa[x]! / total, pz = pb[y]! / total;
      const v = (pxz / (sourceIsRow ? pz : px)) * Math.log2(pxz / (px * pz));
      si[sourceIsRow ? y : x] += v;
    }
  }
  return si;
}

/** Pairwise MI (p x p) and specific informations si[a][b] (source a about the bins of target b). */
function pairInformation(disc: Discretized[]): { mi: Float64Array; si: Float64Array[] } {
  const p = disc.length;
  const mi = new Float64Array(p * p);
  const si: Float64Array[] = new Array(p * p);
  for (let a = 0; a < p; a++) {
    for (let b = a + 1; b < p; b++) {
      const na = disc[a]!.bins, nb = disc[b]!.bins;
      const t = jointCounts(disc[a]!, disc[b]!);
      const pa = new Float64Array(na), pb = new Float64Array(nb);
      let total = 0;
      for (let x = 0; x < na; x++) for (let y = 0; y < nb; y++) { const c = t[x * nb + y]!; pa[x] += c; pb[y] += c; total += c; }
      let m = 0;
      for (let x = 0; x < na; x++) for (let y = 0; y < nb; y++) {
        const c = t[x * nb + y]!;
        if (c > 0) m += (c / total) * Math.log2((c * total) / (pa[x]! * pb[y]!));
      }
      mi[a * p + b] = m;
      mi[b * p + a] = m;
      si[a * p + b] = specificInformation(t, na, nb, pa, pb, total, true);
      si[b * p + a] = specificInformation(t, na, nb, pa, pb, total, false);
    }
  }
  return { mi, si };
}

/** Marginal probabilities of one discretised gene. */
function marginal(d: Discretized): Float64Array {
  const pz = new Float64Array(d.bins);
  for (let i = 0; i < d.ids.length; i++) pz[d.ids[i]!]++;
  for (let k = 0; k < d.bins; k++) pz[k] = pz[k]! / d.ids.length;
  return pz;
}

/** PUC scores (symmetric p x p) from discretised genes. */
export function pucScores(disc: Discretized[]): Float64Array {
  const p = disc.length;
  const { mi, si } = pairInformation(disc);
  const pz = disc.map(marginal);
  const puc = new Float64Array(p * p);
  const add = (x: number, z: number, m: number, red: number): void => {
    let v = (m - red) / m;
    if (!(Number.isFinite(v) && v >= 0)) v = 0;
    puc[x * p + z] += v;
    puc[z * p + x] += v;
  };
  const redundancy = (z: number, x: number, y: number): number => {
    const sx = si[x * p + z]!, sy = si[y * p + z]!, q = pz[z]!;
    let r = 0;
    for (let k = 0; k < q.length; k++) r += q[k]! * Math.min(sx[k]!, sy[k]!);
    return r;
  };
  for (let i = 0; i < p; i++) {
    for (let j = i + 1; j < p; j++) {
      for (let k = j + 1; k < p; k++) {
        let r = redundancy(k, i, j);
        add(i, k, mi[i * p + k]!, r); add(j, k, mi[j * p + k]!, r);
        r = redundancy(j, i, k);
        add(i, j, mi[i * p + j]!, r); add(k, j, mi[k * p + j]!, r);
        r = redundancy(i, j, k);
        add(j, i, mi[j * p + i]!, r); add(k, i, mi[k * p + i]!, r);
      }
    }
  }
  return puc;
}

/**
 * PIDC network scores (symmetric p x p, diagonal 0) of the columns of a data
 * matrix (rows = cells/samples), or of columns already discretised by
 * `discretizeColumns` (then the discretiser options are unused: callers that
 * run PIDC and CLR on the same data discretise once). Deterministic.
 */
export function pidc(d: DataMatrix | Discretized[], options: PidcOptions = {}): PidcResult {
  const context = options.context ?? 'gamma';
  if (context !== 'gamma' && context !== 'empirical') throw new Error(`pidc: option context must be 'gamma' or 'empirical', got ${String(context)}`);
  const p = Array.isArray(d) ? d.length : d.cols;
  if (p < 3) throw new Error(`pidc: needs at least 3 genes (columns) for triples, got ${p}`);
  const disc = Array.isArray(d) ? d : discretizeColumns(d, options.discretizer ?? 'bayesian-blocks', options.bins, options.threads);
  const puc = pucScores(disc);
  return { scores: applyContext(puc, p, context), puc };
}

/** The context step: F_i(s_ij) + F_j(s_ij) with per-gene gamma or empirical CDFs. */
export function applyContext(scores: Float64Array, p: number, context: 'gamma' | 'empirical'): Float64Array {
  const others = (g: number): Float64Array => Float64Array.from({ length: p - 1 }, (_, k) => scores[(k < g ? k : k + 1) * p + g]!);
  const cdfs: Array<((s: number) => number) | undefined> = Array.from({ length: p }, (_, g) => (context === 'gamma' ? gammaCdf(others(g)) : empiricalCdf(others(g))));
  const out = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = i + 1; j < p; j++) {
      const s = scores[i * p + j]!;
      const fi = cdfs[i], fj = cdfs[j];
      const v = fi && fj ? fi(s) + fj(s) : clrPair(s, others(i), others(j));
      out[i * p + j] = v;
      out[j * p + i] = v;
    }
  }
  return out;
}

function empiricalCdf(x: Float64Array): (s: number) => number {
  const sorted = Float64Array.from(x).sort();
  return (s) => {
    let lo = 0, hi = sorted.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (sorted[m]! <= s) lo = m + 1; else hi = m; }
    return lo / sorted.length;
  };
}

/** CDF of a maximum-likelihood gamma fit, or undefined when the fit fails (a value <= 0, no spread). */
function gammaCdf(x: Float64Array): ((s: number) => number) | undefined {
  const fit = fitGamma(x);
  if (!fit) return undefined;
  return (s) => (s <= 0 ? 0 : 1 - gammaQ(fit.shape, s / fit.scale));
}

/** Gamma MLE (Minka 2002 start, Newton on the shape), as Distributions.jl fit_mle(Gamma, x). */
export function fitGamma(x: ArrayLike<number>): { shape: number; scale: number } | undefined {
  const n = x.length;
  let sum = 0, sumLog = 0;
  for (let i = 0; i < n; i++) {
    if (!(x[i]! > 0)) return undefined;
    sum += x[i]!; sumLog += Math.log(x[i]!);
  }
  const mean = sum / n;
  const s = Math.log(mean) - sumLog / n;
  if (!(s > 0) || !Number.isFinite(s)) return undefined;
  let a = (3 - s + Math.sqrt((s - 3) ** 2 + 24 * s)) / (12 * s);
  for (let it = 0; it < 200; it++) {
    const next = 1 / (1 / a + (Math.log(a) - digamma(a) - s) / (a * a * (1 / a - trigamma(a))));
    if (Math.abs(next - a) <= 1e-12 * a) { a = next; break; }
    a = next;
  }
  if (!(a > 0) || !Number.isFinite(a)) return undefined;
  return { shape: a, scale: mean / a };
}

/** CLR-style fallback of NetworkInference.jl when a gamma fit fails. */
function clrPair(s: number, xi: Float64Array, xj: Float64Array): number {
  const z = (x: Float64Array): number => {
    let m = 0;
    for (const v of x) m += v;
    m /= x.length;
    let q = 0;
    for (const v of x) q += (v - m) ** 2;
    const variance = q / (x.length - 1);
    const diff = s - m;
    return variance === 0 || diff < 0 ? 0 : (diff * diff) / variance;
  };
  return Math.sqrt(z(xi) + z(xj));
}

/** Digamma (recurrence to x >= 6, then the asymptotic series). */
export function digamma(x: number): number {
  let r = 0;
  while (x < 6) { r -= 1 / x; x += 1; }
  const f = 1 / (x * x);
  return r + Math.log(x) - 0.5 / x - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))));
}

/** Trigamma (recurrence to x >= 6, then the asymptotic series). */
export function trigamma(x: number): number {
  let r = 0;
  while (x < 6) { r += 1 / (x * x); x += 1; }
  const f = 1 / (x * x);
  return r + 1 / x + f / 2 + (f / x) * (1 / 6 - f * (1 / 30 - f * (1 / 42 - f / 30)));
}
