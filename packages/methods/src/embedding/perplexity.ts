/**
 * Per-point perplexity calibration (van der Maaten & Hinton 2008, section 2):
 * p_{j|i} = exp(-beta_i d_ij^2) / sum_k exp(-beta_i d_ik^2), with beta_i found
 * by a safeguarded search so that the entropy H(P_i) = -sum_j p_{j|i} log p_{j|i} equals
 * log(perplexity) (natural logarithm) within `tolerance`.
 *
 * The search is Newton's method on beta (dH/dbeta = -beta Var_{P_i}(d_ij^2)),
 * safeguarded by bisection inside the bracket found so far.
 * Distances are shifted by each row's smallest distance before exponentiating:
 * the normalised probabilities are unchanged and exp never underflows to 0
 * for the nearest neighbour.
 */

export interface CalibrationOptions {
  perplexity: number;
  /** Allowed |H(P_i) - log(perplexity)| (default 1e-5). */
  tolerance?: number;
  /** Search steps before giving up on a row (default 200). */
  maxSteps?: number;
}

export interface Calibration {
  /** Conditional probabilities p_{j|i}, laid out like the distances. */
  probabilities: Float64Array;
  /** Achieved perplexity exp(H(P_i)) per row. */
  perplexities: Float64Array;
  /** The precision beta_i = 1 / (2 sigma_i^2) per row. */
  betas: Float64Array;
  /** Rows whose bisection did not reach the tolerance (duplicates, too few neighbours). */
  unconverged: number;
}

/**
 * Calibrate every row of a [rows, cols] matrix of squared distances.
 * `self(i)` is the column of row i's own entry (skipped), or -1 when the
 * row holds only other points (k-nearest-neighbour layout).
 */
export function calibratePerplexity(distances: ArrayLike<number>, rows: number, cols: number, self: (row: number) => number, options: CalibrationOptions): Calibration {
  const { perplexity } = options;
  const tolerance = options.tolerance ?? 1e-5;
  const maxSteps = options.maxSteps ?? 200;
  const target = Math.log(perplexity);
  const probabilities = new Float64Array(rows * cols);
  const perplexities = new Float64Array(rows);
  const betas = new Float64Array(rows);
  const shifted = new Float64Array(cols);
  let unconverged = 0;
  for (let i = 0; i < rows; i++) {
    const skip = self(i);
    let dmin = Infinity;
    let dsum = 0;
    let count = 0;
    for (let j = 0; j < cols; j++) {
      if (j === skip) continue;
      const d = distances[i * cols + j]!;
      if (d < dmin) dmin = d;
      dsum += d;
      count++;
    }
    for (let j = 0; j < cols; j++) shifted[j] = j === skip ? 0 : distances[i * cols + j]! - dmin;
    // start at the scale of the row's distances so the bisection is scale free
    const spread = dsum / count - dmin;
    let beta = spread > 0 ? 1 / spread : 1;
    let lo = 0;
    let hi = Infinity;
    let entropy = 0;
    let converged = false;
    let used = beta;
    const p = probabilities.subarray(i * cols, (i + 1) * cols);
    for (let step = 0; step < maxSteps; step++) {
      used = beta;
      let sum = 0;
      let first = 0;
      let second = 0;
      for (let j = 0; j < cols; j++) {
        if (j === skip) {
          p[j] = 0;
          continue;
        }
        const dj = shifted[j]!;
        const e = Math.exp(-beta * dj);
        p[j] = e;
        sum += e;
        first += e * dj;
        second += e * dj * dj;
      }
      const mean = first / sum;
      // H = log(sum) + beta * E[d'] for the shifted distances d'
      entropy = Math.log(sum) + beta * mean;
      for (let j = 0; j < cols; j++) p[j]! /= sum;
      const diff = entropy - target;
      if (Math.abs(diff) <= tolerance) {
        converged = true;
        break;
      }
      // bracket beta: a too flat distribution (diff > 0) needs a larger beta
      if (diff > 0) lo = beta;
      else hi = beta;
      // Newton on H(beta), dH/dbeta = -beta Var(d'), kept inside the bracket; else bisect
      const variance = second / sum - mean * mean;
      const newton = beta + diff / (beta * variance);
      if (variance > 0 && Number.isFinite(newton) && newton > lo && newton < hi) beta = newton;
      else beta = hi === Infinity ? beta * 2 : (lo + hi) / 2;
    }
    if (!converged) unconverged++;
    perplexities[i] = Math.exp(entropy);
    betas[i] = used;
  }
  return { probabilities, perplexities, betas, unconverged };
}
