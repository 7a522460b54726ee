/**
 * The baselines' kernels as they were before they were made fast at the
 * pan-cancer size (the parts that changed, copied from src/stats/networks.ts
 * and information.ts at main 79f23f5), kept as the reference the fast ones must
 * match byte for byte: test/stats/baselines-fast.test.ts compares them on
 * awkward shapes, bench/baselines-scale.ts times both in the same process.
 * Not exported from the package.
 */
import { pearson, spearman } from '../src/stats/descriptive.js';
import { bayesianBlocksEdges } from '../src/stats/information.js';
import { ebicPath, lassoPrecision, lassoStart, softThreshold, type DataMatrix, type GraphicalLassoResult } from '../src/stats/networks.js';

/**
 * Pearson or Spearman correlation matrix with pairwise-complete rows, each pair from scratch: its
 * complete rows gathered, ranked (Spearman) and correlated, NaN with fewer than 3 (as main computed it).
 */
export function referenceCorrelationMatrix(d: DataMatrix, method: 'pearson' | 'spearman' = 'pearson'): Float64Array {
  const p = d.cols;
  const out = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    out[a * p + a] = 1;
    for (let b = a + 1; b < p; b++) {
      const xs: number[] = [], ys: number[] = [];
      for (let i = 0; i < d.rows; i++) {
        const x = d.values[i * p + a]!, y = d.values[i * p + b]!;
        if (!Number.isNaN(x) && !Number.isNaN(y)) { xs.push(x); ys.push(y); }
      }
      const r = xs.length < 3 ? NaN : method === 'spearman' ? spearman(xs, ys) : pearson(xs, ys);
      if (Number.isNaN(r)) { out[a * p + b] = NaN; out[b * p + a] = NaN; continue; } // the literal NaN (0/0 has another payload)
      out[a * p + b] = r;
      out[b * p + a] = r;
    }
  }
  return out;
}

/**
 * Graphical lasso by block coordinate descent: maximise
 * log det(Theta) - tr(S Theta) - lambda * sum_{i != j} |Theta_ij|.
 */
export function referenceGraphicalLasso(s: Float64Array, p: number, lambda: number, options: { maxIterations?: number; tolerance?: number } = {}): GraphicalLassoResult {
  const { maxIt, tol, w, avgAbsS } = lassoStart(s, p, lambda, options);
  const beta = new Float64Array(p * p); // column j: coefficients of the j-th lasso
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
  const rows = new Float64Array(p * p); // beta as rows (lasso j in row j), the layout of lassoPrecision
  for (let k = 0; k < p; k++) for (let j = 0; j < p; j++) rows[j * p + k] = beta[k * p + j]!;
  return { precision: lassoPrecision(w, rows, p), covariance: w, lambda, iterations: it, converged };
}

/** graphicalLassoEbic over the dense solver. */
export function referenceGraphicalLassoEbic(s: Float64Array, p: number, n: number, options: { grid?: number; gamma?: number } = {}): GraphicalLassoResult & { ebic: number } {
  return ebicPath(s, p, n, options, (lambda) => referenceGraphicalLasso(s, p, lambda));
}

/** Bayesian-blocks edges with the O(u^2) scan over every last-change-point candidate. */
export function referenceBayesianBlocksEdges(values: ArrayLike<number>): Float64Array {
  return bayesianBlocksEdges(values, referenceLastChangePoints);
}

function referenceLastChangePoints(blockLength: Float64Array, counts: readonly number[]): Int32Array {
  const n = counts.length;
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
  return last;
}
