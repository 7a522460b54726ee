/**
 * SHAP interaction values with per-leaf tables, the pair counterpart of the
 * value tables in leaf-tables.ts. For a leaf with d slots, what a row adds to
 * the pair of slots (k, m) depends only on X, the slots whose splits the row
 * satisfies, so each leaf gets a table C[X * P + pair(k, m)] (P = d(d-1)/2
 * pairs, k < m) of the halved Shapley interaction index of the leaf's game,
 * built once per tree; a row then adds P entries per leaf it is walked to.
 *
 * interventional: a background pattern p (share H[p]) with q subset of p
 * gives X = (not p) + q, A = not p (a slots only x satisfies), B = p - q (b
 * slots only z satisfies); with s = a + b - 1 the leaf game's index is
 *   v (a-2)! b! / s! (k, m in A),   v a! (b-2)! / s! (in B),   -v (a-1)! (b-1)! / s! (one in each).
 * path-dependent: the leaf's game is v prod_{j in S} [j in X] prod_{j not in S} r_j, so
 *   I_km(X) = v ([k in X] - r_k) ([m in X] - r_m) R(Y') E2(X - {k, m}),
 * where Y' = the slots outside X other than k and m, R the product of their r,
 * and E2(Y) = sum_{S subset Y} |S|! (d-|S|-2)! / (d-1)! prod_{j in Y - S} r_j.
 * SHAP reports Phi_km = I_km / 2 off the diagonal and Phi_kk = phi_k - sum_m Phi_km.
 */
import { MAX_TABLE_ENTRIES, SUBSET_WEIGHTS, backgroundPatterns, subsetProducts, subsetSums, type FlatTree, type Scratch } from './leaf-tables.js';
import { FACT, MAX_TABLE_SLOTS, popcount } from './tree-shap-reference.js';

const W = MAX_TABLE_SLOTS + 1;

/** Halved interaction weights of the interventional leaf game, [a * W + b]: both in A, both in B, one in each. */
function pairWeights(): { aa: Float64Array; bb: Float64Array; ab: Float64Array } {
  const aa = new Float64Array(W * W);
  const bb = new Float64Array(W * W);
  const ab = new Float64Array(W * W);
  for (let a = 0; a < W; a++) {
    for (let b = 0; a + b < W; b++) {
      if (a + b < 2) continue;
      const s = FACT[a + b - 1]!;
      if (a >= 2) aa[a * W + b] = (FACT[a - 2]! * FACT[b]!) / s / 2;
      if (b >= 2) bb[a * W + b] = (FACT[a]! * FACT[b - 2]!) / s / 2;
      if (a >= 1 && b >= 1) ab[a * W + b] = -(FACT[a - 1]! * FACT[b - 1]!) / s / 2;
    }
  }
  return { aa, bb, ab };
}

const PAIR_WEIGHTS = pairWeights();

/** PAIR[k * W + m] = the index of the slot pair {k, m} (k != m) among d slots' pairs in order (0,1), (0,2), ..., (1,2), ... (the same for every d). */
const PAIR = new Int32Array(W * W);
{
  // order by the larger slot first: pairs of slots below m come before m's, so one layout serves every d
  let i = 0;
  for (let m = 1; m < W; m++) {
    for (let k = 0; k < m; k++) {
      PAIR[k * W + m] = i;
      PAIR[m * W + k] = i++;
    }
  }
}

/** Where each leaf's pair table starts and which cells of the row's [F, F] block its pairs add to. */
export interface PairLayout {
  /** Per leaf: offset of its pair table (2^d x P entries), or -1 (zero leaf or fewer than 2 slots). */
  offset: Int32Array;
  /** Per leaf slot pair (at the leaf's leafSlots offset scaled: see cellStart): min(f_k, f_m) * F + max(f_k, f_m). */
  cell: Int32Array;
  /** Per leaf: where its pairs start in cell. */
  cellStart: Int32Array;
  entries: number;
}

const pairsOf = (d: number): number => (d * (d - 1)) / 2;

/** The pair tables' layout for a flat tree, or null when they would need more than MAX_TABLE_ENTRIES entries. */
export function pairLayout(t: FlatTree, F: number): PairLayout | null {
  const leaves = t.leafDepth.length;
  const offset = new Int32Array(leaves).fill(-1);
  const cellStart = new Int32Array(leaves + 1);
  let entries = 0;
  let cells = 0;
  for (let l = 0; l < leaves; l++) {
    const d = t.leafDepth[l]!;
    cellStart[l] = cells;
    cells += pairsOf(d);
    if (t.tableOffset[l]! < 0 || d < 2) continue;
    offset[l] = entries;
    entries += (1 << d) * pairsOf(d);
    if (entries > MAX_TABLE_ENTRIES) return null;
  }
  cellStart[leaves] = cells;
  const cell = new Int32Array(cells);
  for (let l = 0; l < leaves; l++) {
    const so = t.leafSlots[l]!;
    const d = t.leafDepth[l]!;
    for (let m = 1; m < d; m++) {
      for (let k = 0; k < m; k++) {
        const fk = t.slotFeature[so + k]!, fm = t.slotFeature[so + m]!;
        cell[cellStart[l]! + PAIR[k * W + m]!] = Math.min(fk, fm) * F + Math.max(fk, fm);
      }
    }
  }
  return { offset, cell, cellStart, entries };
}

/** Slots of a mask, ascending, into out; returns how many. */
function slotsOf(mask: number, out: Int32Array): number {
  let n = 0;
  for (let r = mask; r !== 0; r &= r - 1) out[n++] = 31 - Math.clz32(r & -r);
  return n;
}

const A_SLOTS = new Int32Array(32);
const B_SLOTS = new Int32Array(32);

/** Add w to every pair within the first n slots of s, at table offset o. */
function addWithin(table: Float64Array, o: number, s: Int32Array, n: number, w: number): void {
  for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) table[o + PAIR[s[j]! * W + s[i]!]!]! += w;
}

/** The interventional pair table of leaf l from the background rows' failed-slot masks there. */
export function interventionalPairs(t: FlatTree, layout: PairLayout, l: number, zmask: Int32Array, zRows: number, table: Float64Array, s: Scratch): void {
  const off = layout.offset[l]!;
  if (off < 0) return;
  const d = t.leafDepth[l]!;
  const P = pairsOf(d);
  const full = (1 << d) - 1;
  table.fill(0, off, off + (1 << d) * P);
  const seen = backgroundPatterns(t, l, zmask, zRows, s);
  const counts = s.a;
  const v = t.leafValue[l]!;
  const { aa, bb, ab } = PAIR_WEIGHTS;
  for (const p of seen) {
    const h = counts[p]! * v;
    const notP = full & ~p;
    const a = slotsOf(notP, A_SLOTS);
    const ps = d - a;
    for (let q = p; ; q = (q - 1) & p) {
      const b = ps - popcount(q);
      if (a + b >= 2) {
        const o = off + (notP | q) * P;
        const nb = slotsOf(p & ~q, B_SLOTS);
        if (a >= 2) addWithin(table, o, A_SLOTS, a, h * aa[a * W + b]!);
        if (b >= 2) addWithin(table, o, B_SLOTS, nb, h * bb[a * W + b]!);
        if (a >= 1 && b >= 1) {
          const w = h * ab[a * W + b]!;
          for (let i = 0; i < a; i++) for (let j = 0; j < nb; j++) table[o + PAIR[A_SLOTS[i]! * W + B_SLOTS[j]!]!]! += w;
        }
      }
      if (q === 0) break;
    }
  }
}

/** The path-dependent pair table of leaf l from its slots' zero fractions r_k. */
export function pathDependentPairs(t: FlatTree, layout: PairLayout, l: number, table: Float64Array, s: Scratch): void {
  const off = layout.offset[l]!;
  if (off < 0) return;
  const d = t.leafDepth[l]!;
  const P = pairsOf(d);
  const size = 1 << d;
  const full = size - 1;
  const so = t.leafSlots[l]!;
  const v = t.leafValue[l]!;
  subsetProducts(t, l, s);
  subsetSums(t, l, s, SUBSET_WEIGHTS[d - 1]!, v / 2); // weights |S|! (d-|S|-2)! / (d-1)!, halved as SHAP reports
  const Rp = s.c;
  const E2 = s.b;
  for (let X = 0; X < size; X++) {
    const o = off + X * P;
    for (let m = 1; m < d; m++) {
      const bm = 1 << m;
      const gm = (X & bm ? 1 : 0) - t.slotZero[so + m]!;
      for (let k = 0; k < m; k++) {
        const bk = 1 << k;
        const rest = ~(bk | bm);
        const gk = (X & bk ? 1 : 0) - t.slotZero[so + k]!;
        table[o + PAIR[k * W + m]!] = gk * gm * Rp[full & ~X & rest]! * E2[X & rest]!;
      }
    }
  }
}

/** Add each row's pair entries at leaf l into its [F, F] block of acc (upper triangle), rows at acc offsets po, po + F*F, ... */
export function applyPairs(t: FlatTree, layout: PairLayout, l: number, mask: Int32Array, n: number, table: Float64Array, acc: Float64Array, po: number, FF: number): void {
  const off = layout.offset[l]!;
  if (off < 0) return;
  const d = t.leafDepth[l]!;
  const P = pairsOf(d);
  const full = (1 << d) - 1;
  const cell = layout.cell;
  const c0 = layout.cellStart[l]!;
  for (let i = 0; i < n; i++, po += FF) {
    const o = off + (full & ~mask[i]!) * P;
    for (let k = 0; k < P; k++) acc[po + cell[c0 + k]!]! += table[o + k]!;
  }
}

/** Finish one row's [F, F] block: the upper triangle mirrored, and Phi_ii = phi_i - sum_{j != i} Phi_ij. */
export function finishPairs(acc: Float64Array, o: number, phi: Float64Array, po: number, F: number): void {
  for (let i = 0; i < F; i++) for (let j = i + 1; j < F; j++) acc[o + j * F + i] = acc[o + i * F + j]!;
  for (let i = 0; i < F; i++) {
    let s = 0;
    for (let j = 0; j < F; j++) if (j !== i) s += acc[o + i * F + j]!;
    acc[o + i * F + i] = phi[po + i]! - s;
  }
}
