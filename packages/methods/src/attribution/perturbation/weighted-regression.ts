/**
 * Small dense weighted regressions for the surrogate-model methods (LIME,
 * KernelSHAP): weighted Gram matrices, Cholesky / pivoted LU solves, the
 * weighted Lasso path by coordinate descent (feature selection) and weighted
 * ridge. Everything is float64 on the host; d (the number of interpretable
 * features) is at most a few hundred, so O(n d^2) Gram products are cheap.
 */
import { choleskySolve } from '../../stats/linalg.js';

/** Weighted, weight-centred second moments of a design matrix X (n x d, row-major) and response y. */
export interface WeightedMoments {
  d: number;
  /** sum_k w_k (x_k - xbar)(x_k - xbar)^T, d x d row-major. */
  gram: Float64Array;
  /** sum_k w_k (x_k - xbar)(y_k - ybar). */
  cross: Float64Array;
  xMean: Float64Array;
  yMean: number;
  weightSum: number;
}

/** Centring by the weighted means fits the intercept implicitly (as sklearn's Ridge/Lasso with sample_weight). */
export function weightedMoments(x: ArrayLike<number>, y: ArrayLike<number>, w: ArrayLike<number>, n: number, d: number): WeightedMoments {
  let weightSum = 0;
  let yMean = 0;
  const xMean = new Float64Array(d);
  for (let k = 0; k < n; k++) {
    const wk = w[k]!;
    weightSum += wk;
    yMean += wk * y[k]!;
    for (let j = 0; j < d; j++) xMean[j]! += wk * x[k * d + j]!;
  }
  if (!(weightSum > 0)) throw new Error('weighted regression: the sample weights sum to zero');
  yMean /= weightSum;
  for (let j = 0; j < d; j++) xMean[j]! /= weightSum;
  const gram = new Float64Array(d * d);
  const cross = new Float64Array(d);
  const row = new Float64Array(d);
  for (let k = 0; k < n; k++) {
    const wk = w[k]!;
    if (wk === 0) continue;
    for (let j = 0; j < d; j++) row[j] = x[k * d + j]! - xMean[j]!;
    const yk = wk * (y[k]! - yMean);
    for (let i = 0; i < d; i++) {
      const wi = wk * row[i]!;
      if (wi === 0) continue;
      cross[i]! += row[i]! * yk;
      const base = i * d;
      for (let j = i; j < d; j++) gram[base + j]! += wi * row[j]!;
    }
  }
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) gram[i * d + j] = gram[j * d + i]!;
  return { d, gram, cross, xMean, yMean, weightSum };
}

/** Solve A x = b for a general square A (row-major n x n) by LU with partial pivoting; A and b are not modified. */
export function solveLinear(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale = Math.max(scale, Math.abs(m[i]!));
  const tiny = Math.max(scale, 1e-300) * 1e-14;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]!) > Math.abs(m[p * n + c]!)) p = r;
    if (p !== c) {
      for (let j = 0; j < n; j++) {
        const t = m[c * n + j]!;
        m[c * n + j] = m[p * n + j]!;
        m[p * n + j] = t;
      }
      const t = x[c]!;
      x[c] = x[p]!;
      x[p] = t;
    }
    // a (numerically) singular pivot: the direction is unidentified; regularise it instead of dividing by ~0
    if (Math.abs(m[c * n + c]!) < tiny) m[c * n + c] = m[c * n + c]! < 0 ? -tiny : tiny;
    const piv = m[c * n + c]!;
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c]! / piv;
      if (f === 0) continue;
      for (let j = c; j < n; j++) m[r * n + j]! -= f * m[c * n + j]!;
      x[r]! -= f * x[c]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let j = r + 1; j < n; j++) s -= m[r * n + j]! * x[j]!;
    x[r] = s / m[r * n + r]!;
  }
  return x;
}

/** Solve (A + ridge I) x = b for symmetric positive semi-definite A by Cholesky; falls back to LU if not positive definite. */
export function solveSymmetric(a: Float64Array, b: Float64Array, n: number, ridge = 0): Float64Array {
  const l = new Float64Array(n * n);
  let ok = true;
  for (let i = 0; i < n && ok; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]! + (i === j ? ridge : 0);
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(s > 0)) {
          ok = false;
          break;
        }
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j]!;
      }
    }
  }
  if (!ok) {
    const shifted = Float64Array.from(a);
    for (let i = 0; i < n; i++) shifted[i * n + i]! += ridge;
    return solveLinear(shifted, b, n);
  }
  return choleskySolve(l, n, b);
}

/** Weighted ridge on the columns `cols` of centred moments: (G_SS + alpha I) beta = c_S. Returns beta over all d (0 off `cols`). */
export function weightedRidge(m: WeightedMoments, cols: ArrayLike<number>, alpha: number): Float64Array {
  const k = cols.length;
  const a = new Float64Array(k * k);
  const b = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    b[i] = m.cross[cols[i]!]!;
    for (let j = 0; j < k; j++) a[i * k + j] = m.gram[cols[i]! * m.d + cols[j]!]!;
  }
  // a hair of ridge keeps alpha = 0 solvable when a selected feature never varies
  let trace = 0;
  for (let i = 0; i < k; i++) trace += a[i * k + i]!;
  const jitter = alpha > 0 ? 0 : 1e-12 * Math.max(trace / Math.max(k, 1), 1e-300);
  const beta = solveSymmetric(a, b, k, alpha + jitter);
  const out = new Float64Array(m.d);
  for (let i = 0; i < k; i++) out[cols[i]!] = beta[i]!;
  return out;
}

/**
 * Coordinate descent for min_beta 1/2 beta^T G beta - c^T beta + lambda |beta|_1 (the weighted
 * Lasso (1/2W) sum w (y - X beta)^2 + lambda |beta|_1 in Gram form, G and c already divided by W).
 * `beta` is the warm start and is updated in place; `grad` = c - G beta (initialised by the caller) carries c and is kept in step.
 */
function lassoCoordinateDescent(g: Float64Array, d: number, lambda: number, beta: Float64Array, grad: Float64Array, tol: number, maxSweeps: number): void {
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let maxChange = 0;
    let maxBeta = 0;
    for (let j = 0; j < d; j++) {
      const gjj = g[j * d + j]!;
      if (gjj <= 0) continue;
      const rho = grad[j]! + gjj * beta[j]!;
      const next = rho > lambda ? (rho - lambda) / gjj : rho < -lambda ? (rho + lambda) / gjj : 0;
      const delta = next - beta[j]!;
      if (delta === 0) continue;
      beta[j] = next;
      for (let i = 0; i < d; i++) grad[i]! -= delta * g[i * d + j]!;
      maxChange = Math.max(maxChange, Math.abs(delta) * Math.sqrt(gjj));
      maxBeta = Math.max(maxBeta, Math.abs(next) * Math.sqrt(gjj));
    }
    if (maxChange <= tol * Math.max(maxBeta, 1e-300)) return;
  }
}

function nonZero(beta: Float64Array): number[] {
  const out: number[] = [];
  beta.forEach((b, j) => {
    if (b !== 0) out.push(j);
  });
  return out;
}

/**
 * The K features a weighted Lasso admits first: follow the regularisation path from
 * lambda_max (all zero) down a geometric grid with warm starts, and at the first lambda
 * with more than K non-zero coefficients bisect (in log lambda) back to a point with exactly K.
 * This is the set LARS-Lasso reports at K active features (lime's `lasso_path` option), computed
 * by coordinate descent. Ties that no lambda separates are broken by |beta| at the denser point.
 * Features that never vary cannot be selected unless K exceeds the varying ones.
 */
export function lassoSelect(m: WeightedMoments, k: number): number[] {
  const d = m.d;
  if (k >= d) return Array.from({ length: d }, (_, j) => j);
  const w = m.weightSum;
  const g = Float64Array.from(m.gram, (v) => v / w);
  const c = Float64Array.from(m.cross, (v) => v / w);
  let lambdaMax = 0;
  for (let j = 0; j < d; j++) if (g[j * d + j]! > 0) lambdaMax = Math.max(lambdaMax, Math.abs(c[j]!));
  const byCorrelation = (exclude: Set<number>): number[] =>
    Array.from({ length: d }, (_, j) => j)
      .filter((j) => !exclude.has(j))
      .sort((a, b) => Math.abs(c[b]!) / Math.sqrt(Math.max(g[b * d + b]!, 1e-300)) - Math.abs(c[a]!) / Math.sqrt(Math.max(g[a * d + a]!, 1e-300)) || a - b);
  const complete = (chosen: number[], candidates: number[]): number[] => {
    const set = new Set(chosen);
    for (const j of candidates) {
      if (set.size >= k) break;
      set.add(j);
    }
    for (const j of byCorrelation(set)) {
      if (set.size >= k) break;
      set.add(j);
    }
    return [...set].sort((a, b) => a - b);
  };
  if (!(lambdaMax > 0)) return complete([], []);
  const tol = 1e-9;
  const sweeps = 2000;
  const steps = 120;
  const minRatio = 1e-7;
  let beta = new Float64Array(d);
  let grad = Float64Array.from(c);
  let loLambda = lambdaMax;
  let loBeta = Float64Array.from(beta);
  let loGrad = Float64Array.from(grad);
  for (let t = 1; t <= steps; t++) {
    const lambda = lambdaMax * minRatio ** (t / steps);
    lassoCoordinateDescent(g, d, lambda, beta, grad, tol, sweeps);
    const count = nonZero(beta).length;
    if (count === k) return nonZero(beta);
    if (count < k) {
      loLambda = lambda;
      loBeta = Float64Array.from(beta);
      loGrad = Float64Array.from(grad);
      continue;
    }
    // overshot: bisect between loLambda (<= k active) and lambda (> k active)
    let hiLambda = lambda;
    let hiBeta = beta;
    for (let it = 0; it < 50; it++) {
      const mid = Math.sqrt(loLambda * hiLambda);
      const b = Float64Array.from(loBeta);
      const gr = Float64Array.from(loGrad);
      lassoCoordinateDescent(g, d, mid, b, gr, tol, sweeps);
      const cnt = nonZero(b).length;
      if (cnt === k) return nonZero(b);
      if (cnt < k) {
        loLambda = mid;
        loBeta = b;
        loGrad = gr;
      } else {
        hiLambda = mid;
        hiBeta = b;
      }
      if (hiLambda / loLambda < 1 + 1e-12) break;
    }
    const denser = nonZero(hiBeta).sort((a, b2) => Math.abs(hiBeta[b2]!) - Math.abs(hiBeta[a]!) || a - b2);
    return complete(nonZero(loBeta), denser);
  }
  return complete(nonZero(beta), []);
}
