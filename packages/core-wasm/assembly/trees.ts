/**
 * The histogram regression tree of GENIE3 and GRNBoost2, as its own small
 * wasm module (entry point of build/trees.wasm, not part of the core module):
 * it owns its memory, so each tree builder, on any thread, is one instance.
 *
 * The same algorithm, arithmetic and order of operations as the reference,
 * `HistogramTreeBuilder` in packages/methods/src/stats/trees.ts, and the same
 * draws from the host generator's stream (Philox4x32-10, src/random.ts): the
 * host hands its stream state in before a fit and takes it back after, so a
 * fit here gives the same bytes and leaves the generator where the
 * reference leaves it (packages/methods/test/stats/tree-engines.test.ts).
 *
 * The host lays out memory with `treeBytes`/`setup` and reads and writes the
 * regions through `region(k)` (see REGION in src/trees.ts).
 */
import { philoxBlock } from './random';

// ---- the host generator's stream (Philox4x32-10 on counter (c, 0, 0) with the seed as key: random.ts's block) ----
let seedLo: u32 = 0;
let seedHi: u32 = 0;
let counter: u64 = 0;
let bufferPos: i32 = 4;
/** The buffered block: four u32 words, handed out in order from bufferPos. */
const WORDS: usize = memory.data(16, 16);

/** Take over the host generator's stream: its seed, block counter, buffered block and position in it. */
export function streamSet(lo: u32, hi: u32, blockCounter: f64, pos: i32, x0: u32, x1: u32, x2: u32, x3: u32): void {
  seedLo = lo; seedHi = hi; counter = <u64>blockCounter; bufferPos = pos;
  store<u32>(WORDS, x0); store<u32>(WORDS, x1, 4); store<u32>(WORDS, x2, 8); store<u32>(WORDS, x3, 12);
}
/** The stream's block counter, position and buffered words after a fit (for the host to take back). */
export function streamCounter(): f64 { return <f64>counter; }
export function streamPos(): i32 { return bufferPos; }
export function streamWord(k: i32): u32 { return load<u32>(WORDS + (<usize>k << 2)); }

/** The next block of the host stream (Generator.nextU32's refill) into WORDS. */
function refill(): void {
  philoxBlock(<u32>counter, <u32>(counter >> 32), 0, 0, seedLo, seedHi, WORDS);
  counter++;
  bufferPos = 0;
}

// @ts-ignore: decorator
@inline function nextU32(): u32 {
  if (bufferPos == 4) refill();
  const at = WORDS + (<usize>bufferPos << 2);
  bufferPos++;
  return load<u32>(at);
}

/** Generator.int(n): uniform in [0, n) by rejection, n in [1, 2^32). */
function uniformInt(n: u32): u32 {
  if (n == 1) return 0;
  const limit: u64 = 4294967296 - (4294967296 % <u64>n);
  let u = nextU32();
  while (<u64>u >= limit) u = nextU32();
  return u % n;
}

// ---- memory layout ----
const SMALL_NODE = 32; // nodes of at most this many samples are sorted, not histogrammed (a position fits 5 bits)
const DENSE_NODE = 256; // nodes of at least this many samples visit every bin

let ROWS: i32 = 0;
let COLS: i32 = 0;
let BINS: usize = 0; let BIN_COUNT: usize = 0; let SAMPLE: usize = 0; let WEIGHT: usize = 0; let Y: usize = 0;
let IMPORTANCE: usize = 0; let NODE_FEATURE: usize = 0; let NODE_BIN: usize = 0; let NODE_LEFT: usize = 0;
let NODE_RIGHT: usize = 0; let NODE_VALUE: usize = 0; let CANDIDATES: usize = 0;
let PERM: usize = 0; let TARGET: usize = 0; let PREDICTION: usize = 0;
let NODE_W: usize = 0; let NODE_WY: usize = 0; let ORDER: usize = 0; let STACK: usize = 0;
let HIST_W: usize = 0; let HIST_S: usize = 0; let HIST_C: usize = 0; let VISIT: usize = 0; let SMALL_KEY: usize = 0; let PRESENT: usize = 0;
let END: usize = 0;

let cursor: usize = 0;
/** The next region of `count` f64s (8-aligned: every f64 region comes before the first i32 one). */
function f64s(count: usize): usize { const at = cursor; cursor += count << 3; return at; }
/** The next region of `count` i32s. */
function i32s(count: usize): usize { const at = cursor; cursor += count << 2; return at; }

/** Lay the regions out from __heap_base for `rows` x `cols`; returns the first byte past them. */
function layout(rows: i32, cols: i32): usize {
  const n = <usize>rows, c = <usize>cols, cap = (n << 1) + 1;
  cursor = (__heap_base + 7) & ~(<usize>7);
  WEIGHT = f64s(n); Y = f64s(n); TARGET = f64s(n); PREDICTION = f64s(n); NODE_W = f64s(n); NODE_WY = f64s(n);
  IMPORTANCE = f64s(c); NODE_VALUE = f64s(cap); HIST_W = f64s(256); HIST_S = f64s(256);
  SAMPLE = i32s(n); PERM = i32s(n); STACK = i32s(4 * (n + 1));
  BIN_COUNT = i32s(c); CANDIDATES = i32s(c); ORDER = i32s(c);
  NODE_FEATURE = i32s(cap); NODE_BIN = i32s(cap); NODE_LEFT = i32s(cap); NODE_RIGHT = i32s(cap);
  HIST_C = i32s(256); VISIT = i32s(256); SMALL_KEY = i32s(SMALL_NODE); PRESENT = i32s(8);
  BINS = cursor;
  return cursor + n * c;
}

/** Bytes of memory a builder for `rows` x `cols` needs (the host grows the memory to it before `setup`). */
export function treeBytes(rows: i32, cols: i32): usize { return layout(rows, cols); }

/** Fix the layout for `rows` x `cols` (memory must hold treeBytes(rows, cols) bytes). */
export function setup(rows: i32, cols: i32): void {
  ROWS = rows; COLS = cols;
  END = layout(rows, cols);
}

/** Byte address of region k, in the order of TREE_REGIONS in src/trees.ts. */
export function region(k: i32): usize {
  switch (k) {
    case 0: return BINS;
    case 1: return BIN_COUNT;
    case 2: return SAMPLE;
    case 3: return WEIGHT;
    case 4: return Y;
    case 5: return IMPORTANCE;
    case 6: return NODE_FEATURE;
    case 7: return NODE_BIN;
    case 8: return NODE_LEFT;
    case 9: return NODE_RIGHT;
    case 10: return NODE_VALUE;
    case 11: return CANDIDATES;
    case 12: return PERM;
    case 13: return TARGET;
    case 14: return PREDICTION;
    default: return END;
  }
}

// ---- the fit ----
let bestFeature: i32 = -1;
let bestBin: i32 = -1;
let bestGain: f64 = 0;
let unitWeights = false;
let minLeaf: i32 = 1;
let nodeCount: i32 = 0;

export function nodes(): i32 { return nodeCount; }

// @ts-ignore: decorator
@inline function i32At(base: usize, k: i32): i32 { return load<i32>(base + (<usize>k << 2)); }
// @ts-ignore: decorator
@inline function setI32(base: usize, k: i32, v: i32): void { store<i32>(base + (<usize>k << 2), v); }
// @ts-ignore: decorator
@inline function f64At(base: usize, k: i32): f64 { return load<f64>(base + (<usize>k << 3)); }
// @ts-ignore: decorator
@inline function setF64(base: usize, k: i32, v: f64): void { store<f64>(base + (<usize>k << 3), v); }
// @ts-ignore: decorator
@inline function binOf(column: usize, k: i32): i32 { return <i32>load<u8>(column + <usize>i32At(SAMPLE, k)); }

// @ts-ignore: decorator
@inline function consider(f: i32, bin: i32, wl: f64, sl: f64, W: f64, S: f64, base: f64): void {
  const wr = W - wl;
  if (wl <= 0 || wr <= 0) return;
  const sr = S - sl;
  const gain = (sl * sl) / wl + (sr * sr) / wr - base;
  if (gain > bestGain * (1 + 1e-12) + 1e-300) {
    bestGain = gain; bestFeature = f; bestBin = bin;
  }
}

/** A small node: its samples sorted by (bin, position) by insertion, the sums taken in that order. */
function scanSmall(start: i32, end: i32, f: i32, W: f64, S: f64, base: f64): bool {
  const column = BINS + <usize>f * <usize>ROWS;
  const m = end - start;
  for (let k = 0; k < m; k++) {
    const key = (binOf(column, start + k) << 5) | k;
    let q = k;
    while (q > 0 && i32At(SMALL_KEY, q - 1) > key) {
      setI32(SMALL_KEY, q, i32At(SMALL_KEY, q - 1)); q--;
    }
    setI32(SMALL_KEY, q, key);
  }
  if (i32At(SMALL_KEY, 0) >> 5 == i32At(SMALL_KEY, m - 1) >> 5) return false;
  let wl = 0.0, sl = 0.0;
  for (let k = 0; k < m - 1; k++) {
    const key = i32At(SMALL_KEY, k), at = start + (key & 31);
    wl += f64At(NODE_W, at); sl += f64At(NODE_WY, at);
    const bin = key >> 5;
    if (i32At(SMALL_KEY, k + 1) >> 5 == bin) continue;
    const cl = k + 1;
    if (cl < minLeaf || m - cl < minLeaf) continue;
    consider(f, bin, wl, sl, W, S, base);
  }
  return true;
}

// @ts-ignore: decorator
@inline function fill(start: i32, end: i32, column: usize, unit: bool, marked: bool): void {
  for (let k = start; k < end; k++) {
    const b = binOf(column, k);
    if (!unit) setF64(HIST_W, b, f64At(HIST_W, b) + f64At(NODE_W, k));
    setF64(HIST_S, b, f64At(HIST_S, b) + f64At(NODE_WY, k));
    setI32(HIST_C, b, i32At(HIST_C, b) + 1);
    if (marked) setI32(PRESENT, b >> 5, i32At(PRESENT, b >> 5) | (1 << (b & 31)));
  }
}

/** The histogram of feature f over the node; its nonempty bins, increasing, in VISIT; returns their count. */
function accumulate(start: i32, end: i32, f: i32, marked: bool): i32 {
  const column = BINS + <usize>f * <usize>ROWS;
  if (unitWeights) {
    if (marked) fill(start, end, column, true, true); else fill(start, end, column, true, false);
  } else if (marked) fill(start, end, column, false, true); else fill(start, end, column, false, false);
  let used = 0;
  if (!marked) {
    const nb = i32At(BIN_COUNT, f);
    for (let b = 0; b < nb; b++) if (i32At(HIST_C, b) != 0) setI32(VISIT, used++, b);
    return used;
  }
  for (let word = 0; word < 8; word++) {
    let bits = <u32>i32At(PRESENT, word);
    setI32(PRESENT, word, 0);
    while (bits != 0) {
      const low = bits & (0 - bits);
      bits ^= low;
      setI32(VISIT, used++, (word << 5) | (31 - <i32>clz(low)));
    }
  }
  return used;
}

/** The best threshold of feature f in the node; false when f is constant there. */
function scanFeature(start: i32, end: i32, f: i32, W: f64, S: f64, base: f64): bool {
  const m = end - start;
  if (m <= SMALL_NODE) return scanSmall(start, end, f, W, S, base);
  const used = accumulate(start, end, f, m < DENSE_NODE);
  const first = i32At(VISIT, 0);
  if (i32At(HIST_C, first) == m) {
    setF64(HIST_W, first, 0); setF64(HIST_S, first, 0); setI32(HIST_C, first, 0);
    return false;
  }
  let wl = 0.0, sl = 0.0, cl = 0;
  for (let q = 0; q < used; q++) {
    const b = i32At(VISIT, q), c = i32At(HIST_C, b);
    wl += unitWeights ? <f64>c : f64At(HIST_W, b); sl += f64At(HIST_S, b); cl += c;
    setF64(HIST_W, b, 0); setF64(HIST_S, b, 0); setI32(HIST_C, b, 0);
    if (cl == m || cl < minLeaf || m - cl < minLeaf) continue;
    consider(f, b, wl, sl, W, S, base);
  }
  return true;
}

/** Make `node` a leaf or split it; returns the partition point, or -1 for a leaf. */
function splitNode(start: i32, end: i32, depth: i32, node: i32, nc: i32, maxFeatures: i32, maxDepth: f64): i32 {
  let W = 0.0, S = 0.0, Q = 0.0, unit = true;
  for (let k = start; k < end; k++) {
    const i = i32At(SAMPLE, k);
    const w = f64At(WEIGHT, i), v = f64At(Y, i);
    const wv = w * v;
    setF64(NODE_W, k, w); setF64(NODE_WY, k, wv);
    W += w; S += wv; Q += wv * v;
    if (w != 1) unit = false;
  }
  unitWeights = unit;
  setI32(NODE_FEATURE, node, -1);
  setF64(NODE_VALUE, node, W > 0 ? S / W : 0);
  const m = end - start;
  const sse = Q - (S * S) / W;
  if (<f64>depth >= maxDepth || m < 2 * minLeaf || !(sse > 1e-12 * (Q + 1e-300))) return -1;
  bestFeature = -1; bestBin = -1; bestGain = 0;
  const base = (S * S) / W;
  let visited = 0;
  for (let k = 0; k < nc && visited < maxFeatures; k++) {
    const r = k + <i32>uniformInt(<u32>(nc - k));
    const f = i32At(ORDER, r);
    setI32(ORDER, r, i32At(ORDER, k));
    setI32(ORDER, k, f);
    if (scanFeature(start, end, f, W, S, base)) visited++;
  }
  if (bestFeature < 0) return -1;
  setF64(IMPORTANCE, bestFeature, f64At(IMPORTANCE, bestFeature) + bestGain);
  setI32(NODE_FEATURE, node, bestFeature);
  setI32(NODE_BIN, node, bestBin);
  const column = BINS + <usize>bestFeature * <usize>ROWS;
  let i = start, j = end - 1;
  while (i <= j) {
    if (binOf(column, i) <= bestBin) i++;
    else {
      const t = i32At(SAMPLE, i); setI32(SAMPLE, i, i32At(SAMPLE, j)); setI32(SAMPLE, j, t); j--;
    }
  }
  return i;
}

/**
 * Fit one tree on SAMPLE[0..count) (responses Y and weights WEIGHT by row), the features drawn from
 * CANDIDATES[0..nc); importances reset and accumulated. Returns the root's total weight.
 */
export function fit(count: i32, nc: i32, maxFeatures: i32, maxDepth: f64, leaf: i32): f64 {
  minLeaf = leaf;
  memory.fill(IMPORTANCE, 0, <usize>COLS << 3);
  memory.copy(ORDER, CANDIDATES, <usize>nc << 2);
  nodeCount = 1;
  let sp = 0;
  setI32(STACK, sp++, 0); setI32(STACK, sp++, 0); setI32(STACK, sp++, count); setI32(STACK, sp++, 0);
  let rootW = 0.0;
  for (let k = 0; k < count; k++) rootW += f64At(WEIGHT, i32At(SAMPLE, k));
  while (sp > 0) {
    const depth = i32At(STACK, --sp), end = i32At(STACK, --sp), start = i32At(STACK, --sp), node = i32At(STACK, --sp);
    const split = splitNode(start, end, depth, node, nc, maxFeatures, maxDepth);
    if (split < 0) continue;
    const left = nodeCount++, right = nodeCount++;
    setI32(NODE_LEFT, node, left);
    setI32(NODE_RIGHT, node, right);
    setI32(STACK, sp++, left); setI32(STACK, sp++, start); setI32(STACK, sp++, split); setI32(STACK, sp++, depth + 1);
    setI32(STACK, sp++, right); setI32(STACK, sp++, split); setI32(STACK, sp++, end); setI32(STACK, sp++, depth + 1);
  }
  return rootW;
}

/** The last fitted tree's prediction for row i (left when the row's bin <= the node's). */
function predict(i: i32): f64 {
  let node = 0, f = i32At(NODE_FEATURE, 0);
  while (f >= 0) {
    const bin = <i32>load<u8>(BINS + <usize>f * <usize>ROWS + <usize>i);
    node = bin <= i32At(NODE_BIN, node) ? i32At(NODE_LEFT, node) : i32At(NODE_RIGHT, node);
    f = i32At(NODE_FEATURE, node);
  }
  return f64At(NODE_VALUE, node);
}

let stageRootWeight: f64 = 0;
/** The root weight of the last boosting stage's tree. */
export function stageWeight(): f64 { return stageRootWeight; }

/**
 * One stage of GRNBoost2 (the reference is HistogramTreeBuilder.boostStage): PERM[0..n) holds the target's
 * rows; its first nIn, drawn by a partial Fisher-Yates shuffle, are in bag with weight 1. A tree is fitted
 * to the residuals TARGET - PREDICTION of those rows, PREDICTION moves by learningRate x the tree's
 * prediction on all n rows, and the mean out-of-bag decrease of the squared residual is returned.
 */
export function boostStage(n: i32, nIn: i32, nc: i32, maxFeatures: i32, maxDepth: f64, leaf: i32, learningRate: f64): f64 {
  for (let k = 0; k < nIn; k++) {
    const r = k + <i32>uniformInt(<u32>(n - k));
    const t = i32At(PERM, r); setI32(PERM, r, i32At(PERM, k)); setI32(PERM, k, t);
  }
  for (let k = 0; k < n; k++) {
    const i = i32At(PERM, k);
    setF64(WEIGHT, i, k < nIn ? 1 : 0);
    setF64(Y, i, f64At(TARGET, i) - f64At(PREDICTION, i));
    if (k < nIn) setI32(SAMPLE, k, i);
  }
  stageRootWeight = fit(nIn, nc, maxFeatures, maxDepth, leaf);
  let before = 0.0, after = 0.0;
  for (let k = 0; k < n; k++) {
    const i = i32At(PERM, k);
    const step = learningRate * predict(i);
    const F = f64At(PREDICTION, i);
    if (k >= nIn) {
      const r = f64At(TARGET, i) - F;
      before += r * r;
      after += (r - step) * (r - step);
    }
    setF64(PREDICTION, i, F + step);
  }
  return (before - after) / <f64>(n - nIn);
}
