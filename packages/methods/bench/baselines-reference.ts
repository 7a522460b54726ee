/**
 * The baselines' kernels as they were before they were made fast at the
 * pan-cancer size (copied unchanged from src/stats/networks.ts and
 * information.ts at main 79f23f5), kept as the reference the fast ones must
 * match byte for byte: test/stats/baselines-fast.test.ts compares them on
 * awkward shapes, bench/baselines-scale.ts times both in the same process.
 * Not exported from the package.
 */
import { rank } from '../src/stats/descriptive.js';
import { logDetSpd } from '../src/stats/linalg.js';
import type { DataMatrix, GraphicalLassoResult } from '../src/stats/networks.js';

function column(d: DataMatrix, j: number): Float64Array {
  const c = new Float64Array(d.rows);
  for (let i = 0; i < d.rows; i++) c[i] = d.values[i * d.cols + j]!;
  return c;
}

/** Pearson correlation matrix (p x p) with pairwise-complete observations. */
export function referenceCorrelationMatrix(d: DataMatrix, method: 'pearson' | 'spearman' = 'pearson'): Float64Array {
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

function softThreshold(x: number, t: number): number {
  return x > t ? x - t : x < -t ? x + t : 0;
}

/**
 * Graphical lasso by block coordinate descent: maximise
 * log det(Theta) - tr(S Theta) - lambda * sum_{i != j} |Theta_ij|.
 */
export function referenceGraphicalLasso(s: Float64Array, p: number, lambda: number, options: { maxIterations?: number; tolerance?: number } = {}): GraphicalLassoResult {
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
export function referenceGraphicalLassoEbic(s: Float64Array, p: number, n: number, options: { grid?: number; gamma?: number } = {}): GraphicalLassoResult & { ebic: number } {
  let maxOff = 0;
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) if (a !== b) maxOff = Math.max(maxOff, Math.abs(s[a * p + b]!));
  const steps = options.grid ?? 8;
  const gamma = options.gamma ?? 0.5;
  let best: (GraphicalLassoResult & { ebic: number }) | null = null;
  for (let k = 0; k < steps; k++) {
    const lambda = maxOff * 0.02 * Math.pow(0.8 / 0.02, k / Math.max(1, steps - 1));
    const r = referenceGraphicalLasso(s, p, lambda);
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

/**
 * Bayesian-blocks bin edges of a sample (Scargle 2013, event data on the
 * sorted unique values), as Discretizers.jl computes them: O(u^2) in the
 * number u of unique values.
 */
export function referenceBayesianBlocksEdges(values: ArrayLike<number>): Float64Array {
  const sorted = Float64Array.from(values).sort();
  const uniq: number[] = [], counts: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0 && sorted[i] === sorted[i - 1]) counts[counts.length - 1]!++;
    else { uniq.push(sorted[i]!); counts.push(1); }
  }
  const n = uniq.length;
  const edges = new Float64Array(n + 1);
  edges[0] = uniq[0]!;
  for (let i = 0; i < n - 1; i++) edges[i + 1] = 0.5 * (uniq[i]! + uniq[i + 1]!);
  edges[n] = uniq[n - 1]!;
  const blockLength = edges.map((e) => uniq[n - 1]! - e);
  const countVec = new Float64Array(n), best = new Float64Array(n);
  const last = new Int32Array(n);
  for (let K = 1; K <= n; K++) {
    const prior = 4 - Math.log(73.53 * 0.05 * Math.pow(K, -0.478));
    let bestFit = -Infinity, arg = 0;
    for (let i = 0; i < K; i++) {
      countVec[i] = countVec[i]! + counts[K - 1]!;
      const width = blockLength[i]! - blockLength[K]!;
      let fit = countVec[i]! * Math.log(countVec[i]! / width) - prior;
      if (i > 0) fit += best[i - 1]!;
      if (fit > bestFit) { bestFit = fit; arg = i; } // first maximum, as Julia's indmax
    }
    last[K - 1] = arg;
    best[K - 1] = bestFit;
  }
  const cps: number[] = [];
  let ind = n;
  for (;;) {
    cps.push(ind);
    if (ind === 0) break;
    ind = last[ind - 1]!;
  }
  return Float64Array.from(cps.reverse().map((k) => edges[k]!));
}

