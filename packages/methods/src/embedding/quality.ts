/**
 * Quality figures of an embedding:
 *  - trustworthiness (Venna & Kaski 2001; scikit-learn's definition): how far
 *    the k nearest neighbours in the embedding are from being neighbours in
 *    the data, 1 = every embedded neighbourhood is a true one;
 *  - k-NN label agreement: the mean share of each point's k nearest embedded
 *    neighbours that have its label, and the leave-one-out k-NN
 *    classification accuracy (majority vote, ties to the nearer neighbour).
 * Both are exact (O(n^2) distances); with `maxRows` below n, a seeded sample
 * of rows is scored against all rows.
 */
import { toGenerator, type Generator } from '@relevance/core-wasm';

export interface QualityOptions {
  k?: number;
  /** Score at most this many rows (a seeded sample), each against all rows (default 5000). */
  maxRows?: number;
  seed?: number | Generator;
}

function sampleRows(n: number, maxRows: number, seed: number | Generator | undefined): Int32Array {
  if (n <= maxRows) return Int32Array.from({ length: n }, (_, i) => i);
  const p = toGenerator(seed ?? 0).permutation(n).slice(0, maxRows);
  return p.sort();
}

function distancesFrom(data: ArrayLike<number>, n: number, cols: number, i: number, out: Float64Array): void {
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let c = 0; c < cols; c++) {
      const v = data[i * cols + c]! - data[j * cols + c]!;
      s += v * v;
    }
    out[j] = s;
  }
}

/** Indices of all other rows ordered by distance (ties: lower index). */
function ranked(dist: Float64Array, n: number, self: number): Int32Array {
  const order = new Int32Array(n - 1);
  let t = 0;
  for (let j = 0; j < n; j++) if (j !== self) order[t++] = j;
  return order.sort((a, b) => dist[a]! - dist[b]! || a - b);
}

/** Trustworthiness of embedding `y` ([n, dims]) of data `x` ([n, cols]) at k neighbours. */
export function trustworthiness(x: ArrayLike<number>, cols: number, y: ArrayLike<number>, dims: number, n: number, options: QualityOptions = {}): number {
  const k = options.k ?? 5;
  if (!(Number.isInteger(k) && k >= 1 && k < n / 2)) throw new RangeError(`trustworthiness: k must be an integer in [1, n/2) = [1, ${Math.ceil(n / 2) - 1}], got ${k}`);
  const rows = sampleRows(n, options.maxRows ?? 5000, options.seed);
  const dx = new Float64Array(n);
  const dy = new Float64Array(n);
  const rank = new Int32Array(n);
  let penalty = 0;
  for (const i of rows) {
    distancesFrom(x, n, cols, i, dx);
    distancesFrom(y, n, dims, i, dy);
    const inX = ranked(dx, n, i);
    inX.forEach((j, r) => (rank[j] = r + 1));
    const inY = ranked(dy, n, i);
    for (let t = 0; t < k; t++) {
      const r = rank[inY[t]!]!;
      if (r > k) penalty += r - k;
    }
  }
  const m = rows.length;
  return 1 - (2 / (m * k * (2 * n - 3 * k - 1))) * penalty;
}

export interface LabelAgreement {
  /** Mean share of the k nearest embedded neighbours with the point's label. */
  agreement: number;
  /** Leave-one-out k-NN classification accuracy in the embedding. */
  accuracy: number;
  k: number;
}

/** k-NN label agreement of an embedding ([n, dims]) with labels (one per row). */
export function knnLabelAgreement(y: ArrayLike<number>, dims: number, labels: ReadonlyArray<string | number>, options: QualityOptions = {}): LabelAgreement {
  const n = labels.length;
  const k = options.k ?? 10;
  if (!(Number.isInteger(k) && k >= 1 && k < n)) throw new RangeError(`knnLabelAgreement: k must be an integer in [1, ${n - 1}], got ${k}`);
  if (y.length !== n * dims) throw new RangeError(`knnLabelAgreement: ${y.length} coordinates are not ${n} rows of ${dims}`);
  const rows = sampleRows(n, options.maxRows ?? 5000, options.seed);
  const d = new Float64Array(n);
  let agree = 0;
  let correct = 0;
  for (const i of rows) {
    distancesFrom(y, n, dims, i, d);
    const nn = ranked(d, n, i).subarray(0, k);
    const votes = new Map<string | number, number>();
    let same = 0;
    for (const j of nn) {
      if (labels[j] === labels[i]) same++;
      votes.set(labels[j]!, (votes.get(labels[j]!) ?? 0) + 1);
    }
    agree += same / k;
    let best: string | number = labels[nn[0]!]!;
    for (const j of nn) if (votes.get(labels[j]!)! > votes.get(best)!) best = labels[j]!;
    if (best === labels[i]) correct++;
  }
  return { agreement: agree / rows.length, accuracy: correct / rows.length, k };
}
