/**
 * Exact TreeSHAP for tree ensembles (Lundberg et al. 2020), on raw scores
 * (before the post transform: margins for boosted classifiers, averaged
 * probabilities for forests), per row for one target column.
 *
 * interventional (the default; ONNX-ML trees carry no covers): the Shapley
 * values of v(S) = mean_z f(x_S, z_rest) over a background set Z. For one
 * (x, z) pair and one leaf, the leaf counts in v(S) iff S holds every path
 * feature that only x satisfies (A) and none that only z satisfies (B), so
 * with a = |A|, b = |B| and leaf value v:
 *   phi_i = +v (a-1)! b! / (a+b)!   (i in A),   phi_j = -v a! (b-1)! / (a+b)!   (j in B)
 * One depth-first walk per tree and row carries every background row that can
 * still reach a node (with its bit mask of A-features), pruning subtrees no
 * background row reaches. Shapley interaction values of the same leaf game:
 *   I_ij = v (a-2)! b!/(a+b-1)! (i, j in A), v a! (b-2)!/(a+b-1)! (in B), -v (a-1)! (b-1)!/(a+b-1)! (one each),
 * reported as SHAP does: Phi_ij = I_ij / 2 off the diagonal, Phi_ii = phi_i - sum_j Phi_ij.
 *
 * path-dependent: Algorithm 2 of Lundberg et al. 2020 (the shap C++ recursion,
 * O(T L D^2) per row) with node covers (ONNX nodes_hitrates, or counted from
 * data with withCoversFromData); v(S) = E[f(x) | x_S] under the covers'
 * distribution. Interactions by conditioning on each feature being on / off.
 *
 * Both sum per row to f(x) - E[f] (completeness, reported).
 */
import type { Attribution, Target } from '../attribution/types.js';
import { goesYes, maxDepth, predictRaw, TreeError, type TreeEnsemble } from './tree-ensemble.js';
import { argmaxRows, targetList } from '../util/argmax.js';

export const TREE_SHAP = 'tree-shap';
export type TreeShapAlgorithm = 'interventional' | 'path-dependent';

export interface TreeShapOptions {
  /** Output column explained: 'argmax' (the largest raw score; default), one index for all rows, or one per row. */
  target?: Target;
  /** Background rows [rows, features] (row-major) for interventional TreeSHAP. */
  background?: ArrayLike<number>;
  /** 'interventional' (default) or 'path-dependent' (needs covers). */
  algorithm?: TreeShapAlgorithm;
  /** Also compute SHAP interaction values [rows, features, features]. */
  interactions?: boolean;
  /** Per-leaf tables, one tree at a time (fast; default for trees whose tables need at most PATH_TABLE_MAX_ENTRIES entries), or the direct walks (false). */
  pathTables?: boolean;
}

export interface TreeShapResult extends Attribution {
  /** Float64 values [rows, features] (the Float32 `values` are rounded from these). */
  values64: Float64Array;
  /** E[f] for each row's target (background mean, or the cover-weighted mean). */
  expectedValue: Float64Array;
  /** Raw score of each row's target. */
  prediction: Float64Array;
  /** [rows, features, features] when requested. */
  interactions?: Float64Array;
}

export const TREE_SHAP_OPTION_NAMES = ['target', 'background', 'algorithm', 'interactions', 'pathTables'] as const;
const MAX_SLOTS = 32;

const FACT: number[] = [1];
for (let i = 1; i <= 80; i++) FACT.push(FACT[i - 1]! * i);
const fact = (n: number): number => FACT[n]!;

function resolveTargets(e: TreeEnsemble, x: ArrayLike<number>, rows: number, target: Target | undefined): Int32Array {
  const spec = target ?? 'argmax';
  const k = e.outputs;
  if (spec === 'argmax') return argmaxRows(predictRaw(e, x, rows), rows, k);
  return targetList(spec, rows, k, {
    count: (n) => new TreeError(`tree-shap: target: ${n} targets for ${rows} rows; give one per row, one number for all, or 'argmax'`),
    range: (t, r) => new TreeError(`tree-shap: target ${t} (row ${r}) is out of range: ${e.source} has ${k} output column(s) (0 to ${k - 1})`),
  });
}

/** Whether each tree has a nonzero leaf for each output: trees of other classes are skipped. */
function treeOutputs(e: TreeEnsemble): Uint8Array {
  const k = e.outputs;
  const has = new Uint8Array(e.roots.length * k);
  e.roots.forEach((root, t) => {
    const stack = [root];
    while (stack.length) {
      const n = stack.pop()!;
      if (e.feature[n]! >= 0) stack.push(e.yes[n]!, e.no[n]!);
      else for (let j = 0; j < k; j++) if (e.leafValue[n * k + j] !== 0) has[t * k + j] = 1;
    }
  });
  return has;
}

function popcount(m: number): number {
  m -= (m >>> 1) & 0x55555555;
  m = (m & 0x33333333) + ((m >>> 2) & 0x33333333);
  return (((m + (m >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Interventional TreeSHAP of one row against every background row (values averaged over the background). */
class Interventional {
  private readonly idx: Int32Array[] = [];
  private readonly mask: Uint32Array[] = [];
  private readonly featureSlot: Int32Array;
  private readonly slotFeature = new Int32Array(MAX_SLOTS);
  private slots = 0;
  private x!: ArrayLike<number>;
  private xo = 0;
  private phi!: Float64Array;
  private inter: Float64Array | null = null;
  private out = 0;
  private scale = 1;
  private readonly wPlus: Float64Array;
  private readonly wMinus: Float64Array;

  constructor(private readonly e: TreeEnsemble, private readonly z: ArrayLike<number>, private readonly zRows: number) {
    const depth = maxDepth(e);
    for (let l = 0; l <= depth + 1; l++) {
      this.idx.push(new Int32Array(zRows));
      this.mask.push(new Uint32Array(zRows));
    }
    this.featureSlot = new Int32Array(e.features).fill(-1);
    const n = MAX_SLOTS + 1;
    this.wPlus = new Float64Array(n * n);
    this.wMinus = new Float64Array(n * n);
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        if (a + b === 0 || a + b > 80) continue;
        if (a >= 1) this.wPlus[a * n + b] = (fact(a - 1) * fact(b)) / fact(a + b);
        if (b >= 1) this.wMinus[a * n + b] = (fact(a) * fact(b - 1)) / fact(a + b);
      }
    }
  }

  /** Add the row's values for output `out` of tree `root` into phi (and inter, [F, F]). */
  run(root: number, x: ArrayLike<number>, xo: number, out: number, phi: Float64Array, inter: Float64Array | null): void {
    this.x = x;
    this.xo = xo;
    this.out = out;
    this.phi = phi;
    this.inter = inter;
    this.scale = 1 / this.zRows;
    const idx = this.idx[0]!;
    const mask = this.mask[0]!;
    for (let i = 0; i < this.zRows; i++) {
      idx[i] = i;
      mask[i] = 0;
    }
    this.walk(root, 0, this.zRows, 0);
  }

  private walk(node: number, level: number, count: number, xfail: number): void {
    const e = this.e;
    const f = e.feature[node]!;
    if (f < 0) {
      this.leaf(node, level, count, xfail);
      return;
    }
    let s = this.featureSlot[f]!;
    const fresh = s < 0;
    if (fresh) {
      if (this.slots === MAX_SLOTS) throw new TreeError(`tree-shap: a path of ${e.source} tests more than ${MAX_SLOTS} distinct features; interventional TreeSHAP supports up to ${MAX_SLOTS}`);
      s = this.slots++;
      this.featureSlot[f] = s;
      this.slotFeature[s] = f;
    }
    const bit = (1 << s) >>> 0;
    const md = e.mode[node]!;
    const th = e.threshold[node]!;
    const my = e.missingYes[node]!;
    const xYes = goesYes(md, this.x[this.xo + f]!, th, my);
    const cx = xYes ? e.yes[node]! : e.no[node]!;
    const co = xYes ? e.no[node]! : e.yes[node]!;
    const idx = this.idx[level]!;
    const mask = this.mask[level]!;
    const nidx = this.idx[level + 1]!;
    const nmask = this.mask[level + 1]!;
    const z = this.z;
    const F = e.features;
    const xFailedBefore = (xfail & bit) !== 0;
    // x's side: background rows going the other way now fail f (allowed unless x failed f before)
    let c = 0;
    for (let i = 0; i < count; i++) {
      const zi = idx[i]!;
      const m = mask[i]!;
      if (goesYes(md, z[zi * F + f]!, th, my) === xYes) {
        nidx[c] = zi;
        nmask[c++] = m;
      } else if (!xFailedBefore) {
        nidx[c] = zi;
        nmask[c++] = (m | bit) >>> 0;
      }
    }
    if (c > 0) this.walk(cx, level + 1, c, xfail);
    // the other side: x fails f; only background rows that go there and never failed f
    c = 0;
    for (let i = 0; i < count; i++) {
      const zi = idx[i]!;
      const m = mask[i]!;
      if ((m & bit) === 0 && goesYes(md, z[zi * F + f]!, th, my) !== xYes) {
        nidx[c] = zi;
        nmask[c++] = m;
      }
    }
    if (c > 0) this.walk(co, level + 1, c, (xfail | bit) >>> 0);
    if (fresh) {
      this.featureSlot[f] = -1;
      this.slots--;
    }
  }

  private leaf(node: number, level: number, count: number, xfail: number): void {
    const e = this.e;
    const v = e.leafValue[node * e.outputs + this.out]! * this.scale;
    if (v === 0) return;
    const b = popcount(xfail);
    const mask = this.mask[level]!;
    const phi = this.phi;
    const n = MAX_SLOTS + 1;
    let minus = 0;
    for (let i = 0; i < count; i++) {
      const m = mask[i]!;
      const a = popcount(m);
      if (a + b === 0) continue;
      if (b > 0) minus += v * this.wMinus[a * n + b]!;
      if (a > 0) {
        const w = v * this.wPlus[a * n + b]!;
        for (let r = m; r !== 0; r = (r & (r - 1)) >>> 0) phi[this.slotFeature[31 - Math.clz32(r & -r)]!]! += w;
      }
      if (this.inter) this.interactions(m, a, xfail, b, v);
    }
    if (minus !== 0) for (let r = xfail; r !== 0; r = (r & (r - 1)) >>> 0) phi[this.slotFeature[31 - Math.clz32(r & -r)]!]! -= minus;
  }

  private interactions(m: number, a: number, xfail: number, b: number, v: number): void {
    const F = this.e.features;
    const inter = this.inter!;
    const d = fact(a + b - 1);
    const wAA = a >= 2 ? (v * fact(a - 2) * fact(b)) / d / 2 : 0;
    const wBB = b >= 2 ? (v * fact(a) * fact(b - 2)) / d / 2 : 0;
    const wAB = a >= 1 && b >= 1 ? (-v * fact(a - 1) * fact(b - 1)) / d / 2 : 0;
    const A = this.bits(m);
    const B = this.bits(xfail);
    for (let p = 0; p < A.length; p++) {
      for (let q = 0; q < A.length; q++) if (p !== q) inter[A[p]! * F + A[q]!]! += wAA;
      for (let q = 0; q < B.length; q++) {
        inter[A[p]! * F + B[q]!]! += wAB;
        inter[B[q]! * F + A[p]!]! += wAB;
      }
    }
    for (let p = 0; p < B.length; p++) for (let q = 0; q < B.length; q++) if (p !== q) inter[B[p]! * F + B[q]!]! += wBB;
  }

  private bits(m: number): number[] {
    const out: number[] = [];
    for (let r = m; r !== 0; r = (r & (r - 1)) >>> 0) out.push(this.slotFeature[31 - Math.clz32(r & -r)]!);
    return out;
  }
}

/** Path-dependent TreeSHAP (the shap C++ recursion, Lundberg et al. 2020 Algorithm 2). */
class PathDependent {
  private readonly feat: Int32Array;
  private readonly zero: Float64Array;
  private readonly one: Float64Array;
  private readonly pw: Float64Array;
  private x!: ArrayLike<number>;
  private xo = 0;
  private out = 0;
  private phi!: Float64Array;

  constructor(private readonly e: TreeEnsemble, private readonly cover: Float64Array) {
    const d = maxDepth(e) + 2;
    const size = ((d + 1) * (d + 2)) / 2 + d;
    this.feat = new Int32Array(size);
    this.zero = new Float64Array(size);
    this.one = new Float64Array(size);
    this.pw = new Float64Array(size);
  }

  run(root: number, x: ArrayLike<number>, xo: number, out: number, phi: Float64Array, condition = 0, conditionFeature = -1): void {
    this.x = x;
    this.xo = xo;
    this.out = out;
    this.phi = phi;
    this.recurse(root, 0, 0, 1, 1, -1, condition, conditionFeature, 1);
  }

  private extend(o: number, depth: number, zf: number, of: number, fi: number): void {
    const { feat, zero, one, pw } = this;
    feat[o + depth] = fi;
    zero[o + depth] = zf;
    one[o + depth] = of;
    pw[o + depth] = depth === 0 ? 1 : 0;
    for (let i = depth - 1; i >= 0; i--) {
      pw[o + i + 1]! += (of * pw[o + i]! * (i + 1)) / (depth + 1);
      pw[o + i] = (zf * pw[o + i]! * (depth - i)) / (depth + 1);
    }
  }

  private unwind(o: number, depth: number, pi: number): void {
    const { feat, zero, one, pw } = this;
    const of = one[o + pi]!;
    const zf = zero[o + pi]!;
    let next = pw[o + depth]!;
    for (let i = depth - 1; i >= 0; i--) {
      if (of !== 0) {
        const tmp = pw[o + i]!;
        pw[o + i] = (next * (depth + 1)) / ((i + 1) * of);
        next = tmp - (pw[o + i]! * zf * (depth - i)) / (depth + 1);
      } else {
        pw[o + i] = (pw[o + i]! * (depth + 1)) / (zf * (depth - i));
      }
    }
    for (let i = pi; i < depth; i++) {
      feat[o + i] = feat[o + i + 1]!;
      zero[o + i] = zero[o + i + 1]!;
      one[o + i] = one[o + i + 1]!;
    }
  }

  private unwoundSum(o: number, depth: number, pi: number): number {
    const { zero, one, pw } = this;
    const of = one[o + pi]!;
    const zf = zero[o + pi]!;
    let next = pw[o + depth]!;
    let total = 0;
    for (let i = depth - 1; i >= 0; i--) {
      if (of !== 0) {
        const tmp = (next * (depth + 1)) / ((i + 1) * of);
        total += tmp;
        next = pw[o + i]! - tmp * zf * ((depth - i) / (depth + 1));
      } else if (zf !== 0) {
        total += pw[o + i]! / zf / ((depth - i) / (depth + 1));
      }
    }
    return total;
  }

  private recurse(node: number, parentOffset: number, depth: number, pzf: number, pof: number, pfi: number, condition: number, cf: number, cfrac: number): void {
    if (cfrac === 0) return;
    // a child that neither x nor any covered row reaches adds nothing (and would divide 0 by 0 when unwinding)
    if (pzf === 0 && pof === 0) return;
    const { feat, zero, one, pw, e } = this;
    const o = parentOffset + depth + 1;
    for (let i = 0; i <= depth; i++) {
      feat[o + i] = feat[parentOffset + i]!;
      zero[o + i] = zero[parentOffset + i]!;
      one[o + i] = one[parentOffset + i]!;
      pw[o + i] = pw[parentOffset + i]!;
    }
    if (condition === 0 || cf !== pfi) this.extend(o, depth, pzf, pof, pfi);
    const split = e.feature[node]!;
    if (split < 0) {
      const v = e.leafValue[node * e.outputs + this.out]!;
      if (v === 0) return;
      for (let i = 1; i <= depth; i++) {
        const w = this.unwoundSum(o, depth, i);
        this.phi[feat[o + i]!]! += w * (one[o + i]! - zero[o + i]!) * v * cfrac;
      }
      return;
    }
    const xYes = goesYes(e.mode[node]!, this.x[this.xo + split]!, e.threshold[node]!, e.missingYes[node]!);
    const hot = xYes ? e.yes[node]! : e.no[node]!;
    const cold = xYes ? e.no[node]! : e.yes[node]!;
    const w = this.cover[node]!;
    const hotZero = w > 0 ? this.cover[hot]! / w : 0;
    const coldZero = w > 0 ? this.cover[cold]! / w : 0;
    let inZero = 1;
    let inOne = 1;
    let pi = 0;
    for (; pi <= depth; pi++) if (feat[o + pi] === split) break;
    if (pi !== depth + 1) {
      inZero = zero[o + pi]!;
      inOne = one[o + pi]!;
      this.unwind(o, depth, pi);
      depth -= 1;
    }
    let hotCond = cfrac;
    let coldCond = cfrac;
    if (condition > 0 && split === cf) {
      coldCond = 0;
      depth -= 1;
    } else if (condition < 0 && split === cf) {
      hotCond *= hotZero;
      coldCond *= coldZero;
      depth -= 1;
    }
    this.recurse(hot, o, depth + 1, hotZero * inZero, inOne, split, condition, cf, hotCond);
    this.recurse(cold, o, depth + 1, coldZero * inZero, 0, split, condition, cf, coldCond);
  }
}

/** Largest number of per-leaf table entries (float64) built for one tree (2^22: 32 MiB); bigger trees use the recursion. */
export const PATH_TABLE_MAX_ENTRIES = 2 ** 22;

/**
 * Path-dependent TreeSHAP with per-leaf tables (the idea of Fast TreeSHAP v2,
 * Yang 2021). For a leaf with value v and unique path features k = 1..d, zero
 * fractions r_k (product of cover(child) / cover(parent) over the splits on k)
 * and X = the features whose splits x all satisfies:
 *   phi_k = v (1 - r_k) R(X) E(X \ {k})   (k in X),     phi_k = -v R(X) E(X)   (k not in X),
 * with R(X) = prod_{j not in X} r_j and E(Y) = sum_{S subset Y} |S|! (d - |S| - 1)! / d! prod_{j in Y \ S} r_j.
 * v E(Y) is tabulated for all 2^d subsets Y, one tree at a time (the tables of a
 * depth-8 tree take 512 KiB and stay in cache while every row walks that tree);
 * a row then costs one walk over the tree's nodes and O(d) per leaf.
 */
class PathTables {
  private readonly tableOffset: Int32Array;
  private readonly slotOffset: Int32Array;
  private readonly depthOf: Uint8Array;
  private slotFeature = new Int32Array(0);
  private slotZero = new Float64Array(0);
  private table = new Float64Array(0);
  private poly = new Float64Array(0);
  private readonly featureSlot: Int32Array;
  private slots = 0;

  constructor(private readonly e: TreeEnsemble, private readonly cover: Float64Array) {
    const count = e.feature.length;
    this.tableOffset = new Int32Array(count).fill(-1);
    this.slotOffset = new Int32Array(count);
    this.depthOf = new Uint8Array(count);
    this.featureSlot = new Int32Array(e.features).fill(-1);
  }

  /** Table entries the tree rooted at `root` needs for output `out`: 2^d per leaf with a nonzero value. */
  entries(root: number, out: number): number {
    const e = this.e;
    let total = 0;
    const features: number[] = [];
    const walk = (n: number): void => {
      const f = e.feature[n]!;
      if (f < 0) {
        if (e.leafValue[n * e.outputs + out] !== 0) total += 2 ** new Set(features).size;
        return;
      }
      features.push(f);
      walk(e.yes[n]!);
      walk(e.no[n]!);
      features.pop();
    };
    walk(root);
    return total;
  }

  /** Build the tables of one tree for output `out` (`entries` of them). */
  prepare(root: number, out: number, entries: number): void {
    const e = this.e;
    const cover = this.cover;
    const K = e.outputs;
    if (this.table.length < entries) this.table = new Float64Array(entries);
    const table = this.table;
    const slotF: number[] = [];
    const slotZ: number[] = [];
    let tableSize = 0;
    const pf: number[] = [];
    const pz: number[] = [];
    const walk = (n: number): void => {
      const f = e.feature[n]!;
      if (f < 0) {
        const v = e.leafValue[n * K + out]!;
        const d = pf.length;
        this.depthOf[n] = d;
        this.slotOffset[n] = slotF.length;
        for (let k = 0; k < d; k++) {
          slotF.push(pf[k]!);
          slotZ.push(pz[k]!);
        }
        if (v === 0) {
          this.tableOffset[n] = -1;
          return;
        }
        this.tableOffset[n] = tableSize;
        // elementary symmetric polynomials of the r over every subset, built bit by bit
        const size = 1 << d;
        const need = size * (d + 1);
        if (this.poly.length < need) this.poly = new Float64Array(need);
        const poly = this.poly;
        poly[0] = 1;
        for (let t = 1; t <= d; t++) poly[t] = 0;
        for (let y = 1; y < size; y++) {
          const top = 31 - Math.clz32(y);
          const r = pz[top]!;
          const o = y * (d + 1);
          const po = (y ^ (1 << top)) * (d + 1);
          poly[o] = 1;
          for (let t = 1; t <= d; t++) poly[o + t] = poly[po + t]! + r * poly[po + t - 1]!;
        }
        for (let y = 0; y < size; y++) {
          const m = popcount(y);
          let sum = 0;
          // S subset Y with |S| = m - t: weight |S|! (d - |S| - 1)! / d!, times the product of the t r's left out
          for (let t = 0; t <= m; t++) sum += ((FACT[m - t]! * FACT[d - (m - t) - 1]!) / FACT[d]!) * poly[y * (d + 1) + t]!;
          table[tableSize + y] = v * sum;
        }
        tableSize += size;
        return;
      }
      const existing = pf.indexOf(f);
      const w = cover[n]!;
      const ry = w > 0 ? cover[e.yes[n]!]! / w : 0;
      const rn = w > 0 ? cover[e.no[n]!]! / w : 0;
      if (existing >= 0) {
        const keep = pz[existing]!;
        pz[existing] = keep * ry;
        walk(e.yes[n]!);
        pz[existing] = keep * rn;
        walk(e.no[n]!);
        pz[existing] = keep;
      } else {
        if (pf.length === MAX_SLOTS) throw new TreeError(`tree-shap: a path of ${e.source} tests more than ${MAX_SLOTS} distinct features`);
        pf.push(f);
        pz.push(ry);
        walk(e.yes[n]!);
        pz[pz.length - 1] = rn;
        walk(e.no[n]!);
        pf.pop();
        pz.pop();
      }
    };
    walk(root);
    this.slotFeature = Int32Array.from(slotF);
    this.slotZero = Float64Array.from(slotZ);
  }

  /** Add one row's values for the prepared tree rooted at `root` into phi (at offset po). */
  run(root: number, x: ArrayLike<number>, xo: number, phi: Float64Array, po: number): void {
    this.walk(root, x, xo, 0, phi, po);
  }

  private walk(n: number, x: ArrayLike<number>, xo: number, fail: number, phi: Float64Array, po: number): void {
    const e = this.e;
    const f = e.feature[n]!;
    if (f < 0) {
      const off = this.tableOffset[n]!;
      if (off < 0) return;
      const d = this.depthOf[n]!;
      const so = this.slotOffset[n]!;
      const X = ((1 << d) - 1) & ~fail;
      let R = 1;
      for (let k = 0; k < d; k++) if (fail & (1 << k)) R *= this.slotZero[so + k]!;
      const table = this.table;
      const out = -R * table[off + X]!;
      for (let k = 0; k < d; k++) {
        const bit = 1 << k;
        if (X & bit) phi[po + this.slotFeature[so + k]!]! += (1 - this.slotZero[so + k]!) * R * table[off + (X ^ bit)]!;
        else phi[po + this.slotFeature[so + k]!]! += out;
      }
      return;
    }
    let s = this.featureSlot[f]!;
    const fresh = s < 0;
    if (fresh) {
      s = this.slots++;
      this.featureSlot[f] = s;
    }
    const xYes = goesYes(e.mode[n]!, x[xo + f]!, e.threshold[n]!, e.missingYes[n]!);
    this.walk(xYes ? e.yes[n]! : e.no[n]!, x, xo, fail, phi, po);
    this.walk(xYes ? e.no[n]! : e.yes[n]!, x, xo, fail | (1 << s), phi, po);
    if (fresh) {
      this.featureSlot[f] = -1;
      this.slots--;
    }
  }
}

/**
 * Interventional TreeSHAP with per-leaf tables, one tree at a time. For a
 * leaf (value v, d unique path features) and a background row whose pattern p
 * (the path features it satisfies) has share H[p] of the background, the row
 * x with satisfied set X counts iff X contains every feature outside p; then
 * a = d - |p| features only x satisfies and b = d - |X| only z does. So every
 * p adds, for each q subset of p and X = (not p) + q:
 *   M[X] += H[p] a! (b-1)! / (a+b)!        (each feature outside X gets -v M[X])
 *   P_k[X] += H[p] (a-1)! b! / (a+b)!      (each k outside p gets +v P_k[X])
 * and a row costs one walk over the tree's nodes and O(d) per leaf.
 */
class InterventionalTables {
  private readonly tableOffset: Int32Array;
  private readonly slotOffset: Int32Array;
  private readonly depthOf: Uint8Array;
  private slotFeature = new Int32Array(0);
  private table = new Float64Array(0);
  private readonly featureSlot: Int32Array;
  private slots = 0;
  private readonly zfail: Uint32Array[] = [];
  private readonly counts: Float64Array;
  private readonly wPlus: Float64Array;
  private readonly wMinus: Float64Array;

  constructor(private readonly e: TreeEnsemble, private readonly z: ArrayLike<number>, private readonly zRows: number) {
    const count = e.feature.length;
    this.tableOffset = new Int32Array(count).fill(-1);
    this.slotOffset = new Int32Array(count);
    this.depthOf = new Uint8Array(count);
    this.featureSlot = new Int32Array(e.features).fill(-1);
    const depth = maxDepth(e);
    for (let l = 0; l <= depth + 1; l++) this.zfail.push(new Uint32Array(zRows));
    this.counts = new Float64Array(2 ** Math.min(depth, 20));
    const n = MAX_SLOTS + 1;
    this.wPlus = new Float64Array(n * n);
    this.wMinus = new Float64Array(n * n);
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        if (a + b === 0 || a + b > 80) continue;
        if (a >= 1) this.wPlus[a * n + b] = (FACT[a - 1]! * FACT[b]!) / FACT[a + b]!;
        if (b >= 1) this.wMinus[a * n + b] = (FACT[a]! * FACT[b - 1]!) / FACT[a + b]!;
      }
    }
  }

  /** Table entries the tree needs for output `out`: 2^d (d + 1) per leaf with a nonzero value. */
  entries(root: number, out: number): number {
    const e = this.e;
    let total = 0;
    const features: number[] = [];
    const walk = (n: number): void => {
      const f = e.feature[n]!;
      if (f < 0) {
        if (e.leafValue[n * e.outputs + out] !== 0) {
          const d = new Set(features).size;
          total += 2 ** d * (d + 1);
        }
        return;
      }
      features.push(f);
      walk(e.yes[n]!);
      walk(e.no[n]!);
      features.pop();
    };
    walk(root);
    return total;
  }

  prepare(root: number, out: number, entries: number): void {
    const e = this.e;
    const K = e.outputs;
    const W = MAX_SLOTS + 1;
    if (this.table.length < entries) this.table = new Float64Array(entries);
    const table = this.table;
    table.fill(0, 0, entries);
    const slotF: number[] = [];
    let size = 0;
    const pf: number[] = [];
    const z = this.z;
    const F = e.features;
    const B = this.zRows;
    const share = 1 / B;
    const zf0 = this.zfail[0]!;
    zf0.fill(0);
    const walk = (n: number, level: number): void => {
      const f = e.feature[n]!;
      const zf = this.zfail[level]!;
      if (f < 0) {
        const v = e.leafValue[n * K + out]!;
        const d = pf.length;
        this.depthOf[n] = d;
        this.slotOffset[n] = slotF.length;
        for (let k = 0; k < d; k++) slotF.push(pf[k]!);
        if (v === 0) {
          this.tableOffset[n] = -1;
          return;
        }
        const off = size;
        this.tableOffset[n] = off;
        const full = (1 << d) - 1;
        // histogram of the background's patterns (satisfied path features)
        const counts = this.counts;
        const seen: number[] = [];
        for (let i = 0; i < B; i++) {
          const p = full & ~zf[i]!;
          if (counts[p] === 0) seen.push(p);
          counts[p]! += share;
        }
        // layout per X: M[X], then P_k[X] for k = 0..d-1
        const stride = d + 1;
        for (const p of seen) {
          const h = counts[p]! * v;
          counts[p] = 0;
          const notP = full & ~p;
          const a = d - popcount(p);
          const ps = popcount(p);
          // every q subset of p (including empty and p itself)
          for (let q = p; ; q = (q - 1) & p) {
            const X = notP | q;
            const b = ps - popcount(q);
            const o = off + X * stride;
            if (b > 0) table[o]! += h * this.wMinus[a * W + b]!;
            if (a > 0) {
              const wp = h * this.wPlus[a * W + b]!;
              for (let r = notP; r !== 0; r &= r - 1) table[o + 1 + (31 - Math.clz32(r & -r))]! += wp;
            }
            if (q === 0) break;
          }
        }
        size += (1 << d) * stride;
        return;
      }
      const existing = pf.indexOf(f);
      const s = existing >= 0 ? existing : pf.length;
      if (existing < 0) {
        if (pf.length === MAX_SLOTS) throw new TreeError(`tree-shap: a path of ${e.source} tests more than ${MAX_SLOTS} distinct features`);
        pf.push(f);
      }
      const bit = 1 << s;
      const next = this.zfail[level + 1]!;
      const md = e.mode[n]!;
      const th = e.threshold[n]!;
      const my = e.missingYes[n]!;
      for (let i = 0; i < B; i++) next[i] = goesYes(md, z[i * F + f]!, th, my) ? zf[i]! : (zf[i]! | bit) >>> 0;
      walk(e.yes[n]!, level + 1);
      for (let i = 0; i < B; i++) next[i] = goesYes(md, z[i * F + f]!, th, my) ? (zf[i]! | bit) >>> 0 : zf[i]!;
      walk(e.no[n]!, level + 1);
      if (existing < 0) pf.pop();
    };
    walk(root, 0);
    this.slotFeature = Int32Array.from(slotF);
  }

  run(root: number, x: ArrayLike<number>, xo: number, phi: Float64Array, po: number): void {
    this.walk(root, x, xo, 0, phi, po);
  }

  private walk(n: number, x: ArrayLike<number>, xo: number, fail: number, phi: Float64Array, po: number): void {
    const e = this.e;
    const f = e.feature[n]!;
    if (f < 0) {
      const off = this.tableOffset[n]!;
      if (off < 0) return;
      const d = this.depthOf[n]!;
      const so = this.slotOffset[n]!;
      const X = ((1 << d) - 1) & ~fail;
      const o = off + X * (d + 1);
      const table = this.table;
      const m = table[o]!;
      for (let k = 0; k < d; k++) {
        if (X & (1 << k)) phi[po + this.slotFeature[so + k]!]! += table[o + 1 + k]!;
        else phi[po + this.slotFeature[so + k]!]! -= m;
      }
      return;
    }
    let s = this.featureSlot[f]!;
    const fresh = s < 0;
    if (fresh) {
      s = this.slots++;
      this.featureSlot[f] = s;
    }
    const xYes = goesYes(e.mode[n]!, x[xo + f]!, e.threshold[n]!, e.missingYes[n]!);
    this.walk(xYes ? e.yes[n]! : e.no[n]!, x, xo, fail, phi, po);
    this.walk(xYes ? e.no[n]! : e.yes[n]!, x, xo, fail | (1 << s), phi, po);
    if (fresh) {
      this.featureSlot[f] = -1;
      this.slots--;
    }
  }
}

/** E[f] under the covers: each leaf weighted by the product of cover(child) / cover(parent) along its path. */
function coverExpectation(e: TreeEnsemble, cover: Float64Array, t: number, out: number): number {
  let total = 0;
  const stack: Array<[number, number]> = [[e.roots[t]!, 1]];
  while (stack.length) {
    const [n, p] = stack.pop()!;
    if (e.feature[n]! < 0) {
      total += p * e.leafValue[n * e.outputs + out]!;
      continue;
    }
    const w = cover[n]!;
    if (w > 0) stack.push([e.yes[n]!, (p * cover[e.yes[n]!]!) / w], [e.no[n]!, (p * cover[e.no[n]!]!) / w]);
  }
  return total;
}

/** Exact TreeSHAP values (and optionally interaction values) of `rows` rows of `x` ([rows, features], row-major). */
export function treeShap(e: TreeEnsemble, x: ArrayLike<number>, rows: number, options: TreeShapOptions = {}): TreeShapResult {
  for (const key of Object.keys(options)) {
    if ((options as Record<string, unknown>)[key] === undefined) continue;
    if (!(TREE_SHAP_OPTION_NAMES as readonly string[]).includes(key)) throw new TreeError(`tree-shap: option '${key}' does not apply; it takes ${TREE_SHAP_OPTION_NAMES.join(', ')}`);
  }
  const F = e.features;
  if (x.length !== rows * F) throw new TreeError(`tree-shap: ${x.length} values are not ${rows} rows of ${F} features (the width of ${e.source}); choose the feature columns with --columns`);
  const algorithm = options.algorithm ?? 'interventional';
  if (algorithm !== 'interventional' && algorithm !== 'path-dependent') throw new TreeError(`tree-shap: algorithm must be 'interventional' or 'path-dependent', got '${String(algorithm)}'`);
  const targets = resolveTargets(e, x, rows, options.target);
  const K = e.outputs;
  const raw = predictRaw(e, x, rows);
  const has = treeOutputs(e);
  const T = e.roots.length;
  const values = new Float64Array(rows * F);
  const expected = new Float64Array(rows);
  const prediction = Float64Array.from(targets, (t, r) => raw[r * K + t]!);
  const inter = options.interactions ? new Float64Array(rows * F * F) : null;
  const params: Record<string, unknown> = { algorithm, interactions: Boolean(options.interactions), output: 'raw' };

  if (algorithm === 'interventional') {
    const bg = options.background;
    if (!bg || bg.length === 0) {
      throw new TreeError(`tree-shap: interventional TreeSHAP needs background rows (--background bg.csv|bg.json: a sample of the training data, e.g. 100 rows); or use --algorithm path-dependent with covers`);
    }
    if (bg.length % F !== 0) throw new TreeError(`tree-shap: the background has ${bg.length} values, not a whole number of rows of ${F} features`);
    const zRows = bg.length / F;
    for (let i = 0; i < bg.length; i++) if (Number.isNaN(bg[i]!)) throw new TreeError(`tree-shap: background row ${Math.floor(i / F)}, feature ${i % F} is missing; impute or drop it`);
    const bgRaw = predictRaw(e, bg, zRows);
    const bgMean = new Float64Array(K);
    for (let i = 0; i < zRows; i++) for (let j = 0; j < K; j++) bgMean[j]! += bgRaw[i * K + j]! / zRows;
    const engine = new Interventional(e, bg, zRows);
    const tables = options.pathTables === false ? null : new InterventionalTables(e, bg, zRows);
    const phi = new Float64Array(F);
    const rowInter = inter ? new Float64Array(F * F) : null;
    let tabled = 0;
    // values tree-major (each tree's tables built once, walked by every row while in cache)
    for (let out = 0; out < K; out++) {
      const mine: number[] = [];
      for (let r = 0; r < rows; r++) if (targets[r] === out) mine.push(r);
      if (mine.length === 0) continue;
      for (let t = 0; t < T; t++) {
        if (!has[t * K + out]) continue;
        const root = e.roots[t]!;
        const entries = tables ? tables.entries(root, out) : Infinity;
        if (tables && entries <= PATH_TABLE_MAX_ENTRIES) {
          tables.prepare(root, out, entries);
          for (const r of mine) tables.run(root, x, r * F, values, r * F);
          tabled++;
        } else {
          for (const r of mine) {
            phi.fill(0);
            engine.run(root, x, r * F, out, phi, null);
            for (let i = 0; i < F; i++) values[r * F + i]! += phi[i]!;
          }
        }
      }
    }
    for (let r = 0; r < rows; r++) {
      const out = targets[r]!;
      expected[r] = bgMean[out]!;
      if (inter) {
        rowInter!.fill(0);
        phi.fill(0);
        for (let t = 0; t < T; t++) if (has[t * K + out]) engine.run(e.roots[t]!, x, r * F, out, phi, rowInter);
        finishInteractions(values.subarray(r * F, (r + 1) * F), rowInter!, inter, r, F);
      }
    }
    params.tables = tabled > 0;
    params.backgroundRows = zRows;
  } else {
    const cover = e.cover;
    if (!cover) {
      throw new TreeError(`tree-shap: path-dependent TreeSHAP needs node covers, and ${e.source} has none (no nodes_hitrates); count them from the training data (--covers train.csv) or use the interventional algorithm with --background`);
    }
    const engine = new PathDependent(e, cover);
    const tables = options.pathTables === false ? null : new PathTables(e, cover);
    const phi = new Float64Array(F);
    const on = new Float64Array(F);
    const off = new Float64Array(F);
    const base = new Float64Array(K);
    for (let j = 0; j < K; j++) {
      base[j] = e.base[j]!;
      for (let t = 0; t < T; t++) if (has[t * K + j]) base[j]! += coverExpectation(e, cover, t, j);
    }
    const used = [...new Set(Array.from(e.feature).filter((f) => f >= 0))].sort((a, b) => a - b);
    // tree-major: each tree's tables are built once and every row walks them while they are in cache
    let tabled = 0;
    for (let out = 0; out < K; out++) {
      const mine: number[] = [];
      for (let r = 0; r < rows; r++) if (targets[r] === out) mine.push(r);
      if (mine.length === 0) continue;
      for (let t = 0; t < T; t++) {
        if (!has[t * K + out]) continue;
        const root = e.roots[t]!;
        const entries = tables ? tables.entries(root, out) : Infinity;
        if (tables && entries <= PATH_TABLE_MAX_ENTRIES) {
          tables.prepare(root, out, entries);
          for (const r of mine) tables.run(root, x, r * F, values, r * F);
          tabled++;
        } else {
          for (const r of mine) {
            phi.fill(0);
            engine.run(root, x, r * F, out, phi);
            for (let i = 0; i < F; i++) values[r * F + i]! += phi[i]!;
          }
        }
      }
    }
    for (let r = 0; r < rows; r++) {
      const out = targets[r]!;
      phi.set(values.subarray(r * F, (r + 1) * F));
      expected[r] = base[out]!;
      if (inter) {
        const o = r * F * F;
        for (let j = 0; j < F; j++) inter[o + j * F + j] = phi[j]!;
        for (const j of used) {
          on.fill(0);
          off.fill(0);
          for (let t = 0; t < T; t++) {
            if (!has[t * K + out]) continue;
            engine.run(e.roots[t]!, x, r * F, out, on, 1, j);
            engine.run(e.roots[t]!, x, r * F, out, off, -1, j);
          }
          for (let k = 0; k < F; k++) {
            if (k === j) continue;
            const d = (on[k]! - off[k]!) / 2;
            inter[o + j * F + k] = d;
            inter[o + j * F + j]! -= d;
          }
        }
      }
    }
    params.covers = 'model';
    params.pathTables = tabled > 0;
  }
  const sums = new Float32Array(rows);
  const exp = new Float32Array(rows);
  const err = new Float32Array(rows);
  let maxAbsError = 0;
  let maxRelError = 0;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let i = 0; i < F; i++) s += values[r * F + i]!;
    const want = prediction[r]! - expected[r]!;
    sums[r] = s;
    exp[r] = want;
    err[r] = s - want;
    maxAbsError = Math.max(maxAbsError, Math.abs(s - want));
    maxRelError = Math.max(maxRelError, Math.abs(s - want) / Math.max(Math.abs(want), 1e-12));
  }
  return {
    method: TREE_SHAP,
    params,
    targets,
    values: Float32Array.from(values),
    values64: values,
    shape: [rows, F],
    expectedValue: expected,
    prediction,
    ...(inter ? { interactions: inter } : {}),
    completeness: { reference: 'f(x) - f(baseline)', sums, expected: exp, error: err, maxAbsError, maxRelError },
  };
}

function finishInteractions(phi: Float64Array, rowInter: Float64Array, inter: Float64Array, r: number, F: number): void {
  const o = r * F * F;
  for (let i = 0; i < F; i++) {
    let s = 0;
    for (let j = 0; j < F; j++) {
      if (j === i) continue;
      inter[o + i * F + j] = rowInter[i * F + j]!;
      s += rowInter[i * F + j]!;
    }
    inter[o + i * F + i] = phi[i]! - s;
  }
}
