/**
 * Eigen-decomposition of a small dense symmetric matrix by cyclic Jacobi
 * rotations (Golub & Van Loan, Algorithm 8.4.3), in float64. Accurate for
 * any spectrum, including repeated eigenvalues; O(p^3) per sweep, meant for
 * p up to a few hundred.
 */

export interface SymmetricEigen {
  /** Eigenvalues, descending. */
  values: Float64Array;
  /** Eigenvectors as columns of a row-major p x p matrix, in the order of `values`. */
  vectors: Float64Array;
}

export function symmetricEigen(matrix: ArrayLike<number>, p: number, maxSweeps = 100): SymmetricEigen {
  const a = Float64Array.from(matrix as ArrayLike<number>);
  const v = new Float64Array(p * p);
  for (let i = 0; i < p; i++) v[i * p + i] = 1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) {
        const x = a[i * p + j]! ** 2;
        total += x;
        if (i !== j) off += x;
      }
    }
    if (off <= 1e-30 * total || off === 0) break;
    for (let q = 1; q < p; q++) {
      for (let r = 0; r < q; r++) {
        const apq = a[r * p + q]!;
        if (apq === 0) continue;
        const app = a[r * p + r]!;
        const aqq = a[q * p + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // A <- J^T A J on rows/columns r and q
        for (let k = 0; k < p; k++) {
          const akr = a[k * p + r]!;
          const akq = a[k * p + q]!;
          a[k * p + r] = c * akr - s * akq;
          a[k * p + q] = s * akr + c * akq;
        }
        for (let k = 0; k < p; k++) {
          const ark = a[r * p + k]!;
          const aqk = a[q * p + k]!;
          a[r * p + k] = c * ark - s * aqk;
          a[q * p + k] = s * ark + c * aqk;
        }
        for (let k = 0; k < p; k++) {
          const vkr = v[k * p + r]!;
          const vkq = v[k * p + q]!;
          v[k * p + r] = c * vkr - s * vkq;
          v[k * p + q] = s * vkr + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: p }, (_, i) => i).sort((x, y) => a[y * p + y]! - a[x * p + x]! || x - y);
  const values = Float64Array.from(order, (i) => a[i * p + i]!);
  const vectors = new Float64Array(p * p);
  order.forEach((src, dst) => {
    for (let k = 0; k < p; k++) vectors[k * p + dst] = v[k * p + src]!;
  });
  return { values, vectors };
}

/**
 * The Rayleigh-Ritz matrix Yᵀ Z of row-major [rows, m] Y and Z = A Y, made
 * exactly symmetric by averaging it with its transpose (A is symmetric).
 */
export function rayleighRitzMatrix(y: ArrayLike<number>, z: ArrayLike<number>, rows: number, m: number): Float64Array {
  const small = new Float64Array(m * m);
  for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) {
    let t = 0;
    for (let i = 0; i < rows; i++) t += y[i * m + a]! * z[i * m + b]!;
    small[a * m + b] = t;
  }
  for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) small[a * m + b] = small[b * m + a] = (small[a * m + b]! + small[b * m + a]!) / 2;
  return small;
}

/**
 * Modified Gram-Schmidt on the columns of a row-major [rows, cols] matrix, in
 * place: each column against the unit vector `against` (when given) and the
 * earlier columns, `passes` times, then normalised (a zero column stays zero).
 */
export function orthonormaliseColumns(m: Float64Array, rows: number, cols: number, passes = 1, against: Float64Array | null = null): void {
  for (let c = 0; c < cols; c++) {
    for (let pass = 0; pass < passes; pass++) {
      if (against) {
        let dot = 0;
        for (let r = 0; r < rows; r++) dot += m[r * cols + c]! * against[r]!;
        for (let r = 0; r < rows; r++) m[r * cols + c]! -= dot * against[r]!;
      }
      for (let prev = 0; prev < c; prev++) {
        let dot = 0;
        for (let r = 0; r < rows; r++) dot += m[r * cols + c]! * m[r * cols + prev]!;
        for (let r = 0; r < rows; r++) m[r * cols + c]! -= dot * m[r * cols + prev]!;
      }
    }
    let norm = 0;
    for (let r = 0; r < rows; r++) norm += m[r * cols + c]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let r = 0; r < rows; r++) m[r * cols + c]! /= norm;
  }
}

/**
 * A B in float64 for row-major A [rows, aCols] and B [aCols, >= cols] with
 * row stride bStride: the first `cols` columns of the product, [rows, cols].
 */
export function matrixProduct(a: ArrayLike<number>, aCols: number, b: ArrayLike<number>, bStride: number, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < cols; c++) {
      let s = 0;
      for (let j = 0; j < aCols; j++) s += a[i * aCols + j]! * b[j * bStride + c]!;
      out[i * cols + c] = s;
    }
  }
  return out;
}
