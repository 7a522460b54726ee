/**
 * The reference TreeSHAP engines, one row and one tree at a time: the
 * interventional walk that carries every background row that can still reach
 * a node, and the path-dependent recursion of Lundberg et al. 2020
 * (Algorithm 2, the shap C++ recursion). tree-shap.ts uses them for
 * interaction values, for trees too deep for the per-leaf tables
 * (leaf-tables.ts) and when asked (pathTables: false); the tests check the
 * tables against them.
 */
import { goesYes, maxDepth, TreeError, type TreeEnsemble } from './tree-ensemble.js';

export const MAX_SLOTS = 32;
/** Most distinct features on one path that get per-leaf tables (leaf-tables.ts: 2^d x d entries per leaf). */
export const MAX_TABLE_SLOTS = 20;

export const FACT: number[] = [1];
for (let i = 1; i <= 80; i++) FACT.push(FACT[i - 1]! * i);
const fact = (n: number): number => FACT[n]!;

export function popcount(m: number): number {
  m -= (m >>> 1) & 0x55555555;
  m = (m & 0x33333333) + ((m >>> 2) & 0x33333333);
  return (((m + (m >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Shapley weights of the interventional leaf game, [a * (MAX_SLOTS + 1) + b]: (a-1)! b! / (a+b)! and a! (b-1)! / (a+b)!. */
export function leafGameWeights(): { wPlus: Float64Array; wMinus: Float64Array } {
  const n = MAX_SLOTS + 1;
  const wPlus = new Float64Array(n * n);
  const wMinus = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      if (a + b === 0 || a + b > 80) continue;
      if (a >= 1) wPlus[a * n + b] = (fact(a - 1) * fact(b)) / fact(a + b);
      if (b >= 1) wMinus[a * n + b] = (fact(a) * fact(b - 1)) / fact(a + b);
    }
  }
  return { wPlus, wMinus };
}

/** Interventional TreeSHAP of one row against every background row (values averaged over the background). */
export class Interventional {
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
    ({ wPlus: this.wPlus, wMinus: this.wMinus } = leafGameWeights());
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
export class PathDependent {
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
