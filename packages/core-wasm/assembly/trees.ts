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
 * Where it differs from the reference, it differs only in how, never in what
 * is summed or in which order (IEEE additions and divisions per lane are the
 * scalar ones): small nodes are sorted by counting each key's smaller keys
 * with SIMD compares instead of by insertion, and a node of two samples
 * skips the sort; (weight, weighted response) pairs are added and the two
 * quotients of a split's gain divided as f64x2; with every weight positive
 * and minLeaf 1 the histograms keep no sample counts (a bin is nonempty when
 * its weight is); the stream is drawn four Philox blocks at a time.
 * `node dist/bench/baselines-scale.js --before <old methods dist>` in
 * packages/methods times it against an older build (docs/BENCHMARKS.md).
 *
 * The host lays out memory with `treeBytes`/`setup` and reads and writes the
 * regions through `region(k)` (see REGION in src/trees.ts).
 */
import { philoxBlocks4 } from './random';

// ---- the host generator's stream (Philox4x32-10 on counter (c, 0, 0) with the seed as key: random.ts's block) ----
let seedLo: u32 = 0;
let seedHi: u32 = 0;
/** The counter of the block after the buffer's last. */
let next: u64 = 0;
/** Words in the buffer (4: the host's block; 16: four blocks made here) and the next one to hand out. */
let filled: i32 = 4;
let wordPos: i32 = 4;
/** The buffered blocks, four u32 words each, handed out in order. */
const WORDS: usize = memory.data(64, 16);

/** Take over the host generator's stream: its seed, block counter, buffered block and position in it. */
export function streamSet(lo: u32, hi: u32, blockCounter: f64, pos: i32, x0: u32, x1: u32, x2: u32, x3: u32): void {
  seedLo = lo; seedHi = hi; next = <u64>blockCounter; filled = 4; wordPos = pos;
  store<u32>(WORDS, x0); store<u32>(WORDS, x1, 4); store<u32>(WORDS, x2, 8); store<u32>(WORDS, x3, 12);
}
/** The buffered block that the last word handed out came from (the host's view: one block at a time). */
function currentBlock(): i32 { return wordPos == 0 ? 0 : (wordPos - 1) >> 2; }
/** The stream's block counter, position and buffered words after a fit (for the host to take back). */
export function streamCounter(): f64 { return <f64>(next - <u64>(filled >> 2) + <u64>currentBlock() + 1); }
export function streamPos(): i32 { return wordPos - (currentBlock() << 2); }
export function streamWord(k: i32): u32 { return load<u32>(WORDS + (<usize>((currentBlock() << 2) + k) << 2)); }

/** The next four blocks of the host stream (four of Generator.nextU32's refills) into WORDS. */
function refill(): void {
  philoxBlocks4(<u32>next, <u32>(next >> 32), seedLo, seedHi, WORDS);
  next += 4;
  filled = 16;
  wordPos = 0;
}

// @ts-ignore: decorator
@inline function nextU32(): u32 {
  if (wordPos == filled) refill();
  const at = WORDS + (<usize>wordPos << 2);
  wordPos++;
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
let NODE_PAIR: usize = 0; let ORDER: usize = 0; let STACK: usize = 0;
let HIST_PAIR: usize = 0; let HIST_C: usize = 0; let VISIT: usize = 0; let SMALL_KEY: usize = 0; let SMALL_RAW: usize = 0; let PRESENT: usize = 0;
let END: usize = 0;

let cursor: usize = 0;
/** The next region of `count` f64s (8-aligned: every f64 region comes before the first i32 one). */
function f64s(count: usize): usize { const at = cursor; cursor += count << 3; return at; }
/** The next region of `count` i32s. */
function i32s(count: usize): usize { const at = cursor; cursor += count << 2; return at; }

/** Lay the regions out from __heap_base for `rows` x `cols`; returns the first byte past them. */
function layout(rows: i32, cols: i32): usize {
  const n = <usize>rows, c = <usize>cols, cap = (n << 1) + 1;
  cursor = (__heap_base + 15) & ~(<usize>15);
  NODE_PAIR = f64s(2 * n); HIST_PAIR = f64s(512); // 16-byte aligned (weight, weighted response) pairs
  WEIGHT = f64s(n); Y = f64s(n); TARGET = f64s(n); PREDICTION = f64s(n);
  IMPORTANCE = f64s(c); NODE_VALUE = f64s(cap);
  SAMPLE = i32s(n); PERM = i32s(n); STACK = i32s(4 * (n + 1));
  BIN_COUNT = i32s(c); CANDIDATES = i32s(c); ORDER = i32s(c);
  NODE_FEATURE = i32s(cap); NODE_BIN = i32s(cap); NODE_LEFT = i32s(cap); NODE_RIGHT = i32s(cap);
  HIST_C = i32s(256); VISIT = i32s(256); SMALL_KEY = i32s(SMALL_NODE); SMALL_RAW = i32s(SMALL_NODE); PRESENT = i32s(8);
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
/** What a gain must exceed to replace the best: bestGain * (1 + 1e-12) + 1e-300, kept with it. */
let bestBar: f64 = 1e-300;
let minLeaf: i32 = 1;
/** Every weight of the current node is positive and minLeaf <= 1: histograms need no sample counts (splitNode). */
let countless = false;
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
@inline function consider(f: i32, bin: i32, left: v128, WS: v128, base: f64): void {
  // left = (wl, sl), the weight and weighted sum left of the split; WS = (W, S), the node's; both quotients in one division
  const right = f64x2.sub(WS, left);
  if (f64x2.extract_lane(left, 0) <= 0 || f64x2.extract_lane(right, 0) <= 0) return;
  const sums = v128.shuffle<f64>(left, right, 1, 3), weights = v128.shuffle<f64>(left, right, 0, 2);
  const q = f64x2.div(f64x2.mul(sums, sums), weights);
  const gain = f64x2.extract_lane(q, 0) + f64x2.extract_lane(q, 1) - base;
  if (gain > bestBar) {
    bestGain = gain; bestFeature = f; bestBin = bin;
    bestBar = gain * (1 + 1e-12) + 1e-300;
  }
}

/** A small node: its samples sorted by (bin, position) (the reference's stable insertion sort), the sums taken in that order. */
function scanSmall(start: i32, end: i32, f: i32, WS: v128, base: f64): bool {
  const m = end - start;
  const column = BINS + <usize>f * <usize>ROWS;
  if (m == 2) { // the general path's sums and single candidate, without the sort
    const b0 = binOf(column, start), b1 = binOf(column, start + 1);
    if (b0 == b1) return false;
    const first = b0 < b1 ? start : start + 1;
    if (minLeaf <= 1) consider(f, b0 < b1 ? b0 : b1, f64x2.add(f64x2.splat(0), v128.load(NODE_PAIR + (<usize>first << 4))), WS, base);
    return true;
  }
  for (let k = 0; k < m; k++) setI32(SMALL_RAW, k, (binOf(column, start + k) << 5) | k);
  const padded = (m + 3) & ~3;
  for (let k = m; k < padded; k++) setI32(SMALL_RAW, k, 0x7fffffff);
  // keys are distinct (the position is in the low bits): a key's place is the count of smaller keys, four keys at a time
  for (let i = 0; i < padded; i += 4) {
    const block = v128.load(SMALL_RAW + (<usize>i << 2));
    let below = i32x4.splat(0);
    for (let j = 0; j < m; j++) below = i32x4.add(below, i32x4.lt_s(v128.load32_splat(SMALL_RAW + (<usize>j << 2)), block));
    setI32(SMALL_KEY, -i32x4.extract_lane(below, 0), i32x4.extract_lane(block, 0));
    if (i + 1 < m) setI32(SMALL_KEY, -i32x4.extract_lane(below, 1), i32x4.extract_lane(block, 1));
    if (i + 2 < m) setI32(SMALL_KEY, -i32x4.extract_lane(below, 2), i32x4.extract_lane(block, 2));
    if (i + 3 < m) setI32(SMALL_KEY, -i32x4.extract_lane(below, 3), i32x4.extract_lane(block, 3));
  }
  if (i32At(SMALL_KEY, 0) >> 5 == i32At(SMALL_KEY, m - 1) >> 5) return false;
  let left = f64x2.splat(0);
  for (let k = 0; k < m - 1; k++) {
    const key = i32At(SMALL_KEY, k), at = start + (key & 31);
    left = f64x2.add(left, v128.load(NODE_PAIR + (<usize>at << 4)));
    const bin = key >> 5;
    if (i32At(SMALL_KEY, k + 1) >> 5 == bin) continue;
    const cl = k + 1;
    if (cl < minLeaf || m - cl < minLeaf) continue;
    consider(f, bin, left, WS, base);
  }
  return true;
}

// @ts-ignore: decorator
@inline function fill(start: i32, end: i32, column: usize, marked: bool, counted: bool): void {
  for (let k = start; k < end; k++) {
    const b = binOf(column, k);
    const h = HIST_PAIR + (<usize>b << 4);
    v128.store(h, f64x2.add(v128.load(h), v128.load(NODE_PAIR + (<usize>k << 4))));
    if (counted) setI32(HIST_C, b, i32At(HIST_C, b) + 1);
    if (marked) setI32(PRESENT, b >> 5, i32At(PRESENT, b >> 5) | (1 << (b & 31)));
  }
}

/**
 * The histogram of feature f over the node; its nonempty bins, increasing, in VISIT; returns their count.
 * Samples are counted per bin (HIST_C) only when `counted`; otherwise every weight is positive, so a bin
 * is nonempty exactly when its weight is.
 */
function accumulate(start: i32, end: i32, f: i32, marked: bool, counted: bool): i32 {
  const column = BINS + <usize>f * <usize>ROWS;
  if (counted) {
    if (marked) fill(start, end, column, true, true); else fill(start, end, column, false, true);
  } else if (marked) fill(start, end, column, true, false); else fill(start, end, column, false, false);
  let used = 0;
  if (!marked) {
    const nb = i32At(BIN_COUNT, f);
    if (counted) {
      for (let b = 0; b < nb; b++) if (i32At(HIST_C, b) != 0) setI32(VISIT, used++, b);
    } else for (let b = 0; b < nb; b++) if (load<f64>(HIST_PAIR + (<usize>b << 4)) > 0) setI32(VISIT, used++, b);
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
function scanFeature(start: i32, end: i32, f: i32, WS: v128, base: f64): bool {
  const m = end - start;
  if (m <= SMALL_NODE) return scanSmall(start, end, f, WS, base);
  const counted = !countless;
  const used = accumulate(start, end, f, m < DENSE_NODE, counted);
  const first = i32At(VISIT, 0);
  if (used == 1) { // every sample in one bin
    v128.store(HIST_PAIR + (<usize>first << 4), f64x2.splat(0)); setI32(HIST_C, first, 0);
    return false;
  }
  // with unit weights (GRNBoost2's in-bag rows) a bin's weight, a sum of ones, is its count, as in the reference
  let left = f64x2.splat(0);
  if (!counted) { // minLeaf <= 1: every split but the one after the last bin leaves a sample on each side
    for (let q = 0; q < used; q++) {
      const b = i32At(VISIT, q), h = HIST_PAIR + (<usize>b << 4);
      left = f64x2.add(left, v128.load(h));
      v128.store(h, f64x2.splat(0));
      if (q < used - 1) consider(f, b, left, WS, base);
    }
    return true;
  }
  let cl = 0;
  for (let q = 0; q < used; q++) {
    const b = i32At(VISIT, q), c = i32At(HIST_C, b);
    const h = HIST_PAIR + (<usize>b << 4);
    left = f64x2.add(left, v128.load(h)); cl += c;
    v128.store(h, f64x2.splat(0)); setI32(HIST_C, b, 0);
    if (cl == m || cl < minLeaf || m - cl < minLeaf) continue;
    consider(f, b, left, WS, base);
  }
  return true;
}

/** Make `node` a leaf or split it; returns the partition point, or -1 for a leaf. */
function splitNode(start: i32, end: i32, depth: i32, node: i32, nc: i32, maxFeatures: i32, maxDepth: f64): i32 {
  let W = 0.0, S = 0.0, Q = 0.0, positive = true;
  for (let k = start; k < end; k++) {
    const i = i32At(SAMPLE, k);
    const w = f64At(WEIGHT, i), v = f64At(Y, i);
    const wv = w * v;
    store<f64>(NODE_PAIR + (<usize>k << 4), w); store<f64>(NODE_PAIR + (<usize>k << 4), wv, 8);
    W += w; S += wv; Q += wv * v;
    if (!(w > 0)) positive = false;
  }
  countless = positive && minLeaf <= 1;
  setI32(NODE_FEATURE, node, -1);
  setF64(NODE_VALUE, node, W > 0 ? S / W : 0);
  const m = end - start;
  const sse = Q - (S * S) / W;
  if (<f64>depth >= maxDepth || m < 2 * minLeaf || !(sse > 1e-12 * (Q + 1e-300))) return -1;
  bestFeature = -1; bestBin = -1; bestGain = 0; bestBar = 0 * (1 + 1e-12) + 1e-300;
  const base = (S * S) / W;
  const WS = f64x2.replace_lane(f64x2.splat(W), 1, S);
  let visited = 0;
  for (let k = 0; k < nc && visited < maxFeatures; k++) {
    const r = k + <i32>uniformInt(<u32>(nc - k));
    const f = i32At(ORDER, r);
    setI32(ORDER, r, i32At(ORDER, k));
    setI32(ORDER, k, f);
    if (scanFeature(start, end, f, WS, base)) visited++;
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
