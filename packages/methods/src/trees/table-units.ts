/**
 * Table units: where the rows' walk through a flat tree stops. A unit is a
 * subtree of height at most UNIT_HEIGHT (its m <= 3 inner nodes, its leaves)
 * or a lone leaf. Its table, indexed by the slots the row satisfied above it
 * (dA bits) and x's decisions at its inner nodes (m bits), holds for each of
 * the unit's slots (the slots above plus its inner nodes' new features) the
 * sum of its leaves' entries. A row then pays one table line of dU entries
 * per unit instead of d entries per leaf, and the walk skips the masks of the
 * last levels. A subtree whose table would outgrow its leaves' tables is split
 * into smaller units. Each entry sums the leaves in depth-first order, so
 * results do not depend on the rows.
 */
import type { FlatPaths, FlatTree } from './leaf-tables.js';

/** Largest height of a unit's subtree (2: a node, its two children and up to four leaves). */
export const UNIT_HEIGHT = 2;
/** Most inner nodes in one unit (2^UNIT_HEIGHT - 1). */
export const UNIT_INNER = 3;

export interface TableUnits {
  /** Per node: the unit whose root it is, else -1. */
  unit: Int32Array;
  /** Per unit: slots above its root (dA), its slots (dU), its table's offset (-1: all zero). */
  unitAbove: Uint8Array;
  unitSlots: Uint8Array;
  unitOffset: Int32Array;
  /** Per unit: its inner nodes (UNIT_INNER entries each, depth-first, -1 unused) and how many. */
  unitInner: Int32Array;
  unitInnerCount: Uint8Array;
  /** Per unit: where its slots' features start in unitFeature (one more entry at the end). */
  unitFeatureStart: Int32Array;
  unitFeature: Int32Array;
  unitEntries: number;
}

/** Per node: height of its subtree, and the leaf-table entries of the leaves under it. */
function subtreeSizes(t: FlatPaths): { height: Int32Array; entries: Float64Array } {
  const nodes = t.feature.length;
  const height = new Int32Array(nodes);
  const entries = new Float64Array(nodes);
  // depth-first order: children come after their parent
  for (let n = nodes - 1; n >= 0; n--) {
    if (t.feature[n]! < 0) {
      const l = t.leaf[n]!;
      const d = t.leafDepth[l]!;
      entries[n] = t.tableOffset[l]! >= 0 ? 2 ** d * d : 0;
      continue;
    }
    height[n] = 1 + Math.max(height[t.yes[n]!]!, height[t.no[n]!]!);
    entries[n] = entries[t.yes[n]!]! + entries[t.no[n]!]!;
  }
  return { height, entries };
}

/** The unit rooted at n: its inner nodes, leaves, slot features (the leaves' slots above n first, then new ones in depth-first order). */
function describeUnit(t: FlatPaths, n: number): { inner: number[]; leaves: number[]; features: number[]; dA: number } {
  const inner: number[] = [];
  const leaves: number[] = [];
  const stack = [n];
  while (stack.length) {
    const m = stack.pop()!;
    if (t.feature[m]! < 0) leaves.push(t.leaf[m]!);
    else {
      inner.push(m);
      stack.push(t.no[m]!, t.yes[m]!);
    }
  }
  const dA = t.above[n]!;
  const first = t.leafSlots[leaves[0]!]!;
  const features = Array.from(t.slotFeature.subarray(first, first + dA));
  for (const l of leaves) {
    for (let k = dA; k < t.leafDepth[l]!; k++) {
      const f = t.slotFeature[t.leafSlots[l]! + k]!;
      if (!features.includes(f)) features.push(f);
    }
  }
  return { inner, leaves, features, dA };
}

/** Choose the tree's units (top-down: the highest subtrees that fit) and lay out their tables. */
export function tableUnits(t: FlatPaths): TableUnits {
  const { height, entries: leafEntries } = subtreeSizes(t);
  const unit = new Int32Array(t.feature.length).fill(-1);
  const above: number[] = [], slots: number[] = [], offset: number[] = [], inner: number[] = [], innerCount: number[] = [], featureStart: number[] = [], feature: number[] = [];
  let entries = 0;
  const add = (n: number, u: ReturnType<typeof describeUnit>, live: boolean, size: number): void => {
    unit[n] = above.length;
    above.push(u.dA);
    slots.push(u.features.length);
    offset.push(live ? entries : -1);
    if (live) entries += size;
    for (let j = 0; j < UNIT_INNER; j++) inner.push(u.inner[j] ?? -1);
    innerCount.push(u.inner.length);
    featureStart.push(feature.length);
    feature.push(...u.features);
  };
  const choose = (n: number): void => {
    if (height[n]! <= UNIT_HEIGHT) {
      const u = describeUnit(t, n);
      const size = 2 ** (u.dA + u.inner.length) * u.features.length;
      if (height[n]! <= 1 || size <= leafEntries[n]!) {
        add(n, u, leafEntries[n]! > 0, size);
        return;
      }
    }
    choose(t.yes[n]!);
    choose(t.no[n]!);
  };
  choose(0);
  featureStart.push(feature.length);
  return {
    unit, unitAbove: Uint8Array.from(above), unitSlots: Uint8Array.from(slots), unitOffset: Int32Array.from(offset), unitInner: Int32Array.from(inner),
    unitInnerCount: Uint8Array.from(innerCount), unitFeatureStart: Int32Array.from(featureStart), unitFeature: Int32Array.from(feature), unitEntries: entries,
  };
}

/**
 * The unit tables from the leaf tables, slot-major (entry k of index idx at
 * off + k * 2^(dA+m) + idx: a row's pass over one slot reads one contiguous
 * slice). For every index (slots satisfied above, decisions at the inner
 * nodes), each leaf's satisfied slots follow from the decisions on its path
 * (at most UNIT_HEIGHT splits), and its entries add to the unit's slots, the
 * leaves in depth-first order.
 */
export function unitTables(t: FlatTree, leafTable: Float64Array, table: Float64Array): void {
  const root = new Int32Array(t.unitAbove.length);
  t.unit.forEach((u, n) => {
    if (u >= 0) root[u] = n;
  });
  for (let u = 0; u < t.unitAbove.length; u++) {
    const off = t.unitOffset[u]!;
    if (off < 0) continue;
    const dA = t.unitAbove[u]!;
    const size = 2 ** (dA + t.unitInnerCount[u]!);
    table.fill(0, off, off + size * t.unitSlots[u]!);
    const features = Array.from(t.unitFeature.subarray(t.unitFeatureStart[u]!, t.unitFeatureStart[u + 1]!));
    for (const leaf of unitLeaves(t, u, root[u]!)) {
      const lo = t.tableOffset[leaf.l]!;
      if (lo < 0) continue;
      const d = t.leafDepth[leaf.l]!;
      const so = t.leafSlots[leaf.l]!;
      const fullA = (1 << dA) - 1;
      // at most two splits on the way (UNIT_HEIGHT): their decision bits, directions and slot bits as plain numbers
      const sh0 = leaf.splits[0]?.shift ?? 31, go0 = leaf.splits[0]?.go ?? 0, b0 = leaf.splits[0]?.bit ?? 0;
      const sh1 = leaf.splits[1]?.shift ?? 31, go1 = leaf.splits[1]?.go ?? 0, b1 = leaf.splits[1]?.bit ?? 0;
      const fresh = leaf.fresh;
      for (let k = 0; k < d; k++) {
        const o = off + (k < dA ? k : features.indexOf(t.slotFeature[so + k]!)) * size;
        const src = lo + k;
        for (let idx = 0; idx < size; idx++) {
          // the leaf's satisfied slots: above, its new slots, less the slots whose split x fails on the way
          let X = (idx & fullA) | fresh;
          if (((idx >>> sh0) & 1) !== go0) X &= ~b0;
          if (((idx >>> sh1) & 1) !== go1) X &= ~b1;
          table[o + idx]! += leafTable[src + X * d]!;
        }
      }
    }
  }
}

interface UnitSplit {
  /** Bit of the decision in the unit's index, the direction to the leaf (1: yes), the split's slot bit. */
  shift: number;
  go: number;
  bit: number;
}

/** The leaves of unit u in depth-first order, each with its slots new below the unit's root and the splits on its way. */
function unitLeaves(t: FlatTree, u: number, root: number): Array<{ l: number; fresh: number; splits: UnitSplit[] }> {
  const out: Array<{ l: number; fresh: number; splits: UnitSplit[] }> = [];
  const dA = t.unitAbove[u]!;
  const walk = (node: number, splits: UnitSplit[]): void => {
    if (t.feature[node]! < 0) {
      const l = t.leaf[node]!;
      out.push({ l, fresh: ((1 << t.leafDepth[l]!) - 1) & ~((1 << dA) - 1), splits });
      return;
    }
    let j = 0;
    while (t.unitInner[u * UNIT_INNER + j] !== node) j++;
    const s = { shift: dA + j, bit: t.bit[node]! };
    walk(t.yes[node]!, [...splits, { ...s, go: 1 }]);
    walk(t.no[node]!, [...splits, { ...s, go: 0 }]);
  };
  walk(root, []);
  return out;
}
