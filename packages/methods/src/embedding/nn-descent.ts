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

/** Per row, a max-heap of k (squared distance, index, isNew) entries, stored flat. */
interface Heaps { k: number; hd: Float64Array; hi: Int32Array; hn: Uint8Array }

function contains(h: Heaps, i: number, j: number): boolean {
  const o = i * h.k;
  for (let t = 0; t < h.k; t++) if (h.hi[o + t] === j) return true;
  return false;
}

/** Push j into i's heap if closer than the current farthest; returns 1 on change. */
function push(h: Heaps, i: number, j: number, d: number): number {
  const { k, hd, hi, hn } = h;
  const o = i * k;
  if (d >= hd[o]! || contains(h, i, j)) return 0;
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
}

/** Fills every row's heap with k random other rows. */
function randomStart(h: Heaps, x: HostMatrix, generator: Generator): void {
  const { rows: n, cols, data } = x;
  for (let i = 0; i < n; i++) {
    let added = 0;
    let guard = 0;
    while (added < h.k && guard++ < 20 * h.k) {
      const j = generator.int(n);
      if (j === i || contains(h, i, j)) continue;
      push(h, i, j, sqdist(data, cols, i, j));
      added++;
    }
  }
}

/** Candidates: sampled new neighbours (marked old once sampled) and old ones, both directions. */
function sampleCandidates(h: Heaps, n: number, maxCandidates: number, generator: Generator, newC: number[][], oldC: number[][]): void {
  for (let i = 0; i < n; i++) {
    newC[i]!.length = 0;
    oldC[i]!.length = 0;
  }
  for (let i = 0; i < n; i++) {
    const o = i * h.k;
    for (let t = 0; t < h.k; t++) {
      const j = h.hi[o + t]!;
      if (j < 0) continue;
      if (h.hn[o + t]) {
        if (newC[i]!.length < maxCandidates || generator.uniform() < 0.5) {
          newC[i]!.push(j);
          newC[j]!.push(i);
          h.hn[o + t] = 0;
        }
      } else {
        oldC[i]!.push(j);
        oldC[j]!.push(i);
      }
    }
  }
}

/** The local join: new x new and new x old candidate pairs of every row; returns how many heaps changed. */
function localJoin(h: Heaps, x: HostMatrix, newC: number[][], oldC: number[][]): number {
  const { rows: n, cols, data } = x;
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
        updates += push(h, u, v, d) + push(h, v, u, d);
      }
      for (const v of od) {
        if (u === v) continue;
        const d = sqdist(data, cols, u, v);
        updates += push(h, u, v, d) + push(h, v, u, d);
      }
    }
  }
  return updates;
}

/** Each heap as a list, nearest first (ties: lower index). */
function sortedLists(h: Heaps, n: number): NearestNeighbours {
  const { k, hd, hi } = h;
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

/** k approximate nearest neighbours of every row (self excluded), nearest first. */
export function nnDescent(x: HostMatrix, k: number, generator: Generator, options: NnDescentOptions = {}): NearestNeighbours {
  const n = x.rows;
  if (!Number.isInteger(k) || k < 1 || k > n - 1) throw new RangeError(`nnDescent: k must be an integer in [1, ${n - 1}], got ${k}`);
  const maxIterations = options.maxIterations ?? 12;
  const delta = options.delta ?? 0.001;
  const maxCandidates = options.maxCandidates ?? k;
  const heaps: Heaps = { k, hd: new Float64Array(n * k).fill(Infinity), hi: new Int32Array(n * k).fill(-1), hn: new Uint8Array(n * k) };
  randomStart(heaps, x, generator);
  const newC: number[][] = Array.from({ length: n }, () => []);
  const oldC: number[][] = Array.from({ length: n }, () => []);
  for (let it = 0; it < maxIterations; it++) {
    sampleCandidates(heaps, n, maxCandidates, generator, newC, oldC);
    if (localJoin(heaps, x, newC, oldC) <= delta * n * k) break;
  }
  return sortedLists(heaps, n);
}
