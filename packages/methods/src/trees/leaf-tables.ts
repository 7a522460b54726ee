/**
 * Fast exact TreeSHAP with per-leaf contribution tables (the idea of Fast
 * TreeSHAP v2, Yang 2021), for both algorithms, one tree at a time.
 *
 * For a leaf with d distinct path features (its slots), what a row adds to
 * each slot's feature depends only on X, the set of slots whose splits the
 * row satisfies all along the path. So each leaf gets a table
 * C[X * d + k] = the value slot k receives, for all 2^d sets X, built once
 * per tree. The rows' walk stops at units (table-units.ts: subtrees of
 * height 2 whose tables sum their leaves' entries), so a row costs one pass
 * over the nodes above them and one table line per unit. The rows go through
 * the tree together, in blocks of BLOCK rows held feature-major (x^T), as
 * bit masks of the failed slots per row: one tight loop per node, one pass
 * per unit slot, and the block's values (features x BLOCK, feature-major
 * too) stay in cache while it walks the tree. Interaction values add per-leaf
 * pair tables (interaction-tables.ts).
 *
 * interventional (v(S) = mean over the background of f(x_S, z_rest)): the
 * background rows walk the tree the same way; at a leaf (value v), a
 * background pattern p (the slots it satisfies, share H[p]) counts for rows
 * whose X contains every slot outside p, with a = d - |p| slots only x
 * satisfies and b = d - |X| only z satisfies. For every q subset of p and
 * X = (not p) + q:
 *   each k outside p gets + v H[p] (a-1)! b! / (a+b)!,  each k outside X gets - v H[p] a! (b-1)! / (a+b)!.
 * path-dependent (covers): with r_k the product of cover(child)/cover(parent)
 * over the leaf's splits on slot k, R(X) = prod_{j not in X} r_j and
 * E(Y) = sum_{S subset Y} |S|! (d-|S|-1)! / d! prod_{j in Y \ S} r_j,
 *   k in X gets v (1 - r_k) R(X) E(X \ {k}),   k outside X gets - v R(X) E(X).
 *
 * Every row's values are summed in the same order (trees in order, units in
 * depth-first order, within a group of trees; the caller sums the groups in
 * order) whatever the block, chunk or thread: results are bit-identical for
 * any thread count and row order.
 */
import { TreeError, type TreeEnsemble } from './tree-ensemble.js';
import { tableUnits, unitTables, UNIT_INNER, type TableUnits } from './table-units.js';
import { applyPairs, finishPairs, interventionalPairs, pairLayout, pathDependentPairs, type PairLayout } from './interaction-tables.js';
import { FACT, Interventional, leafGameWeights, MAX_SLOTS, MAX_TABLE_SLOTS, PathDependent, popcount } from './tree-shap-reference.js';

/** Rows walked through a tree together: their values (BLOCK x features, float64) stay in L2. */
export const BLOCK = 512;
/** Largest table (float64 entries) built for one tree (2^23: 64 MiB); bigger trees use the reference walks. */
export const MAX_TABLE_ENTRIES = 2 ** 23;

/** One tree for one output column, flattened in depth-first order (local node indices), with its table units (table-units.ts). */
export type FlatTree = FlatPaths & TableUnits;

/** The flat tree without its units. */
export interface FlatPaths {
  feature: Int32Array;
  threshold: Float64Array;
  mode: Uint8Array;
  missingYes: Uint8Array;
  yes: Int32Array;
  no: Int32Array;
  /** Inner node: 1 << its feature's slot on the path. */
  bit: Int32Array;
  /** Per node: the distinct features on the path above it. */
  above: Uint8Array;
  /** Per node: its leaf number, or -1. */
  leaf: Int32Array;
  levels: number;
  leafDepth: Uint8Array;
  leafValue: Float64Array;
  /** Per leaf: where its slots start in slotFeature / slotZero. */
  leafSlots: Int32Array;
  slotFeature: Int32Array;
  /** Per leaf slot: r_k from the covers (path-dependent), else 1. */
  slotZero: Float64Array;
  /** Per leaf: where its table starts, or -1 (zero value). */
  tableOffset: Int32Array;
  entries: number;
}

/** What one depth-first walk of a tree collects: nodes in walk order, their path slots, and the leaves' slot lists. */
interface PathWalk {
  nodes: number[];
  bits: number[];
  above: number[];
  local: Map<number, number>;
  leafNodes: number[];
  leafDepth: number[];
  leafSlots: number[];
  slotFeature: number[];
  slotZero: number[];
  levels: number;
  entries: number;
  tooBig: boolean;
}

/** Walk the tree rooted at `root` depth-first (yes before no), tracking the distinct features on the path (slots) and the table entries of output `out`. */
function walkPaths(e: TreeEnsemble, root: number, out: number, cover: Float64Array | undefined): PathWalk {
  const nodes: number[] = [];
  const bits: number[] = [];
  const above: number[] = [];
  const local = new Map<number, number>();
  const leafNodes: number[] = [];
  const leafDepth: number[] = [];
  const leafSlots: number[] = [];
  const slotFeature: number[] = [];
  const slotZero: number[] = [];
  const pf: number[] = [];
  const pz: number[] = [];
  let levels = 0;
  let entries = 0;
  let tooBig = false;
  const walk = (n: number, level: number): void => {
    local.set(n, nodes.length);
    nodes.push(n);
    levels = Math.max(levels, level + 1);
    const f = e.feature[n]!;
    above.push(pf.length);
    if (f < 0) {
      const d = pf.length;
      leafNodes.push(n);
      leafDepth.push(d);
      leafSlots.push(slotFeature.length);
      slotFeature.push(...pf);
      slotZero.push(...pz);
      bits.push(0);
      if (e.leafValue[n * e.outputs + out] !== 0) {
        if (d > MAX_TABLE_SLOTS) tooBig = true;
        else entries += (1 << d) * d;
      }
      return;
    }
    let s = pf.indexOf(f);
    const fresh = s < 0;
    if (fresh) {
      if (pf.length === MAX_SLOTS) throw new TreeError(`tree-shap: a path of ${e.source} tests more than ${MAX_SLOTS} distinct features`);
      s = pf.length;
      pf.push(f);
      pz.push(1);
    }
    bits.push(1 << s);
    const keep = pz[s]!;
    const w = cover ? cover[n]! : 0;
    pz[s] = cover ? keep * (w > 0 ? cover[e.yes[n]!]! / w : 0) : 1;
    walk(e.yes[n]!, level + 1);
    pz[s] = cover ? keep * (w > 0 ? cover[e.no[n]!]! / w : 0) : 1;
    walk(e.no[n]!, level + 1);
    pz[s] = keep;
    if (fresh) {
      pf.pop();
      pz.pop();
    }
  };
  walk(root, 0);
  return { nodes, bits, above, local, leafNodes, leafDepth, leafSlots, slotFeature, slotZero, levels, entries, tooBig };
}

/** The tree rooted at `root` flattened for output `out`; null when its tables would be too big. */
export function flattenTree(e: TreeEnsemble, root: number, out: number, cover: Float64Array | undefined): FlatTree | null {
  const { nodes, bits, above, local, leafNodes, leafDepth, leafSlots, slotFeature, slotZero, levels, entries, tooBig } = walkPaths(e, root, out, cover);
  if (tooBig || entries > MAX_TABLE_ENTRIES) return null;
  const leaf = new Int32Array(nodes.length).fill(-1);
  leafNodes.forEach((n, l) => (leaf[local.get(n)!] = l));
  const inner = (pick: (n: number) => number): Int32Array => Int32Array.from(nodes, (n) => (e.feature[n]! >= 0 ? pick(n) : -1));
  const paths: FlatPaths = {
    feature: Int32Array.from(nodes, (n) => e.feature[n]!),
    threshold: Float64Array.from(nodes, (n) => e.threshold[n]!),
    mode: Uint8Array.from(nodes, (n) => e.mode[n]!),
    missingYes: Uint8Array.from(nodes, (n) => e.missingYes[n]!),
    yes: inner((n) => local.get(e.yes[n]!)!),
    no: inner((n) => local.get(e.no[n]!)!),
    bit: Int32Array.from(bits),
    above: Uint8Array.from(above),
    leaf,
    levels,
    leafDepth: Uint8Array.from(leafDepth),
    leafValue: Float64Array.from(leafNodes, (n) => e.leafValue[n * e.outputs + out]!),
    leafSlots: Int32Array.from(leafSlots),
    slotFeature: Int32Array.from(slotFeature),
    slotZero: Float64Array.from(slotZero),
    tableOffset: tableOffsets(e, out, leafNodes, leafDepth),
    entries,
  };
  return { ...paths, ...tableUnits(paths) };
}

/** Where each leaf's table starts in the tree's table (2^d x d entries), -1 for a zero leaf or one without path features. */
function tableOffsets(e: TreeEnsemble, out: number, leafNodes: readonly number[], leafDepth: readonly number[]): Int32Array {
  const tableOffset = new Int32Array(leafNodes.length);
  let at = 0;
  leafNodes.forEach((n, l) => {
    const d = leafDepth[l]!;
    tableOffset[l] = e.leafValue[n * e.outputs + out] !== 0 && d > 0 ? at : -1;
    if (tableOffset[l]! >= 0) at += (1 << d) * d;
  });
  return tableOffset;
}

/** dec[i] = 1 when row i (value src[o + i]) takes the node's 'yes' child (ONNX-ML split modes, NaN by missingYes). */
function decide(mode: number, th: number, my: number, src: Float64Array, o: number, n: number, dec: Uint8Array): void {
  switch (mode) {
    case 0: for (let i = 0; i < n; i++) { const v = src[o + i]!; dec[i] = v !== v ? my : v <= th ? 1 : 0; } break;
    case 1: for (let i = 0; i < n; i++) { const v = src[o + i]!; dec[i] = v !== v ? my : v < th ? 1 : 0; } break;
    case 2: for (let i = 0; i < n; i++) { const v = src[o + i]!; dec[i] = v !== v ? my : v >= th ? 1 : 0; } break;
    case 3: for (let i = 0; i < n; i++) { const v = src[o + i]!; dec[i] = v !== v ? my : v > th ? 1 : 0; } break;
    case 4: for (let i = 0; i < n; i++) { const v = src[o + i]!; dec[i] = v !== v ? my : v === th ? 1 : 0; } break;
    default: for (let i = 0; i < n; i++) { const v = src[o + i]!; dec[i] = v !== v ? my : v !== th ? 1 : 0; }
  }
}

/** decide() and the children's masks in one pass for the LEQ (mode 0) and LT (1) splits, the common ones. */
function splitLess(mode: number, th: number, my: number, src: Float64Array, o: number, n: number, mask: Int32Array, bit: number, yes: Int32Array, no: Int32Array): void {
  const lt = mode === 1;
  for (let i = 0; i < n; i++) {
    const v = src[o + i]!;
    const g = v !== v ? my : (lt ? v < th : v <= th) ? 1 : 0;
    const m = mask[i]!;
    yes[i] = m | (bit & (g - 1));
    no[i] = m | (bit & -g);
  }
}

/** Where a walk stops: index (a leaf, or a unit) and per row its failed slots there (leaves), or its index into the unit's table (units). */
export type StopFunction = (index: number, codes: Int32Array, n: number) => void;

/** Walks a block of rows (feature-major: value of feature f, row i at src[o + f * stride + i]) through a flat tree. */
export class BlockWalker {
  private readonly yesMasks: Int32Array[] = [];
  private readonly noMasks: Int32Array[] = [];
  private readonly root: Int32Array;
  private readonly dec: Uint8Array;
  private readonly line: Int32Array;
  private t!: FlatTree;
  private src!: Float64Array;
  private o = 0;
  private stride = 0;
  private n = 0;
  private units = false;
  private stop!: StopFunction;

  constructor(private readonly capacity: number) {
    this.root = new Int32Array(capacity);
    this.dec = new Uint8Array(capacity);
    this.line = new Int32Array(capacity);
  }

  /** Calls stop(...) at every leaf (units false: each row's failed slots) or unit with a table (true: each row's table line). */
  walk(t: FlatTree, src: Float64Array, o: number, stride: number, n: number, units: boolean, stop: StopFunction): void {
    while (this.yesMasks.length <= t.levels) {
      this.yesMasks.push(new Int32Array(this.capacity));
      this.noMasks.push(new Int32Array(this.capacity));
    }
    Object.assign(this, { t, src, o, stride, n, units, stop });
    this.root.fill(0, 0, n);
    this.visit(0, 0, this.root);
  }

  private visit(node: number, level: number, mask: Int32Array): void {
    const t = this.t;
    const f = t.feature[node]!;
    const n = this.n;
    const dec = this.dec;
    if (!this.units && f < 0) {
      this.stop(t.leaf[node]!, mask, n);
      return;
    }
    if (this.units && t.unit[node]! >= 0) {
      this.unitLines(t.unit[node]!, mask);
      return;
    }
    const yes = this.yesMasks[level + 1]!;
    const no = this.noMasks[level + 1]!;
    const bit = t.bit[node]!;
    const mode = t.mode[node]!;
    if (mode <= 1) splitLess(mode, t.threshold[node]!, t.missingYes[node]!, this.src, this.o + f * this.stride, n, mask, bit, yes, no);
    else {
      decide(mode, t.threshold[node]!, t.missingYes[node]!, this.src, this.o + f * this.stride, n, dec);
      for (let i = 0; i < n; i++) {
        const m = mask[i]!;
        const g = dec[i]!;
        yes[i] = m | (bit & (g - 1));
        no[i] = m | (bit & -g);
      }
    }
    this.visit(t.yes[node]!, level + 1, yes);
    this.visit(t.no[node]!, level + 1, no);
  }

  /** Each row's line of unit u's table: the slots satisfied above it, then x's decisions at its inner nodes. */
  private unitLines(u: number, mask: Int32Array): void {
    const t = this.t;
    const off = t.unitOffset[u]!;
    if (off < 0) return;
    const n = this.n;
    const dA = t.unitAbove[u]!;
    const full = (1 << dA) - 1;
    const line = this.line;
    const dec = this.dec;
    for (let i = 0; i < n; i++) line[i] = full & ~mask[i]!;
    for (let j = 0; j < t.unitInnerCount[u]!; j++) {
      const node = t.unitInner[u * UNIT_INNER + j]!;
      const mode = t.mode[node]!;
      const src = this.src;
      const o = this.o + t.feature[node]! * this.stride;
      const th = t.threshold[node]!;
      const my = t.missingYes[node]!;
      const shift = dA + j;
      if (mode <= 1) {
        const lt = mode === 1;
        for (let i = 0; i < n; i++) {
          const v = src[o + i]!;
          line[i]! |= (v !== v ? my : (lt ? v < th : v <= th) ? 1 : 0) << shift;
        }
        continue;
      }
      decide(mode, th, my, src, o, n, dec);
      for (let i = 0; i < n; i++) line[i]! |= dec[i]! << shift;
    }
    this.stop(u, line, n);
  }
}

/** Scratch space for building tables. */
export class Scratch {
  a = new Float64Array(0);
  b = new Float64Array(0);
  c = new Float64Array(0);
  need(n: number): void {
    if (this.a.length < n) {
      this.a = new Float64Array(n);
      this.b = new Float64Array(n);
      this.c = new Float64Array(n);
    }
  }
}

const WEIGHTS = leafGameWeights();
/** [d][s] = s! (d - s - 1)! / d!: the Shapley weight of a coalition of s among d players. */
export const SUBSET_WEIGHTS = Array.from({ length: MAX_TABLE_SLOTS + 1 }, (_, d) => Float64Array.from({ length: Math.max(d, 1) }, (_, s) => (FACT[s]! * FACT[d - s - 1]!) / FACT[d]!));

/**
 * The background rows' patterns at leaf l (the slots each satisfies, from its
 * failed-slot mask), in first-seen order; s.a[p] = the share of rows with pattern p.
 */
export function backgroundPatterns(t: FlatTree, l: number, zmask: Int32Array, zRows: number, s: Scratch): number[] {
  const size = 1 << t.leafDepth[l]!;
  const full = size - 1;
  s.need(size);
  const counts = s.a;
  counts.fill(0, 0, size);
  const seen: number[] = [];
  for (let i = 0; i < zRows; i++) {
    const p = full & ~zmask[i]!;
    if (counts[p] === 0) seen.push(p);
    counts[p]! += 1 / zRows;
  }
  return seen;
}

/** The interventional table of one leaf from the background rows' failed-slot masks there. */
function interventionalLeaf(t: FlatTree, l: number, zmask: Int32Array, zRows: number, table: Float64Array, s: Scratch): void {
  const off = t.tableOffset[l]!;
  if (off < 0) return;
  const d = t.leafDepth[l]!;
  const size = 1 << d;
  const full = size - 1;
  const W = MAX_SLOTS + 1;
  const { wPlus, wMinus } = WEIGHTS;
  const seen = backgroundPatterns(t, l, zmask, zRows, s);
  const counts = s.a;
  const minus = s.b;
  minus.fill(0, 0, size);
  table.fill(0, off, off + size * d);
  const v = t.leafValue[l]!;
  for (const p of seen) {
    const h = counts[p]! * v;
    const notP = full & ~p;
    const a = d - popcount(p);
    const ps = popcount(p);
    for (let q = p; ; q = (q - 1) & p) {
      const X = notP | q;
      const b = ps - popcount(q);
      if (b > 0) minus[X]! += h * wMinus[a * W + b]!;
      if (a > 0) {
        const wp = h * wPlus[a * W + b]!;
        const o = off + X * d;
        for (let r = notP; r !== 0; r &= r - 1) table[o + (31 - Math.clz32(r & -r))]! += wp;
      }
      if (q === 0) break;
    }
  }
  for (let X = 0; X < size; X++) {
    const m = -minus[X]!;
    for (let k = 0; k < d; k++) if (!(X & (1 << k))) table[off + X * d + k] = m;
  }
}

/**
 * For every subset y of leaf l's slots: s.a[y * (d + 1) + k] = the k-th
 * elementary symmetric polynomial of their zero fractions r (built bit by
 * bit), s.c[y] = the product of their r; s.b has room for 2^d values.
 */
export function subsetProducts(t: FlatTree, l: number, s: Scratch): void {
  const d = t.leafDepth[l]!;
  const size = 1 << d;
  const so = t.leafSlots[l]!;
  s.need(size * (d + 1));
  const poly = s.a;
  const Rp = s.c;
  poly[0] = 1;
  for (let k = 1; k <= d; k++) poly[k] = 0;
  Rp[0] = 1;
  for (let y = 1; y < size; y++) {
    const top = 31 - Math.clz32(y);
    const r = t.slotZero[so + top]!;
    const o = y * (d + 1);
    const po = (y ^ (1 << top)) * (d + 1);
    poly[o] = 1;
    for (let k = 1; k <= d; k++) poly[o + k] = poly[po + k]! + r * poly[po + k - 1]!;
    Rp[y] = Rp[y ^ (1 << top)]! * r;
  }
}

/**
 * After subsetProducts: s.b[y] = scale * sum over S subset y of w[|S|] times
 * the product of the r over y - S, for every subset y of leaf l's slots with
 * |y| < w.length (S with |S| = |y| - k: the k-th elementary polynomial).
 */
export function subsetSums(t: FlatTree, l: number, s: Scratch, w: Float64Array, scale: number): void {
  const d = t.leafDepth[l]!;
  const poly = s.a;
  const E = s.b;
  for (let y = 0; y < 1 << d; y++) {
    const m = popcount(y);
    if (m >= w.length) continue;
    const o = y * (d + 1);
    let sum = 0;
    for (let k = 0; k <= m; k++) sum += w[m - k]! * poly[o + k]!;
    E[y] = scale * sum;
  }
}

/** The path-dependent table of one leaf from its slots' zero fractions r_k. */
function pathDependentLeaf(t: FlatTree, l: number, table: Float64Array, s: Scratch): void {
  const off = t.tableOffset[l]!;
  if (off < 0) return;
  const d = t.leafDepth[l]!;
  const size = 1 << d;
  const so = t.leafSlots[l]!;
  const v = t.leafValue[l]!;
  subsetProducts(t, l, s);
  subsetSums(t, l, s, SUBSET_WEIGHTS[d]!, v);
  const E = s.b;
  const Rp = s.c;
  const full = size - 1;
  for (let X = 0; X < size; X++) {
    const R = Rp[full & ~X]!;
    const o = off + X * d;
    for (let k = 0; k < d; k++) {
      const bit = 1 << k;
      table[o + k] = X & bit ? (1 - t.slotZero[so + k]!) * R * E[X ^ bit]! : -R * E[X]!;
    }
  }
}

/** What the leaf-table engine needs besides the ensemble and the rows (structured-clonable: workers get it too). */
export interface LeafTableJob {
  algorithm: 'interventional' | 'path-dependent';
  /** Background rows, row-major [zRows, features] (interventional). */
  background?: ArrayLike<number>;
  /** Output column explained, per row. */
  targets: Int32Array;
  /** Per tree x output: whether the tree has a nonzero leaf for that output. */
  has: Uint8Array;
  /** Also the interaction values [rows, features, features] (after the values in each chunk). */
  interactions?: boolean;
  /** Groups of consecutive trees computed separately and summed in order (default 1; see leafTableChunks). */
  treeGroups?: number;
}

/** Rows `list` of x, feature-major in blocks of BLOCK: feature f of the i-th row of block b at (b * F + f) * BLOCK + i. */
function transposeBlocks(x: ArrayLike<number>, F: number, list: readonly number[]): Float64Array {
  const blocks = Math.ceil(list.length / BLOCK);
  const xT = new Float64Array(blocks * F * BLOCK);
  list.forEach((row, j) => {
    const o = Math.floor(j / BLOCK) * F * BLOCK + (j % BLOCK);
    for (let f = 0; f < F; f++) xT[o + f * BLOCK] = x[row * F + f]!;
  });
  return xT;
}

/** What run() returns: values [rows, F] and, when asked, interaction values [rows, F, F]. */
export interface LeafTableValues {
  values: Float64Array;
  interactions: Float64Array | null;
}

/** The leaf-table engine over a fixed ensemble and background; run() explains any set of rows. */
export class LeafTableEngine {
  private readonly rows = new BlockWalker(BLOCK);
  private readonly scratch = new Scratch();
  private table = new Float64Array(0);
  private leafTable = new Float64Array(0);
  private pairTable = new Float64Array(0);
  private readonly zT: Float64Array | null = null;
  private readonly zRows: number = 0;
  private readonly zWalker: BlockWalker | null = null;
  private reference: Interventional | PathDependent | null = null;
  private acc = new Float64Array(0);
  private accPairs = new Float64Array(0);
  private accOffset = 0;
  private flat!: FlatTree;
  private layout: PairLayout | null = null;
  /** Trees explained with tables / with the reference walks (too big for tables); the same for interaction values. */
  tabled = 0;
  walked = 0;
  pairsTabled = 0;
  pairsWalked = 0;

  constructor(private readonly e: TreeEnsemble, private readonly job: LeafTableJob) {
    const bg = job.background;
    if (job.algorithm === 'interventional') {
      if (!bg) throw new TreeError('tree-shap: interventional TreeSHAP needs background rows');
      const F = e.features;
      this.zRows = bg.length / F;
      const zT = new Float64Array(bg.length);
      for (let i = 0; i < this.zRows; i++) for (let f = 0; f < F; f++) zT[f * this.zRows + i] = bg[i * F + f]!;
      this.zT = zT;
      this.zWalker = new BlockWalker(this.zRows);
    }
  }

  /** Values (and interaction values) of rows [start, end) of x (row-major) from trees [treeStart, treeEnd), row-major [end - start, features (, features)]. */
  run(x: ArrayLike<number>, start: number, end: number, treeStart = 0, treeEnd = this.e.roots.length): LeafTableValues {
    const e = this.e;
    const F = e.features;
    const values = new Float64Array((end - start) * F);
    const interactions = this.job.interactions ? new Float64Array((end - start) * F * F) : null;
    for (let out = 0; out < e.outputs; out++) {
      const list: number[] = [];
      for (let r = start; r < end; r++) if (this.job.targets[r] === out) list.push(r);
      if (list.length === 0) continue;
      const xT = transposeBlocks(x, F, list);
      this.acc = new Float64Array(xT.length);
      this.accPairs = interactions ? new Float64Array(list.length * F * F) : new Float64Array(0);
      for (let t = treeStart; t < treeEnd; t++) {
        if (this.job.has[t * e.outputs + out]) this.tree(t, out, x, list, xT);
      }
      const rowValues = new Float64Array(F);
      list.forEach((r, j) => {
        const o = Math.floor(j / BLOCK) * F * BLOCK + (j % BLOCK);
        for (let f = 0; f < F; f++) rowValues[f] = this.acc[o + f * BLOCK]!;
        values.set(rowValues, (r - start) * F);
        if (!interactions) return;
        finishPairs(this.accPairs, j * F * F, rowValues, 0, F);
        interactions.set(this.accPairs.subarray(j * F * F, (j + 1) * F * F), (r - start) * F * F);
      });
    }
    return { values, interactions };
  }

  private tree(t: number, out: number, x: ArrayLike<number>, list: readonly number[], xT: Float64Array): void {
    const e = this.e;
    const F = e.features;
    const pathDependent = this.job.algorithm === 'path-dependent';
    const flat = flattenTree(e, e.roots[t]!, out, pathDependent ? e.cover : undefined);
    const layout = flat && this.job.interactions ? pairLayout(flat, F) : null;
    if (!flat || (this.job.interactions && !layout)) this.walkReference(t, out, x, list, !flat, this.job.interactions === true);
    if (!flat) return;
    this.tabled++;
    this.flat = flat;
    this.layout = layout;
    if (this.leafTable.length < flat.entries) this.leafTable = new Float64Array(flat.entries);
    if (this.table.length < flat.unitEntries) this.table = new Float64Array(flat.unitEntries);
    if (layout && this.pairTable.length < layout.entries) this.pairTable = new Float64Array(layout.entries);
    this.buildTables(flat, layout);
    unitTables(flat, this.leafTable, this.table);
    for (let b = 0; b * BLOCK < list.length; b++) {
      const n = Math.min(BLOCK, list.length - b * BLOCK);
      this.accOffset = b * BLOCK;
      this.rows.walk(flat, xT, b * F * BLOCK, BLOCK, n, true, this.apply);
      if (layout) this.rows.walk(flat, xT, b * F * BLOCK, BLOCK, n, false, this.applyPairs);
    }
  }

  /** The tree's leaf tables (and pair tables when layout is given). */
  private buildTables(flat: FlatTree, layout: PairLayout | null): void {
    const { leafTable, pairTable, scratch } = this;
    if (this.job.algorithm === 'path-dependent') {
      for (let l = 0; l < flat.leafDepth.length; l++) {
        pathDependentLeaf(flat, l, leafTable, scratch);
        if (layout) pathDependentPairs(flat, layout, l, pairTable, scratch);
      }
      return;
    }
    this.zWalker!.walk(flat, this.zT!, 0, this.zRows, this.zRows, false, (l, mask) => {
      interventionalLeaf(flat, l, mask, this.zRows, leafTable, scratch);
      if (layout) interventionalPairs(flat, layout, l, mask, this.zRows, pairTable, scratch);
    });
  }

  /** Add each row's entries at a unit into the block's values (feature-major, like xT): one pass per slot over its slice of the table. */
  private readonly apply = (u: number, line: Int32Array, n: number): void => {
    const t = this.flat;
    const dU = t.unitSlots[u]!;
    const fs = t.unitFeatureStart[u]!;
    const size = 2 ** (t.unitAbove[u]! + t.unitInnerCount[u]!);
    const table = this.table;
    const acc = this.acc;
    const base = this.accOffset * this.e.features;
    const off = t.unitOffset[u]!;
    let k = 0;
    // two slots per pass: each row's index is read once for both
    for (; k + 1 < dU; k += 2) {
      const a = base + t.unitFeature[fs + k]! * BLOCK, b = base + t.unitFeature[fs + k + 1]! * BLOCK;
      const o = off + k * size, p = o + size;
      for (let i = 0; i < n; i++) {
        const li = line[i]!;
        acc[a + i]! += table[o + li]!;
        acc[b + i]! += table[p + li]!;
      }
    }
    if (k < dU) {
      const a = base + t.unitFeature[fs + k]! * BLOCK;
      const o = off + k * size;
      for (let i = 0; i < n; i++) acc[a + i]! += table[o + line[i]!]!;
    }
  };

  /** Add each row's pair entries at a leaf into the block's interaction values. */
  private readonly applyPairs = (l: number, mask: Int32Array, n: number): void => {
    const F = this.e.features;
    applyPairs(this.flat, this.layout!, l, mask, n, this.pairTable, this.accPairs, this.accOffset * F * F, F * F);
  };

  /** The reference walks for one tree: values (when `values`) and interaction values (when `pairs`, upper triangle). */
  private walkReference(t: number, out: number, x: ArrayLike<number>, list: readonly number[], values: boolean, pairs: boolean): void {
    const e = this.e;
    const F = e.features;
    if (values) this.walked++;
    if (pairs) this.pairsWalked++;
    this.reference ??= this.job.algorithm === 'interventional' ? new Interventional(e, this.job.background!, this.zRows) : new PathDependent(e, e.cover!);
    const phi = new Float64Array(F);
    const inter = pairs ? new Float64Array(F * F) : null;
    list.forEach((r, j) => {
      phi.fill(0);
      inter?.fill(0);
      if (this.reference instanceof Interventional) this.reference.run(e.roots[t]!, x, r * F, out, phi, inter);
      else {
        this.reference!.run(e.roots[t]!, x, r * F, out, phi);
        if (inter) pathDependentTreeInteractions(e, this.reference!, e.roots[t]!, x, r * F, out, inter);
      }
      const o = Math.floor(j / BLOCK) * F * BLOCK + (j % BLOCK);
      if (values) for (let f = 0; f < F; f++) this.acc[o + f * BLOCK]! += phi[f]!;
      if (inter) for (let a = 0; a < F; a++) for (let b = a + 1; b < F; b++) this.accPairs[j * F * F + a * F + b]! += inter[a * F + b]!;
    });
  }
}

/** One tree's path-dependent interaction values of one row into inter (off the diagonal): conditioning on each of its features being on and off. */
export function pathDependentTreeInteractions(e: TreeEnsemble, engine: PathDependent, root: number, x: ArrayLike<number>, xo: number, out: number, inter: Float64Array): void {
  const F = e.features;
  const on = new Float64Array(F);
  const off = new Float64Array(F);
  const used = new Set<number>();
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (e.feature[n]! >= 0) {
      used.add(e.feature[n]!);
      stack.push(e.yes[n]!, e.no[n]!);
    }
  }
  for (const j of [...used].sort((a, b) => a - b)) {
    on.fill(0);
    off.fill(0);
    engine.run(root, x, xo, out, on, 1, j);
    engine.run(root, x, xo, out, off, -1, j);
    for (let k = 0; k < F; k++) if (k !== j) inter[j * F + k]! += (on[k]! - off[k]!) / 2;
  }
}

/** Trees [start, end) of tree group g when an ensemble's trees are split into `groups` groups. */
export function treeGroup(trees: number, groups: number, g: number): [number, number] {
  const size = Math.ceil(trees / groups);
  return [Math.min(trees, g * size), Math.min(trees, (g + 1) * size)];
}

/**
 * The row function of the 'tree-shap' job of the thread pool: index k =
 * c * job.treeGroups + g -> the values of rows [c * chunkRows, ...) from the
 * trees of group g, padded to chunkRows rows, then their interaction values
 * when asked. Groups of trees let threads share the tables' setup; the caller
 * sums the groups in order, so values do not depend on the thread count.
 */
export function leafTableChunks(e: TreeEnsemble, x: ArrayLike<number>, rows: number, job: LeafTableJob, chunkRows: number): (k: number) => Float64Array {
  const engine = new LeafTableEngine(e, job);
  const F = e.features;
  const groups = job.treeGroups ?? 1;
  return (k) => {
    const c = Math.floor(k / groups);
    const out = new Float64Array(chunkRows * F * (job.interactions ? F + 1 : 1));
    const r = engine.run(x, c * chunkRows, Math.min(rows, (c + 1) * chunkRows), ...treeGroup(e.roots.length, groups, k % groups));
    out.set(r.values);
    if (r.interactions) out.set(r.interactions, chunkRows * F);
    return out;
  };
}
