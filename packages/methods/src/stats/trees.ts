/**
 * Histogram regression trees, the engine under GENIE3 (random forests) and
 * GRNBoost2 (stochastic gradient boosting). Every feature is pre-binned once
 * into at most 256 quantile bins (as LightGBM, Ke et al. 2017); split search
 * then scans per-node histograms instead of sorted values, so an exact CART
 * split between two raw values falling in the same bin is not available
 * (with <= 256 distinct values a feature keeps all of its exact splits).
 *
 * Splits minimise the weighted squared error (CART, Breiman et al. 1984): the
 * gain of a split is S_l^2/W_l + S_r^2/W_r - S^2/W, the node's weighted
 * impurity decrease (impurity x samples). Features are drawn per node without
 * replacement as scikit-learn does: drawing continues until `maxFeatures`
 * features that are not constant in the node have been evaluated.
 */
import type { Generator, TreeNodes } from '@relevance/core-wasm';
import type { DataMatrix } from './networks.js';

/** Nodes with at most this many samples are scanned by sorting rather than by histogram. */
const SMALL_NODE = 32; // at most 32: scanSmall packs a position in the node into 5 bits
/** Nodes with at least this many samples visit every bin of a feature rather than tracking which are nonempty. */
const DENSE_NODE = 256;

/** Features binned column-major: bin of sample i in feature j at `bins[j * rows + i]`. */
export interface BinnedMatrix {
  bins: Uint8Array;
  rows: number;
  cols: number;
  /** Number of bins used by each feature (1 for a constant feature). */
  binCount: Int32Array;
}

/** Median of the non-NaN values of a column (0 when all are NaN). */
function columnMedian(values: Float64Array): number {
  const v = values.filter((x) => !Number.isNaN(x)).sort();
  if (v.length === 0) return 0;
  const h = v.length >> 1;
  return v.length % 2 ? v[h]! : (v[h - 1]! + v[h]!) / 2;
}

/** Column j of a data matrix, NaN replaced by the column median. */
export function imputedColumn(d: DataMatrix, j: number): Float64Array {
  const c = new Float64Array(d.rows);
  for (let i = 0; i < d.rows; i++) c[i] = d.values[i * d.cols + j]!;
  if (!c.some(Number.isNaN)) return c;
  const med = columnMedian(c);
  for (let i = 0; i < d.rows; i++) if (Number.isNaN(c[i]!)) c[i] = med;
  return c;
}

/**
 * Quantile binning of every column (at most `maxBins` <= 256 bins; a column
 * with few distinct values gets one bin per value). NaN values are imputed
 * by the column median first.
 */
export function binColumns(d: DataMatrix, maxBins = 256): BinnedMatrix {
  if (!Number.isInteger(maxBins) || maxBins < 2 || maxBins > 256) {
    throw new Error(`binColumns: maxBins must be an integer in [2, 256], got ${maxBins}`);
  }
  const { rows, cols } = d;
  const bins = new Uint8Array(rows * cols);
  const binCount = new Int32Array(cols);
  for (let j = 0; j < cols; j++) {
    const c = imputedColumn(d, j);
    const sorted = Float64Array.from(c).sort();
    const distinct: number[] = [];
    for (let i = 0; i < rows; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]!);
    const uppers: number[] = []; // bin b holds values <= uppers[b] (and > uppers[b-1])
    if (distinct.length <= maxBins) {
      for (let k = 0; k < distinct.length - 1; k++) uppers.push((distinct[k]! + distinct[k + 1]!) / 2);
    } else {
      for (let b = 1; b < maxBins; b++) {
        const pos = Math.floor((b * rows) / maxBins);
        const lo = sorted[pos - 1]!, hi = sorted[pos]!;
        const cut = lo === hi ? lo : (lo + hi) / 2;
        if (uppers.length === 0 || cut > uppers[uppers.length - 1]!) uppers.push(cut);
      }
    }
    binCount[j] = uppers.length + 1;
    for (let i = 0; i < rows; i++) bins[j * rows + i] = lowerBound(uppers, c[i]!);
  }
  return { bins, rows, cols, binCount };
}

/** Number of cut points strictly below v (cut points sorted increasing). */
function lowerBound(cuts: number[], v: number): number {
  let lo = 0, hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cuts[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Options of one tree fit. */
export interface TreeFitOptions {
  /** Candidate features (indices into the binned matrix). */
  candidates: Int32Array;
  /** Features evaluated per node (scikit-learn's max_features, resolved to a count). */
  maxFeatures: number;
  maxDepth: number;
  minLeaf: number;
  rng: Generator;
}

/**
 * A reusable tree builder: all buffers are allocated once per (rows, cols),
 * so fitting a tree allocates nothing. Samples enter through `sample` (row
 * indices) and `weight` (per-row weights, e.g. bootstrap counts).
 */
export class HistogramTreeBuilder {
  readonly sample: Int32Array;
  readonly weight: Float64Array;
  /** Feature importance of the last fit: summed weighted impurity decrease per feature. */
  readonly importance: Float64Array;
  /** Tree of the last fit (nodeCount nodes). */
  readonly tree: TreeNodes;
  nodeCount = 0;
  private readonly histW = new Float64Array(256);
  private readonly histS = new Float64Array(256);
  private readonly histC = new Int32Array(256);
  /** Bins present in the histogram being built, one bit each (scanned in increasing order, so empty bins cost nothing). */
  private readonly present = new Int32Array(8);
  /** The node's weights and weighted responses by position in `sample` (filled by splitNode, read by the scans). */
  private readonly nodeW: Float64Array;
  private readonly nodeWY: Float64Array;
  private readonly order: Int32Array;
  private readonly stack: Int32Array;
  /** boostStage's residuals, by row. */
  private readonly y: Float64Array;

  constructor(readonly data: BinnedMatrix) {
    const n = data.rows;
    this.sample = new Int32Array(n);
    this.weight = new Float64Array(n);
    this.importance = new Float64Array(data.cols);
    const cap = 2 * n + 1;
    this.tree = { feature: new Int32Array(cap), bin: new Int32Array(cap), left: new Int32Array(cap), right: new Int32Array(cap), value: new Float64Array(cap) };
    this.nodeW = new Float64Array(n);
    this.nodeWY = new Float64Array(n);
    this.order = new Int32Array(data.cols);
    this.stack = new Int32Array(4 * (n + 1));
    this.perm = new Int32Array(n);
    this.target = new Float64Array(n);
    this.prediction = new Float64Array(n);
    this.y = new Float64Array(n);
  }

  /**
   * Fit one tree on `sample[0..count)` with responses `y` (indexed by row)
   * and weights `weight` (indexed by row). Importances are reset and
   * accumulated as unnormalised impurity decreases; returns the total weight
   * at the root (scikit-learn divides by it).
   */
  fit(y: Float64Array, count: number, opts: TreeFitOptions): number {
    this.importance.fill(0);
    this.nodeCount = 1;
    this.order.set(opts.candidates);
    let sp = 0;
    const st = this.stack;
    st[sp++] = 0; st[sp++] = 0; st[sp++] = count; st[sp++] = 0;
    let rootW = 0;
    for (let k = 0; k < count; k++) rootW += this.weight[this.sample[k]!]!;
    while (sp > 0) {
      const depth = st[--sp]!, end = st[--sp]!, start = st[--sp]!, node = st[--sp]!;
      const split = this.splitNode(y, start, end, depth, node, opts);
      if (split < 0) continue;
      const left = this.nodeCount++, right = this.nodeCount++;
      this.tree.left[node] = left;
      this.tree.right[node] = right;
      st[sp++] = left; st[sp++] = start; st[sp++] = split; st[sp++] = depth + 1;
      st[sp++] = right; st[sp++] = split; st[sp++] = end; st[sp++] = depth + 1;
    }
    return rootW;
  }

  /** Make `node` a leaf or split it; returns the partition point, or -1 for a leaf. */
  private splitNode(y: Float64Array, start: number, end: number, depth: number, node: number, opts: TreeFitOptions): number {
    const { sample, weight, nodeW, nodeWY } = this;
    let W = 0, S = 0, Q = 0, unit = true;
    for (let k = start; k < end; k++) {
      const i = sample[k]!, w = weight[i]!, v = y[i]!;
      const wv = w * v;
      nodeW[k] = w; nodeWY[k] = wv;
      W += w; S += wv; Q += wv * v;
      if (w !== 1) unit = false;
    }
    this.unitWeights = unit;
    this.tree.feature[node] = -1;
    this.tree.value[node] = W > 0 ? S / W : 0;
    const m = end - start;
    const sse = Q - (S * S) / W;
    if (depth >= opts.maxDepth || m < 2 * opts.minLeaf || !(sse > 1e-12 * (Q + 1e-300))) return -1;
    const best = this.bestSplit(start, end, W, S, opts);
    if (best.feature < 0) return -1;
    this.importance[best.feature] += best.gain;
    this.tree.feature[node] = best.feature;
    this.tree.bin[node] = best.bin;
    return this.partition(start, end, best.feature, best.bin);
  }

  private best = { feature: -1, bin: -1, gain: 0 };

  /** Best split over features drawn without replacement until maxFeatures non-constant ones were scanned. */
  private bestSplit(start: number, end: number, W: number, S: number, opts: TreeFitOptions): { feature: number; bin: number; gain: number } {
    const { candidates, maxFeatures, minLeaf, rng } = opts;
    // order[] keeps the previous node's arrangement: a partial Fisher-Yates shuffle draws a
    // uniform sample without replacement from any starting arrangement, so no reset is needed.
    const order = this.order;
    const nc = candidates.length;
    const best = this.best;
    best.feature = -1; best.bin = -1; best.gain = 0;
    const base = (S * S) / W;
    let visited = 0;
    for (let k = 0; k < nc && visited < maxFeatures; k++) {
      const r = k + rng.int(nc - k);
      const f = order[r]!;
      order[r] = order[k]!;
      order[k] = f;
      if (this.scanFeature(start, end, f, W, S, base, minLeaf)) visited++;
    }
    return best;
  }

  /**
   * Histogram of one feature over the node and the best threshold on it; false when constant in the node.
   * The nonempty bins are visited in increasing order, the last one (no sample right of it) not
   * considered: the sums and candidates of a scan over every bin. Mid-size nodes find their nonempty
   * bins through the `present` bits instead of scanning all of the feature's bins; with unit weights
   * (GRNBoost2's in-bag samples) a bin's weight is its count, the same number as the sum of its ones.
   */
  private scanFeature(start: number, end: number, f: number, W: number, S: number, base: number, minLeaf: number): boolean {
    const m = end - start;
    if (m <= SMALL_NODE) return this.scanSmall(start, end, f, W, S, base, minLeaf);
    const { histW, histS, histC, visit } = this;
    const used = this.accumulate(start, end, f, m < DENSE_NODE);
    if (histC[visit[0]!] === m) {
      histW[visit[0]!] = 0; histS[visit[0]!] = 0; histC[visit[0]!] = 0;
      return false;
    }
    const unit = this.unitWeights;
    let wl = 0, sl = 0, cl = 0;
    for (let q = 0; q < used; q++) {
      const b = visit[q]!, c = histC[b]!;
      wl += unit ? c : histW[b]!; sl += histS[b]!; cl += c;
      histW[b] = 0; histS[b] = 0; histC[b] = 0;
      if (cl === m || cl < minLeaf || m - cl < minLeaf) continue;
      this.consider(f, b, wl, sl, W, S, base);
    }
    return true;
  }

  /** Every weight of the current node is 1 (set by splitNode). */
  private unitWeights = false;
  /** Nonempty bins of the last histogram, increasing. */
  private readonly visit = new Int32Array(256);

  /** Fill the histogram of feature f over sample[start..end) and list its nonempty bins in `visit`; returns their count. */
  private accumulate(start: number, end: number, f: number, marked: boolean): number {
    const { sample, nodeW, nodeWY, histW, histS, histC, present, visit } = this;
    const bins = this.data.bins;
    const off = f * this.data.rows;
    if (this.unitWeights) {
      if (marked) for (let k = start; k < end; k++) { const b = bins[off + sample[k]!]!; histS[b] += nodeWY[k]!; histC[b]++; present[b >> 5] |= 1 << (b & 31); }
      else for (let k = start; k < end; k++) { const b = bins[off + sample[k]!]!; histS[b] += nodeWY[k]!; histC[b]++; }
    } else if (marked) for (let k = start; k < end; k++) { const b = bins[off + sample[k]!]!; histW[b] += nodeW[k]!; histS[b] += nodeWY[k]!; histC[b]++; present[b >> 5] |= 1 << (b & 31); }
    else for (let k = start; k < end; k++) { const b = bins[off + sample[k]!]!; histW[b] += nodeW[k]!; histS[b] += nodeWY[k]!; histC[b]++; }
    let used = 0;
    if (!marked) {
      for (let b = 0, nb = this.data.binCount[f]!; b < nb; b++) if (histC[b] !== 0) visit[used++] = b;
      return used;
    }
    for (let word = 0; word < 8; word++) {
      let bits = present[word]!;
      present[word] = 0;
      while (bits !== 0) {
        const low = bits & -bits;
        bits ^= low;
        visit[used++] = (word << 5) | (31 - Math.clz32(low));
      }
    }
    return used;
  }

  /** Sort keys of a small node: bin << 5 | position in the node (SMALL_NODE <= 32). */
  private readonly smallKey = new Int32Array(SMALL_NODE);

  /**
   * scanFeature for small nodes: insertion-sort the node's samples by (bin, position), a stable sort by
   * bin, instead of scanning up to 256 bins; the sums run over the samples one by one in that order.
   */
  private scanSmall(start: number, end: number, f: number, W: number, S: number, base: number, minLeaf: number): boolean {
    const { sample, nodeW, nodeWY, smallKey } = this;
    const bins = this.data.bins;
    const off = f * this.data.rows;
    const m = end - start;
    for (let k = 0; k < m; k++) {
      const key = (bins[off + sample[start + k]!]! << 5) | k;
      let q = k;
      while (q > 0 && smallKey[q - 1]! > key) {
        smallKey[q] = smallKey[q - 1]!; q--;
      }
      smallKey[q] = key;
    }
    if (smallKey[0]! >> 5 === smallKey[m - 1]! >> 5) return false;
    let wl = 0, sl = 0;
    for (let k = 0; k < m - 1; k++) {
      const key = smallKey[k]!, at = start + (key & 31);
      wl += nodeW[at]!; sl += nodeWY[at]!;
      const bin = key >> 5;
      if (smallKey[k + 1]! >> 5 === bin) continue;
      const cl = k + 1;
      if (cl < minLeaf || m - cl < minLeaf) continue;
      this.consider(f, bin, wl, sl, W, S, base);
    }
    return true;
  }

  /** Keeps the split of feature f after `bin` when its variance reduction beats the best so far (wl, sl: weight and weighted sum on the left). */
  private consider(f: number, bin: number, wl: number, sl: number, W: number, S: number, base: number): void {
    const wr = W - wl;
    if (wl <= 0 || wr <= 0) return;
    const sr = S - sl;
    const gain = (sl * sl) / wl + (sr * sr) / wr - base;
    const best = this.best;
    if (gain > best.gain * (1 + 1e-12) + 1e-300) {
      best.gain = gain; best.feature = f; best.bin = bin;
    }
  }

  /** Reorder sample[start..end) so rows with bin <= threshold come first; returns the boundary. */
  private partition(start: number, end: number, f: number, bin: number): number {
    const { sample } = this;
    const bins = this.data.bins;
    const off = f * this.data.rows;
    let i = start, j = end - 1;
    while (i <= j) {
      if (bins[off + sample[i]!]! <= bin) i++;
      else {
        const t = sample[i]!; sample[i] = sample[j]!; sample[j] = t; j--;
      }
    }
    return i;
  }

  /** GRNBoost2's stage state (boostStage): the target's rows, the target's values and the model's predictions, by row. */
  readonly perm: Int32Array;
  readonly target: Float64Array;
  readonly prediction: Float64Array;
  /** Root weight of the last boostStage's tree. */
  stageWeight = 0;

  /**
   * One stage of GRNBoost2's stochastic gradient boosting: perm[0..n) holds the target's rows; a partial
   * Fisher-Yates shuffle puts nIn of them, in bag with weight 1, first; a tree is fitted to the residuals
   * target - prediction of those rows, every one of the n rows' prediction moves by learningRate x the
   * tree's, and the mean out-of-bag decrease of the squared residual is returned. (The wasm kernel,
   * assembly/trees.ts, does the same in the same order.)
   */
  boostStage(n: number, nIn: number, opts: TreeFitOptions, learningRate: number): number {
    const { perm, weight, sample, target, prediction, y } = this;
    for (let k = 0; k < nIn; k++) {
      const r = k + opts.rng.int(n - k);
      const t = perm[r]!; perm[r] = perm[k]!; perm[k] = t;
    }
    for (let k = 0; k < n; k++) {
      const i = perm[k]!;
      weight[i] = k < nIn ? 1 : 0;
      y[i] = target[i]! - prediction[i]!;
      if (k < nIn) sample[k] = i;
    }
    this.stageWeight = this.fit(y, nIn, opts);
    let before = 0, after = 0;
    for (let k = 0; k < n; k++) {
      const i = perm[k]!;
      const step = learningRate * this.predict(i);
      if (k >= nIn) {
        const r = target[i]! - prediction[i]!;
        before += r * r;
        after += (r - step) * (r - step);
      }
      prediction[i] = prediction[i]! + step;
    }
    return (before - after) / (n - nIn);
  }

  /** Prediction of the last fitted tree for row `i`. */
  predict(i: number): number {
    return predictTree(this.data, this.tree, i);
  }
}

/** A tree's prediction for row `i` of the binned data. */
export function predictTree(data: BinnedMatrix, tree: TreeNodes, i: number): number {
  const bins = data.bins, n = data.rows, { feature, bin, left, right, value } = tree;
  let node = 0;
  for (;;) {
    const f = feature[node]!;
    if (f < 0) return value[node]!;
    node = bins[f * n + i]! <= bin[node]! ? left[node]! : right[node]!;
  }
}

/**
 * Check a per-tree row cap (`maxSamples` of GENIE3 and GRNBoost2, as scikit-learn's `max_samples`): an
 * integer >= 2, or Infinity for no cap; `fallback` (the method's default) when omitted.
 */
export function resolveMaxSamples(option: number | undefined, fallback: number, who: string): number {
  const v = option ?? fallback;
  if (v === Infinity || (Number.isInteger(v) && v >= 2)) return v;
  throw new Error(`${who}: option maxSamples (rows per tree) must be an integer >= 2, or Infinity for no cap, got ${v}; omit it for the default (${fallback})`);
}

/** Resolve a max_features option ('sqrt' | 'all' | fraction in (0,1) | count) to a count in [1, nFeatures]. */
export function resolveMaxFeatures(option: 'sqrt' | 'all' | number, nFeatures: number, who: string): number {
  if (option === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(nFeatures)));
  if (option === 'all') return Math.max(1, nFeatures);
  if (typeof option === 'number' && option > 0 && option < 1) return Math.max(1, Math.floor(option * nFeatures));
  if (typeof option === 'number' && Number.isInteger(option) && option >= 1) return Math.min(option, Math.max(1, nFeatures));
  throw new Error(`${who}: maxFeatures must be 'sqrt', 'all', a fraction in (0, 1) or a positive integer, got ${String(option)}`);
}
