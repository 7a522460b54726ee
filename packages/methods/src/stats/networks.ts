/**
 * Association networks between the columns of a data matrix (rows = samples),
 * the baselines every network study is compared with: |Pearson|, |Spearman|,
 * |partial correlation| from a Ledoit-Wolf shrinkage precision matrix, and the
 * graphical lasso (Friedman, Hastie & Tibshirani 2008). Missing values (NaN)
 * use pairwise-complete observations.
 */
import { averageRanksInto, rank } from './descriptive.js';
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

/**
 * Pearson or Spearman correlation matrix (p x p) with pairwise-complete
 * observations. Same bytes as ranking and correlating each pair's complete
 * rows from scratch (bench/baselines-reference.ts), without the per-pair
 * allocations and sorts: each column is sorted once, and a pair's ranks are
 * the tie-averaged positions along that order of the rows the other column
 * also has (sums in row order, as before).
 */
export function correlationMatrix(d: DataMatrix, method: 'pearson' | 'spearman' = 'pearson'): Float64Array {
  const p = d.cols;
  const cols = Array.from({ length: p }, (_, j) => column(d, j));
  const out = new Float64Array(p * p);
  const complete = cols.every((c) => c.every((v) => !Number.isNaN(v)));
  const prepared = method === 'spearman' && complete ? cols.map((c) => rank(c)) : cols;
  const pair = complete ? null : pairwiseCorrelation(cols, d.rows, method);
  const all = Int32Array.from({ length: d.rows }, (_, i) => i);
  for (let a = 0; a < p; a++) {
    out[a * p + a] = 1;
    for (let b = a + 1; b < p; b++) {
      const r = pair ? pair(a, b) : d.rows < 3 ? NaN : pearsonRows(prepared[a]!, prepared[b]!, all, d.rows);
      out[a * p + b] = r;
      out[b * p + a] = r;
    }
  }
  return out;
}

/** Correlation of columns a and b over the rows where both are present (NaN with fewer than 3 such rows). */
function pairwiseCorrelation(cols: Float64Array[], n: number, method: 'pearson' | 'spearman'): (a: number, b: number) => number {
  const orders = method === 'spearman' ? cols.map(sortedPresentRows) : [];
  const rx = new Float64Array(n), ry = new Float64Array(n), rows = new Int32Array(n), buf = new Int32Array(n);
  return (a, b) => {
    const x = cols[a]!, y = cols[b]!;
    let m = 0;
    for (let i = 0; i < n; i++) if (!Number.isNaN(x[i]!) && !Number.isNaN(y[i]!)) rows[m++] = i;
    if (m < 3) return NaN;
    if (method === 'pearson') return pearsonRows(x, y, rows, m);
    pairRanks(orders[a]!, x, y, rx, buf);
    pairRanks(orders[b]!, y, x, ry, buf);
    return pearsonRows(rx, ry, rows, m);
  };
}

/** Rows where c is present, by increasing value. */
function sortedPresentRows(c: Float64Array): Int32Array {
  const rows: number[] = [];
  for (let i = 0; i < c.length; i++) if (!Number.isNaN(c[i]!)) rows.push(i);
  return Int32Array.from(rows.sort((i, j) => c[i]! - c[j]!));
}

/** Ranks (1-based, ties averaged) of x among the rows where `other` is present too, written at out[row]; buf: scratch. */
function pairRanks(order: Int32Array, x: Float64Array, other: Float64Array, out: Float64Array, buf: Int32Array): void {
  let m = 0;
  for (let k = 0; k < order.length; k++) if (!Number.isNaN(other[order[k]!]!)) buf[m++] = order[k]!;
  averageRanksInto(buf, m, x, out);
}

/** Pearson correlation of x[rows[k]], y[rows[k]] for k < m (NaN when either is constant), summed in that order. */
function pearsonRows(x: Float64Array, y: Float64Array, rows: Int32Array, m: number): number {
  let mx = 0, my = 0;
  for (let k = 0; k < m; k++) {
    mx += x[rows[k]!]!;
    my += y[rows[k]!]!;
  }
  mx /= m;
  my /= m;
  let sxy = 0, sxx = 0, syy = 0;
  for (let k = 0; k < m; k++) {
    const dx = x[rows[k]!]! - mx, dy = y[rows[k]!]! - my;
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

/** The graphical lasso's options resolved, its start W = S + lambda I, and the mean |S_ij| off the diagonal (the convergence scale). */
export function lassoStart(s: Float64Array, p: number, lambda: number, options: { maxIterations?: number; tolerance?: number }): { maxIt: number; tol: number; w: Float64Array; avgAbsS: number } {
  const w = Float64Array.from(s);
  for (let j = 0; j < p; j++) w[j * p + j] = s[j * p + j]! + lambda;
  let avgAbsS = 0;
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) if (a !== b) avgAbsS += Math.abs(s[a * p + b]!);
  avgAbsS /= Math.max(1, p * (p - 1));
  return { maxIt: options.maxIterations ?? 200, tol: options.tolerance ?? 1e-4, w, avgAbsS };
}

export function softThreshold(x: number, t: number): number {
  return x > t ? x - t : x < -t ? x + t : 0;
}

/**
 * Graphical lasso by block coordinate descent: maximise
 * log det(Theta) - tr(S Theta) - lambda * sum_{i != j} |Theta_ij|.
 *
 * The inner sums skip the lasso coefficients that are 0 (a list of the
 * nonzero ones, in increasing index order, is kept per column): the same
 * terms are added in the same order, so the result is the same bytes as the
 * dense sums (bench/baselines-reference.ts) for a finite S, only much faster
 * when the solution is sparse.
 */
export function graphicalLasso(s: Float64Array, p: number, lambda: number, options: { maxIterations?: number; tolerance?: number } = {}): GraphicalLassoResult {
  const { maxIt, tol, w, avgAbsS } = lassoStart(s, p, lambda, options);
  const beta = new Float64Array(p * p); // row j: coefficients of the j-th lasso (beta[j * p + k] for predictor k)
  const active = Array.from({ length: p }, () => new ActiveSet(p));
  let it = 0;
  let converged = false;
  for (; it < maxIt; it++) {
    let change = 0;
    for (let j = 0; j < p; j++) {
      lassoColumn(s, w, beta, active[j]!, p, j, lambda, tol);
      change += updateCovarianceColumn(w, beta, active[j]!, p, j);
    }
    if (change / (p * p) < tol * avgAbsS) {
      converged = true;
      it++;
      break;
    }
  }
  return { precision: lassoPrecision(w, beta, p), covariance: w, lambda, iterations: it, converged };
}

/** The precision matrix from the covariance estimate W and the lassos' coefficients (row j: lasso j), symmetrised. */
export function lassoPrecision(w: Float64Array, beta: Float64Array, p: number): Float64Array {
  const theta = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    let dot = 0;
    for (let k = 0; k < p; k++) if (k !== j) dot += w[k * p + j]! * beta[j * p + k]!;
    const tjj = 1 / (w[j * p + j]! - dot);
    theta[j * p + j] = tjj;
    for (let k = 0; k < p; k++) if (k !== j) theta[k * p + j] = -beta[j * p + k]! * tjj;
  }
  // symmetrise (the two estimates of each entry differ slightly before convergence)
  for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) {
    const v = (theta[a * p + b]! + theta[b * p + a]!) / 2;
    theta[a * p + b] = v;
    theta[b * p + a] = v;
  }
  return theta;
}

/** Indices of the nonzero coefficients of one lasso, kept in increasing order. */
class ActiveSet {
  readonly index: Int32Array;
  size = 0;
  constructor(p: number) {
    this.index = new Int32Array(p);
  }

  /** Record that coefficient k went from zero to nonzero or back. */
  toggle(k: number, nonzero: boolean): void {
    const idx = this.index;
    let pos = 0;
    while (pos < this.size && idx[pos]! < k) pos++;
    if (nonzero) {
      idx.copyWithin(pos + 1, pos, this.size);
      idx[pos] = k;
      this.size++;
    } else {
      idx.copyWithin(pos, pos + 1, this.size);
      this.size--;
    }
  }
}

/** The j-th lasso, min_b 1/2 b^T W11 b - b^T s12 + lambda |b|_1, by coordinate descent warm-started from beta's row j. */
function lassoColumn(s: Float64Array, w: Float64Array, beta: Float64Array, act: ActiveSet, p: number, j: number, lambda: number, tol: number): void {
  const bj = j * p, idx = act.index;
  for (let inner = 0; inner < 100; inner++) {
    let delta = 0;
    for (let k = 0; k < p; k++) {
      if (k === j) continue;
      let r = s[k * p + j]!;
      const wk = k * p;
      for (let q = 0; q < act.size; q++) {
        const l = idx[q]!;
        if (l !== k) r -= w[wk + l]! * beta[bj + l]!;
      }
      const nb = softThreshold(r, lambda) / w[wk + k]!;
      const old = beta[bj + k]!;
      delta = Math.max(delta, Math.abs(nb - old));
      beta[bj + k] = nb;
      if ((old === 0) !== (nb === 0)) act.toggle(k, nb !== 0);
    }
    if (delta < tol * 0.1) break;
  }
}

/** w12 = W11 beta for column j (both halves of W); returns the summed absolute change. */
function updateCovarianceColumn(w: Float64Array, beta: Float64Array, act: ActiveSet, p: number, j: number): number {
  const bj = j * p, idx = act.index;
  let change = 0;
  for (let k = 0; k < p; k++) {
    if (k === j) continue;
    let v = 0;
    const wk = k * p;
    for (let q = 0; q < act.size; q++) {
      const l = idx[q]!;
      v += w[wk + l]! * beta[bj + l]!;
    }
    change += Math.abs(v - w[wk + j]!);
    w[wk + j] = v;
    w[j * p + k] = v;
  }
  return change;
}

/**
 * Graphical lasso with lambda chosen by the extended BIC (Foygel & Drton 2010,
 * gamma = 0.5) over a log-spaced grid between 0.02 and 0.8 times max |S_ij|.
 */
export function graphicalLassoEbic(s: Float64Array, p: number, n: number, options: { grid?: number; gamma?: number } = {}): GraphicalLassoResult & { ebic: number } {
  return ebicPath(s, p, n, options, (lambda) => graphicalLasso(s, p, lambda));
}

/** The EBIC choice of graphicalLassoEbic with any solver for one lambda (bench/baselines-reference.ts passes the dense one). */
export function ebicPath(s: Float64Array, p: number, n: number, options: { grid?: number; gamma?: number }, solve: (lambda: number) => GraphicalLassoResult): GraphicalLassoResult & { ebic: number } {
  let maxOff = 0;
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) if (a !== b) maxOff = Math.max(maxOff, Math.abs(s[a * p + b]!));
  const steps = options.grid ?? 8;
  const gamma = options.gamma ?? 0.5;
  let best: (GraphicalLassoResult & { ebic: number }) | null = null;
  for (let k = 0; k < steps; k++) {
    const lambda = maxOff * 0.02 * Math.pow(0.8 / 0.02, k / Math.max(1, steps - 1));
    const r = solve(lambda);
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
