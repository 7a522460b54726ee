/**
 * Association networks between the columns of a data matrix (rows = samples),
 * the baselines every network study is compared with: |Pearson|, |Spearman|,
 * |partial correlation| from a Ledoit-Wolf shrinkage precision matrix, and the
 * graphical lasso (Friedman, Hastie & Tibshirani 2008). Missing values (NaN)
 * use pairwise-complete observations.
 */
import { rank } from './descriptive.js';
import { inverseSpd, logDetSpd } from './linalg.js';

export interface DataMatrix {
  /** Row-major n x p, NaN = missing. */
  values: Float64Array | Float32Array;
  rows: number;
  cols: number;
}

function column(d: DataMatrix, j: number): Float64Array {
  const c = new Float64Array(d.rows);
  for (let i = 0; i < d.rows; i++) c[i] = d.values[i * d.cols + j]!;
  return c;
}

/** Pearson correlation matrix (p x p) with pairwise-complete observations. */
export function correlationMatrix(d: DataMatrix, method: 'pearson' | 'spearman' = 'pearson'): Float64Array {
  const p = d.cols;
  const cols = Array.from({ length: p }, (_, j) => column(d, j));
  const out = new Float64Array(p * p);
  const complete = cols.every((c) => c.every((v) => !Number.isNaN(v)));
  const prepared = method === 'spearman' && complete ? cols.map((c) => rank(c)) : cols;
  for (let a = 0; a < p; a++) {
    out[a * p + a] = 1;
    for (let b = a + 1; b < p; b++) {
      let x: ArrayLike<number> = prepared[a]!;
      let y: ArrayLike<number> = prepared[b]!;
      if (!complete) {
        const xs: number[] = [], ys: number[] = [];
        for (let i = 0; i < d.rows; i++) {
          if (!Number.isNaN(cols[a]![i]!) && !Number.isNaN(cols[b]![i]!)) {
            xs.push(cols[a]![i]!);
            ys.push(cols[b]![i]!);
          }
        }
        x = method === 'spearman' ? rank(xs) : xs;
        y = method === 'spearman' ? rank(ys) : ys;
      }
      const r = pearsonRaw(x, y);
      out[a * p + b] = r;
      out[b * p + a] = r;
    }
  }
  return out;
}

function pearsonRaw(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n < 3) return NaN;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx, dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/** Covariance (1/n, the maximum-likelihood estimate) of standardised columns, pairwise complete. */
export function standardizedCovariance(d: DataMatrix): Float64Array {
  return correlationMatrix(d, 'pearson').map((v) => (Number.isNaN(v) ? 0 : v));
}

export interface ShrinkageResult {
  covariance: Float64Array;
  /** Weight of the identity target, in [0, 1]. */
  shrinkage: number;
}

/**
 * Ledoit & Wolf (2004) shrinkage of the sample covariance towards mu * I.
 * Needs complete data (rows with NaN are dropped); data are standardised first.
 */
export function ledoitWolf(d: DataMatrix): ShrinkageResult {
  const p = d.cols;
  const rows: number[] = [];
  for (let i = 0; i < d.rows; i++) {
    let ok = true;
    for (let j = 0; j < p; j++) if (Number.isNaN(d.values[i * p + j]!)) ok = false;
    if (ok) rows.push(i);
  }
  const n = rows.length;
  if (n < 3) throw new Error(`ledoitWolf: needs at least 3 complete rows, got ${n}`);
  // standardise columns
  const x = new Float64Array(n * p);
  for (let j = 0; j < p; j++) {
    let m = 0;
    for (const i of rows) m += d.values[i * p + j]!;
    m /= n;
    let s = 0;
    for (const i of rows) s += (d.values[i * p + j]! - m) ** 2;
    const sd = Math.sqrt(s / n) || 1;
    rows.forEach((i, r) => {
      x[r * p + j] = (d.values[i * p + j]! - m) / sd;
    });
  }
  const s = new Float64Array(p * p);
  for (let r = 0; r < n; r++) {
    for (let a = 0; a < p; a++) {
      const xa = x[r * p + a]!;
      for (let b = a; b < p; b++) s[a * p + b]! += xa * x[r * p + b]!;
    }
  }
  for (let a = 0; a < p; a++) for (let b = a; b < p; b++) {
    s[a * p + b]! /= n;
    s[b * p + a] = s[a * p + b]!;
  }
  let mu = 0;
  for (let a = 0; a < p; a++) mu += s[a * p + a]!;
  mu /= p;
  let delta = 0;
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) delta += (s[a * p + b]! - (a === b ? mu : 0)) ** 2;
  delta /= p;
  let beta = 0;
  for (let r = 0; r < n; r++) {
    let t = 0;
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) t += (x[r * p + a]! * x[r * p + b]! - s[a * p + b]!) ** 2;
    beta += t;
  }
  beta /= p * n * n;
  const shrinkage = delta > 0 ? Math.min(beta, delta) / delta : 1;
  const covariance = s.map((v, k) => (1 - shrinkage) * v + (Math.floor(k / p) === k % p ? shrinkage * mu : 0));
  return { covariance, shrinkage };
}

/** Partial correlations -Theta_ij / sqrt(Theta_ii Theta_jj) from a precision matrix. */
export function precisionToPartialCorrelation(theta: Float64Array, p: number): Float64Array {
  const out = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < p; b++) out[a * p + b] = a === b ? 1 : -theta[a * p + b]! / Math.sqrt(theta[a * p + a]! * theta[b * p + b]!);
  }
  return out;
}

/** |partial correlation| network from the Ledoit-Wolf precision matrix. */
export function shrinkagePartialCorrelation(d: DataMatrix): { partial: Float64Array; shrinkage: number } {
  const { covariance, shrinkage } = ledoitWolf(d);
  const theta = inverseSpd(covariance, d.cols);
  if (!theta) throw new Error('shrinkagePartialCorrelation: the shrunk covariance is not positive definite');
  return { partial: precisionToPartialCorrelation(theta, d.cols), shrinkage };
}

export interface GraphicalLassoResult {
  precision: Float64Array;
  covariance: Float64Array;
  lambda: number;
  iterations: number;
  converged: boolean;
}

function softThreshold(x: number, t: number): number {
  return x > t ? x - t : x < -t ? x + t : 0;
}

/**
 * Graphical lasso by block coordinate descent: maximise
 * log det(Theta) - tr(S Theta) - lambda * sum_{i != j} |Theta_ij|.
 */
export function graphicalLasso(s: Float64Array, p: number, lambda: number, options: { maxIterations?: number; tolerance?: number } = {}): GraphicalLassoResult {
  const maxIt = options.maxIterations ?? 200;
  const tol = options.tolerance ?? 1e-4;
  const w = Float64Array.from(s);
  for (let j = 0; j < p; j++) w[j * p + j] = s[j * p + j]! + lambda;
  const beta = new Float64Array(p * p); // column j: coefficients of the j-th lasso
  let avgAbsS = 0;
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) if (a !== b) avgAbsS += Math.abs(s[a * p + b]!);
  avgAbsS /= Math.max(1, p * (p - 1));
  let it = 0;
  let converged = false;
  for (; it < maxIt; it++) {
    let change = 0;
    for (let j = 0; j < p; j++) {
      // lasso: min_b 1/2 b^T W11 b - b^T s12 + lambda |b|_1, warm-started
      for (let inner = 0; inner < 100; inner++) {
        let delta = 0;
        for (let k = 0; k < p; k++) {
          if (k === j) continue;
          let r = s[k * p + j]!;
          for (let l = 0; l < p; l++) if (l !== j && l !== k) r -= w[k * p + l]! * beta[l * p + j]!;
          const nb = softThreshold(r, lambda) / w[k * p + k]!;
          delta = Math.max(delta, Math.abs(nb - beta[k * p + j]!));
          beta[k * p + j] = nb;
        }
        if (delta < tol * 0.1) break;
      }
      // w12 = W11 beta
      for (let k = 0; k < p; k++) {
        if (k === j) continue;
        let v = 0;
        for (let l = 0; l < p; l++) if (l !== j) v += w[k * p + l]! * beta[l * p + j]!;
        change += Math.abs(v - w[k * p + j]!);
        w[k * p + j] = v;
        w[j * p + k] = v;
      }
    }
    if (change / (p * p) < tol * avgAbsS) {
      converged = true;
      it++;
      break;
    }
  }
  const theta = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    let dot = 0;
    for (let k = 0; k < p; k++) if (k !== j) dot += w[k * p + j]! * beta[k * p + j]!;
    const tjj = 1 / (w[j * p + j]! - dot);
    theta[j * p + j] = tjj;
    for (let k = 0; k < p; k++) if (k !== j) theta[k * p + j] = -beta[k * p + j]! * tjj;
  }
  // symmetrise (the two estimates of each entry differ slightly before convergence)
  for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) {
    const v = (theta[a * p + b]! + theta[b * p + a]!) / 2;
    theta[a * p + b] = v;
    theta[b * p + a] = v;
  }
  return { precision: theta, covariance: w, lambda, iterations: it, converged };
}

/**
 * Graphical lasso with lambda chosen by the extended BIC (Foygel & Drton 2010,
 * gamma = 0.5) over a log-spaced grid between 0.02 and 0.8 times max |S_ij|.
 */
export function graphicalLassoEbic(s: Float64Array, p: number, n: number, options: { grid?: number; gamma?: number } = {}): GraphicalLassoResult & { ebic: number } {
  let maxOff = 0;
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) if (a !== b) maxOff = Math.max(maxOff, Math.abs(s[a * p + b]!));
  const steps = options.grid ?? 8;
  const gamma = options.gamma ?? 0.5;
  let best: (GraphicalLassoResult & { ebic: number }) | null = null;
  for (let k = 0; k < steps; k++) {
    const lambda = maxOff * 0.02 * Math.pow(0.8 / 0.02, k / Math.max(1, steps - 1));
    const r = graphicalLasso(s, p, lambda);
    const logDet = logDetSpd(r.precision, p);
    let trace = 0;
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) trace += s[a * p + b]! * r.precision[b * p + a]!;
    let edges = 0;
    for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) if (Math.abs(r.precision[a * p + b]!) > 1e-8) edges++;
    const ebic = -n * (logDet - trace) + edges * Math.log(n) + 4 * edges * gamma * Math.log(p);
    if (Number.isFinite(ebic) && (!best || ebic < best.ebic)) best = { ...r, ebic };
  }
  if (!best) throw new Error('graphicalLassoEbic: no lambda gave a positive-definite estimate');
  return best;
}
