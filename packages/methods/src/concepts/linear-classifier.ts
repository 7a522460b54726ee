/**
 * L2-regularised logistic regression in float64 (Newton / IRLS with a
 * Cholesky solve), the linear classifier behind a concept activation vector.
 * Minimises mean(log-loss) + l2/2 |w|^2 (the intercept is not penalised).
 * Deterministic: no randomness, a fixed number of Newton steps at most.
 */
import { cholesky, choleskySolve } from '../stats/linalg.js';

export interface LogisticFit {
  /** Weights, one per feature (float64). */
  weights: Float64Array;
  intercept: number;
  /** Training accuracy at threshold 0.5. */
  accuracy: number;
  iterations: number;
}

/**
 * Fit on rows of x ([n, width] row-major) with labels y (1 = positive).
 * `l2` defaults to 1e-2; a larger value keeps separable data finite.
 */
export function logisticRegression(x: ArrayLike<number>, width: number, y: ArrayLike<number>, options: { l2?: number; maxIterations?: number } = {}): LogisticFit {
  const n = y.length;
  const l2 = options.l2 ?? 1e-2;
  const maxIterations = options.maxIterations ?? 50;
  const p = width + 1; // last coefficient: the intercept
  const beta = new Float64Array(p);
  const row = new Float64Array(p);
  let iterations = 0;
  for (let it = 0; it < maxIterations; it++) {
    iterations = it + 1;
    const grad = new Float64Array(p);
    const hess = new Float64Array(p * p);
    for (let i = 0; i < n; i++) {
      let z = beta[width]!;
      for (let j = 0; j < width; j++) {
        row[j] = x[i * width + j]!;
        z += beta[j]! * row[j]!;
      }
      row[width] = 1;
      const mu = 1 / (1 + Math.exp(-z));
      const r = mu - y[i]!;
      const w = Math.max(mu * (1 - mu), 1e-12);
      for (let a = 0; a < p; a++) {
        grad[a] += (r * row[a]!) / n;
        const wa = (w * row[a]!) / n;
        for (let b = 0; b <= a; b++) hess[a * p + b] += wa * row[b]!;
      }
    }
    for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) hess[b * p + a] = hess[a * p + b]!;
    for (let j = 0; j < width; j++) {
      grad[j] += l2 * beta[j]!;
      hess[j * p + j] += l2;
    }
    hess[width * p + width] += 1e-10;
    const l = cholesky(hess, p);
    if (!l) break;
    const step = choleskySolve(l, p, grad);
    let size = 0;
    for (let a = 0; a < p; a++) {
      beta[a] -= step[a]!;
      size = Math.max(size, Math.abs(step[a]!));
    }
    if (size < 1e-10) break;
  }
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let z = beta[width]!;
    for (let j = 0; j < width; j++) z += beta[j]! * x[i * width + j]!;
    if ((z > 0 ? 1 : 0) === (y[i]! > 0.5 ? 1 : 0)) correct++;
  }
  return { weights: beta.slice(0, width), intercept: beta[width]!, accuracy: correct / n, iterations };
}
