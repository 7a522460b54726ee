/**
 * Approximate k nearest neighbours by NN-descent (Dong, Moses & Li 2011), as
 * pynndescent / umap-learn use it: random initial neighbour lists from the
 * seeded Generator, then local joins of new and old neighbours (and reverse
 * neighbours) until fewer than delta * n * k lists change. Euclidean on the
 * host, squared distances in float64; self is excluded. Deterministic for a seed.
 */
import type { Generator } from '@relevance/core-wasm';
import type { HostMatrix, NearestNeighbours } from './pairwise-distances.js';

export interface NnDescentOptions {
  /** Most join rounds (default 12). */
  maxIterations?: number;
  /** Stop when fewer than delta * n * k updates happen in a round (default 0.001). */
  delta?: number;
  /** Candidates sampled per list per round (default k). */
  maxCandidates?: number;
}

function sqdist(d: Float32Array, cols: number, a: number, b: number): number {
  let s = 0;
  const oa = a * cols;
  const ob = b * cols;
  for (let j = 0; j < cols; j++) {
    const t = d[oa + j]! - d[ob + j]!;
    s += t * t;
  }
  return s;
}

/** k approximate nearest neighbours of every row (self excluded), nearest first. */
export function nnDescent(x: HostMatrix, k: number, generator: Generator, options: NnDescentOptions = {}): NearestNeighbours {
  const { rows: n, cols, data } = x;
  if (!Number.isInteger(k) || k < 1 || k > n - 1) throw new RangeError(`nnDescent: k must be an integer in [1, ${n - 1}], got ${k}`);
  const maxIterations = options.maxIterations ?? 12;
  const delta = options.delta ?? 0.001;
  const maxCandidates = options.maxCandidates ?? k;
  // per row: a max-heap of (distance, index, isNew)
  const hd = new Float64Array(n * k).fill(Infinity);
  const hi = new Int32Array(n * k).fill(-1);
  const hn = new Uint8Array(n * k);

  const contains = (i: number, j: number): boolean => {
    const o = i * k;
    for (let t = 0; t < k; t++) if (hi[o + t] === j) return true;
    return false;
  };
  /** Push j into i's heap if closer than the current farthest; returns 1 on change. */
  const push = (i: number, j: number, d: number): number => {
    const o = i * k;
    if (d >= hd[o]! || contains(i, j)) return 0;
    // replace the top (farthest) and sift down
    hd[o] = d;
    hi[o] = j;
    hn[o] = 1;
    let p = 0;
    for (;;) {
      const l = 2 * p + 1;
      if (l >= k) break;
      const r = l + 1;
      let m = l;
      if (r < k && hd[o + r]! > hd[o + l]!) m = r;
      if (hd[o + m]! <= hd[o + p]!) break;
      const td = hd[o + m]!; hd[o + m] = hd[o + p]!; hd[o + p] = td;
      const ti = hi[o + m]!; hi[o + m] = hi[o + p]!; hi[o + p] = ti;
      const tn = hn[o + m]!; hn[o + m] = hn[o + p]!; hn[o + p] = tn;
      p = m;
    }
    return 1;
  };

  for (let i = 0; i < n; i++) {
    let added = 0;
    let guard = 0;
    while (added < k && guard++ < 20 * k) {
      const j = generator.int(n);
      if (j === i || contains(i, j)) continue;
      push(i, j, sqdist(data, cols, i, j));
      added++;
    }
  }

  const newC: number[][] = Array.from({ length: n }, () => []);
  const oldC: number[][] = Array.from({ length: n }, () => []);
  for (let it = 0; it < maxIterations; it++) {
    for (let i = 0; i < n; i++) {
      newC[i]!.length = 0;
      oldC[i]!.length = 0;
    }
    // candidates: sampled new neighbours (marked old once sampled) and old ones, both directions
    for (let i = 0; i < n; i++) {
      const o = i * k;
      for (let t = 0; t < k; t++) {
        const j = hi[o + t]!;
        if (j < 0) continue;
        if (hn[o + t]) {
          if (newC[i]!.length < maxCandidates || generator.uniform() < 0.5) {
            newC[i]!.push(j);
            newC[j]!.push(i);
            hn[o + t] = 0;
          }
        } else {
          oldC[i]!.push(j);
          oldC[j]!.push(i);
        }
      }
    }
    let updates = 0;
    for (let i = 0; i < n; i++) {
      const nw = [...new Set(newC[i]!)];
      const od = [...new Set(oldC[i]!)];
      for (let a = 0; a < nw.length; a++) {
        const u = nw[a]!;
        for (let b = a + 1; b < nw.length; b++) {
          const v = nw[b]!;
          if (u === v) continue;
          const d = sqdist(data, cols, u, v);
          updates += push(u, v, d) + push(v, u, d);
        }
        for (const v of od) {
          if (u === v) continue;
          const d = sqdist(data, cols, u, v);
          updates += push(u, v, d) + push(v, u, d);
        }
      }
    }
    if (updates <= delta * n * k) break;
  }

  // sort each list nearest first (ties: lower index)
  const indices = new Int32Array(n * k);
  const distances = new Float32Array(n * k);
  const order = Array.from({ length: k }, (_, t) => t);
  for (let i = 0; i < n; i++) {
    const o = i * k;
    order.sort((a, b) => hd[o + a]! - hd[o + b]! || hi[o + a]! - hi[o + b]!);
    order.forEach((t, r) => {
      indices[o + r] = hi[o + t]!;
      distances[o + r] = hd[o + t]!;
    });
  }
  return { k, indices, distances };
}
