/**
 * Spectral clustering pieces in float64 on the host: a symmetric k-nearest-
 * neighbour affinity, the leading eigenvectors of the normalised affinity
 * D^-1/2 W D^-1/2 (= the smallest of the normalised Laplacian
 * I - D^-1/2 W D^-1/2), the eigengap heuristic, and seeded k-means++.
 */
import type { Generator } from '@relevance/core-wasm';
import { rayleighRitzMatrix, symmetricEigen } from '../embedding/symmetric-eigen.js';

/** Sparse symmetric affinity as adjacency lists (row -> [col, weight]). */
export interface Affinity {
  n: number;
  cols: Int32Array[];
  weights: Float64Array[];
}

/**
 * W = (A + Aᵀ) / 2 with A[i, j] = 1 when j is among the k nearest neighbours
 * of i (Euclidean; ties by index) — scikit-learn's 'nearest_neighbors' affinity.
 */
export function knnAffinity(x: Float64Array, n: number, d: number, k: number): Affinity {
  const neighbours: Int32Array[] = [];
  // the k nearest of each row by insertion into a sorted list of k (ties: lower index first)
  const bestD = new Float64Array(k);
  const bestJ = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    let filled = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let s = 0;
      for (let f = 0; f < d; f++) s += (x[i * d + f]! - x[j * d + f]!) ** 2;
      if (filled === k && s >= bestD[k - 1]!) continue;
      let p = filled < k ? filled++ : k - 1;
      while (p > 0 && bestD[p - 1]! > s) {
        bestD[p] = bestD[p - 1]!;
        bestJ[p] = bestJ[p - 1]!;
        p--;
      }
      bestD[p] = s;
      bestJ[p] = j;
    }
    neighbours.push(bestJ.slice(0, filled));
  }
  const maps: Array<Map<number, number>> = Array.from({ length: n }, () => new Map());
  for (let i = 0; i < n; i++) {
    for (const j of neighbours[i]!) {
      maps[i]!.set(j, (maps[i]!.get(j) ?? 0) + 0.5);
      maps[j]!.set(i, (maps[j]!.get(i) ?? 0) + 0.5);
    }
  }
  const cols: Int32Array[] = [];
  const weights: Float64Array[] = [];
  for (const m of maps) {
    const keys = [...m.keys()].sort((a, b) => a - b);
    cols.push(Int32Array.from(keys));
    weights.push(Float64Array.from(keys, (c) => m.get(c)!));
  }
  return { n, cols, weights };
}

export interface Spectrum {
  /** Eigenvalues of the normalised Laplacian, ascending (the first `count`). */
  values: Float64Array;
  /** Matching eigenvectors as columns of a row-major n x count matrix. */
  vectors: Float64Array;
  count: number;
}

/** 1 / sqrt(degree) per row (0 for an isolated row). */
function inverseSqrtDegrees(w: Affinity): Float64Array {
  return Float64Array.from(w.weights, (ws) => {
    let deg = 0;
    for (const v of ws) deg += v;
    return deg > 0 ? 1 / Math.sqrt(deg) : 0;
  });
}

/** Dense S = D^-1/2 W D^-1/2. */
function normalisedAffinity(w: Affinity, invSqrtDeg: Float64Array): Float64Array {
  const n = w.n;
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const c = w.cols[i]!;
    const v = w.weights[i]!;
    for (let t = 0; t < c.length; t++) s[i * n + c[t]!] = v[t]! * invSqrtDeg[i]! * invSqrtDeg[c[t]!]!;
  }
  return s;
}

/**
 * The `count` smallest eigenpairs of the normalised Laplacian. Dense Jacobi
 * (exact) up to `denseLimit` rows; beyond, subspace iteration with
 * Rayleigh–Ritz on (S + I) / 2 (S applied sparsely), from a seeded start.
 */
export function laplacianSpectrum(w: Affinity, count: number, generator: Generator, denseLimit = 700): Spectrum {
  const n = w.n;
  count = Math.min(count, n);
  const invSqrtDeg = inverseSqrtDegrees(w);
  if (n <= denseLimit) {
    const e = symmetricEigen(normalisedAffinity(w, invSqrtDeg), n);
    // S's eigenvalues descending = Laplacian's ascending (1 - mu)
    const values = Float64Array.from({ length: count }, (_, i) => 1 - e.values[i]!);
    const vectors = new Float64Array(n * count);
    for (let r = 0; r < n; r++) for (let c = 0; c < count; c++) vectors[r * count + c] = e.vectors[r * n + c]!;
    return { values, vectors, count };
  }
  const m = Math.min(n, count + 8);
  let q: Float64Array = Float64Array.from({ length: n * m }, () => generator.normal());
  // (S + I) / 2 times a block, S applied sparsely from the adjacency lists: O(n · neighbours · m)
  const multiply = (v: Float64Array): Float64Array => {
    const out = new Float64Array(n * m);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < m; c++) out[i * m + c] = 0.5 * v[i * m + c]!;
      const cols = w.cols[i]!;
      const ws = w.weights[i]!;
      for (let t = 0; t < cols.length; t++) {
        const j = cols[t]!;
        const sij = 0.5 * ws[t]! * invSqrtDeg[i]! * invSqrtDeg[j]!;
        for (let c = 0; c < m; c++) out[i * m + c] += sij * v[j * m + c]!;
      }
    }
    return out;
  };
  const orthonormalise = (v: Float64Array): void => {
    for (let c = 0; c < m; c++) {
      for (let p = 0; p < c; p++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += v[i * m + c]! * v[i * m + p]!;
        for (let i = 0; i < n; i++) v[i * m + c] -= dot * v[i * m + p]!;
      }
      let norm = 0;
      for (let i = 0; i < n; i++) norm += v[i * m + c]! ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let i = 0; i < n; i++) v[i * m + c] /= norm;
    }
  };
  orthonormalise(q);
  for (let it = 0; it < 300; it++) {
    q = multiply(q);
    orthonormalise(q);
  }
  // Rayleigh-Ritz: eigen-decompose Qᵀ A Q
  const aq = multiply(q);
  const small = rayleighRitzMatrix(q, aq, n, m);
  const e = symmetricEigen(small, m);
  const values = Float64Array.from({ length: count }, (_, i) => 1 - (2 * e.values[i]! - 1));
  const vectors = new Float64Array(n * count);
  for (let r = 0; r < n; r++) for (let c = 0; c < count; c++) {
    let t = 0;
    for (let a = 0; a < m; a++) t += q[r * m + a]! * e.vectors[a * m + c]!;
    vectors[r * count + c] = t;
  }
  return { values, vectors, count };
}

/** k = the position of the largest gap among the first maxK + 1 ascending eigenvalues (at least 1). */
export function eigengapK(values: Float64Array, maxK: number): { k: number; gaps: Float64Array } {
  const last = Math.min(maxK, values.length - 1);
  const gaps = new Float64Array(last);
  let k = 1;
  for (let i = 1; i <= last; i++) {
    gaps[i - 1] = values[i]! - values[i - 1]!;
    if (gaps[i - 1]! > gaps[k - 1]! + 1e-12) k = i;
  }
  return { k, gaps };
}

/** k-means (k-means++ seeding, Lloyd steps), best of `restarts` by inertia; ties keep the first. */
export function kMeans(x: Float64Array, n: number, d: number, k: number, generator: Generator, restarts = 10, maxIterations = 300): { labels: Int32Array; inertia: number } {
  let best: { labels: Int32Array; inertia: number } | null = null;
  for (let r = 0; r < restarts; r++) {
    const centres = new Float64Array(k * d);
    const first = generator.int(n);
    centres.set(x.subarray(first * d, first * d + d), 0);
    const nearest = new Float64Array(n).fill(Infinity);
    for (let c = 1; c <= k; c++) {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let f = 0; f < d; f++) s += (x[i * d + f]! - centres[(c - 1) * d + f]!) ** 2;
        nearest[i] = Math.min(nearest[i]!, s);
      }
      if (c === k) break;
      let total = 0;
      for (const v of nearest) total += v;
      let u = generator.uniform() * total;
      let pick = n - 1;
      for (let i = 0; i < n; i++) {
        u -= nearest[i]!;
        if (u < 0) {
          pick = i;
          break;
        }
      }
      centres.set(x.subarray(pick * d, pick * d + d), c * d);
    }
    const labels = new Int32Array(n);
    let inertia = Infinity;
    for (let it = 0; it < maxIterations; it++) {
      let changed = false;
      inertia = 0;
      for (let i = 0; i < n; i++) {
        let bestC = 0;
        let bestD = Infinity;
        for (let c = 0; c < k; c++) {
          let s = 0;
          for (let f = 0; f < d; f++) s += (x[i * d + f]! - centres[c * d + f]!) ** 2;
          if (s < bestD) {
            bestD = s;
            bestC = c;
          }
        }
        if (labels[i] !== bestC || it === 0) changed = changed || labels[i] !== bestC;
        labels[i] = bestC;
        inertia += bestD;
      }
      const sums = new Float64Array(k * d);
      const counts = new Float64Array(k);
      for (let i = 0; i < n; i++) {
        counts[labels[i]!]++;
        for (let f = 0; f < d; f++) sums[labels[i]! * d + f] += x[i * d + f]!;
      }
      for (let c = 0; c < k; c++) if (counts[c]! > 0) for (let f = 0; f < d; f++) centres[c * d + f] = sums[c * d + f]! / counts[c]!;
      if (!changed && it > 0) break;
    }
    if (!best || inertia < best.inertia - 1e-12) best = { labels, inertia };
  }
  return best!;
}
