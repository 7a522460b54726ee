/**
 * CLR, context likelihood of relatedness (Faith et al. 2007, PLoS Biology
 * 5:e8): each gene's mutual information with the others is z-scored against
 * that gene's own MI distribution (mean and sample sd over the other genes,
 * negative z clipped to 0), and the score of a pair is sqrt(z_i^2 + z_j^2).
 * MI here uses the discretisers of `information.ts` (Bayesian blocks by
 * default, as NetworkInference.jl's CLR) instead of the original B-spline
 * estimator. Optional ARACNe data-processing inequality (Margolin et al.
 * 2006, BMC Bioinformatics 7:S7) on the MI matrix before the context step.
 */
import type { DataMatrix } from './networks.js';
import { discretizeColumns, mutualInformationMatrix, type Discretized, type Discretizer } from './information.js';

export interface ClrOptions {
  discretizer?: Discretizer;
  /** Bins for the uniform discretisers (default ceil(sqrt(n))). */
  bins?: number;
  /** Threads for the discretisation (the caller and Node workers; default 1): the same bytes for any count. */
  threads?: number;
  /** Apply ARACNe's DPI with this tolerance (0 = strict) before CLR; omitted = no DPI. */
  dpiTolerance?: number;
}

/** CLR scores from a symmetric MI matrix (p x p): symmetric, diagonal 0. */
export function clrFromMi(mi: Float64Array, p: number): Float64Array {
  const mean = new Float64Array(p), sd = new Float64Array(p);
  for (let g = 0; g < p; g++) {
    let s = 0;
    for (let k = 0; k < p; k++) if (k !== g) s += mi[g * p + k]!;
    const m = s / (p - 1);
    let q = 0;
    for (let k = 0; k < p; k++) if (k !== g) q += (mi[g * p + k]! - m) ** 2;
    mean[g] = m;
    sd[g] = p > 2 ? Math.sqrt(q / (p - 2)) : 0;
  }
  const out = new Float64Array(p * p);
  const z = (g: number, v: number): number => (sd[g]! > 0 ? Math.max(0, (v - mean[g]!) / sd[g]!) : 0);
  for (let i = 0; i < p; i++) {
    for (let j = i + 1; j < p; j++) {
      const v = mi[i * p + j]!;
      const s = Math.sqrt(z(i, v) ** 2 + z(j, v) ** 2);
      out[i * p + j] = s;
      out[j * p + i] = s;
    }
  }
  return out;
}

/**
 * ARACNe's data-processing inequality: in every triangle the weakest edge
 * is removed (set to 0) when it is below both others by more than
 * `tolerance` (relative). Returns a new matrix.
 */
export function aracneDpi(mi: Float64Array, p: number, tolerance = 0): Float64Array {
  if (!(tolerance >= 0 && tolerance < 1)) throw new Error(`aracneDpi: tolerance must be in [0, 1), got ${tolerance}`);
  const out = Float64Array.from(mi);
  const f = 1 - tolerance;
  for (let i = 0; i < p; i++) {
    for (let j = i + 1; j < p; j++) {
      const ij = mi[i * p + j]!;
      for (let k = 0; k < p; k++) {
        if (k === i || k === j) continue;
        if (ij < f * mi[i * p + k]! && ij < f * mi[j * p + k]!) {
          out[i * p + j] = 0;
          out[j * p + i] = 0;
          break;
        }
      }
    }
  }
  return out;
}

/** CLR network scores (symmetric p x p, diagonal 0) of a data matrix's columns, or of columns already discretised (as `pidc`). Deterministic. */
export function clr(d: DataMatrix | Discretized[], options: ClrOptions = {}): Float64Array {
  const p = Array.isArray(d) ? d.length : d.cols;
  if (p < 3) throw new Error(`clr: needs at least 3 genes (columns), got ${p}`);
  const disc = Array.isArray(d) ? d : discretizeColumns(d, options.discretizer ?? 'bayesian-blocks', options.bins, options.threads);
  let mi = mutualInformationMatrix(disc);
  if (options.dpiTolerance !== undefined) mi = aracneDpi(mi, p, options.dpiTolerance);
  return clrFromMi(mi, p);
}
