/**
 * A Gaussian density fitted to data rows, for the density prior of
 * activation maximization: mean and a shrunk covariance
 *   Sigma = (1 - a) S + a (tr(S) / p) I,
 * with the shrinkage a given or chosen by Ledoit & Wolf (2004, J. Multivar.
 * Anal. 88, lemma 3.3 / theorem 3.4) toward the scaled identity. Gives
 * log p(x) up to a constant and its gradient -Sigma^-1 (x - mu).
 */
import type { Backend } from '@relevance/core-wasm';
import { inverseSpd } from '../stats/linalg.js';
import { UnderstandingError } from './layer-features.js';

export interface GaussianPrior {
  mean: Float64Array;
  /** Sigma^-1, row-major p x p. */
  precision: Float64Array;
  /** The shrinkage intensity used. */
  shrinkage: number;
  /** -1/2 (x - mu)^T Sigma^-1 (x - mu): log p(x) without its constant. */
  logDensity(x: ArrayLike<number>): number;
  /** d log p / dx = -Sigma^-1 (x - mu), written into `out`. */
  gradient(x: ArrayLike<number>, out: Float64Array): void;
}

export async function fitGaussianPrior(be: Backend, data: Float32Array, rows: number, p: number, shrinkage: number | 'ledoit-wolf' = 'ledoit-wolf'): Promise<GaussianPrior> {
  if (rows < 2) throw new UnderstandingError(`fitGaussianPrior: needs at least 2 rows, got ${rows}`);
  const mean = new Float64Array(p);
  for (let r = 0; r < rows; r++) for (let j = 0; j < p; j++) mean[j]! += data[r * p + j]! / rows;
  const centred = new Float32Array(rows * p);
  for (let r = 0; r < rows; r++) for (let j = 0; j < p; j++) centred[r * p + j] = data[r * p + j]! - mean[j]!;
  // S = X^T X / n on the backend's GEMM
  const s = await be.asyncScope(async () => {
    const x = be.tensor(centred, [rows, p]);
    return Float64Array.from((await be.gemm(x, x, { transA: true, alpha: 1 / rows }).read()) as Float32Array);
  });
  let trace = 0;
  for (let j = 0; j < p; j++) trace += s[j * p + j]!;
  const mu = trace / p;
  let a: number;
  if (shrinkage === 'ledoit-wolf') {
    // d^2 = ||S - mu I||^2, b^2 = min(d^2, (1/n^2) sum_k ||x_k x_k^T - S||^2), Frobenius norms / p
    let d2 = 0;
    let sNorm = 0;
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) {
        const v = s[i * p + j]!;
        sNorm += v * v;
        d2 += (v - (i === j ? mu : 0)) ** 2;
      }
    }
    let b2 = 0;
    for (let r = 0; r < rows; r++) {
      const xr = centred.subarray(r * p, (r + 1) * p);
      let norm2 = 0;
      let quad = 0;
      for (let i = 0; i < p; i++) {
        norm2 += xr[i]! * xr[i]!;
        let si = 0;
        for (let j = 0; j < p; j++) si += s[i * p + j]! * xr[j]!;
        quad += xr[i]! * si;
      }
      b2 += norm2 * norm2 - 2 * quad + sNorm;
    }
    b2 /= rows * rows;
    a = d2 > 0 ? Math.min(1, b2 / d2) : 1;
  } else {
    if (!(shrinkage >= 0 && shrinkage <= 1)) throw new UnderstandingError(`fitGaussianPrior: shrinkage must lie in [0, 1] or be 'ledoit-wolf', got ${shrinkage}`);
    a = shrinkage;
  }
  const sigma = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) sigma[i * p + j] = (1 - a) * s[i * p + j]! + (i === j ? a * mu : 0);
  // a constant feature has zero variance: a tiny ridge keeps Sigma invertible
  for (let i = 0; i < p; i++) sigma[i * p + i]! += 1e-9 * Math.max(mu, 1e-12) + 1e-12;
  const precision = inverseSpd(sigma, p);
  if (!precision) throw new UnderstandingError('fitGaussianPrior: the covariance is singular; use shrinkage > 0');
  const diff = new Float64Array(p);
  const gradient = (x: ArrayLike<number>, out: Float64Array): void => {
    for (let j = 0; j < p; j++) diff[j] = x[j]! - mean[j]!;
    for (let i = 0; i < p; i++) {
      let t = 0;
      for (let j = 0; j < p; j++) t += precision[i * p + j]! * diff[j]!;
      out[i] = -t;
    }
  };
  const logDensity = (x: ArrayLike<number>): number => {
    const g = new Float64Array(p);
    gradient(x, g);
    let q = 0;
    for (let j = 0; j < p; j++) q += (x[j]! - mean[j]!) * g[j]!;
    return q / 2;
  };
  return { mean, precision, shrinkage: a, logDensity, gradient };
}
