/**
 * The Barnes-Hut tree of t-SNE (van der Maaten 2014, section 4.2): a quadtree
 * in 2-D, an octree in 3-D, rebuilt every iteration. Each cell stores its
 * point count, centre of mass and squared longest side; the points of a cell
 * are a contiguous range of `order`, so "does this cell contain point i" is
 * one comparison. Cells are interleaved records in one Float64Array (one
 * cache line each) and nothing is allocated per cell: the traversal is the
 * hot loop of Barnes-Hut t-SNE.
 *
 * Coincident points cannot be separated by splitting; at MAX_DEPTH a cell
 * becomes a leaf holding several points, which are then visited one by one.
 */

const MAX_DEPTH = 40;
/**
 * Record layout, 64 bytes: doubles centre of mass x, y, z and squared longest side;
 * then int32s count, first child (-1: leaf) and start in `order` (read
 * through an Int32Array view of the same memory, so the walk's index
 * arithmetic stays in integers).
 */
const STRIDE = 8;
const MX = 0, MY = 1, MZ = 2, WIDTH_SQ = 3;
/** Int32 offsets: a record is ISTRIDE int32s. */
const ISTRIDE = 16;
const COUNT = 8, FIRST_CHILD = 9, START = 10;

/** The int32 view of cell records. */
function cellInts(cells: Float64Array): Int32Array {
  return new Int32Array(cells.buffer, cells.byteOffset, 2 * cells.length);
}

/**
 * Memory for the arrays a worker reads (cells, order, position): shared where
 * the runtime has SharedArrayBuffer, so handing the tree to a worker thread
 * every iteration shares it instead of copying it.
 */
function sharedBuffer(bytes: number): ArrayBufferLike {
  return typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}

export class SpacePartitioningTree {
  readonly dims: 2 | 3;
  private readonly children: number;
  private cells: Float64Array = new Float64Array(0);
  private ints: Int32Array = new Int32Array(0);
  private used = 0;
  /** Point indices grouped by cell (depth-first order). */
  order: Int32Array = new Int32Array(0);
  /** position[i]: where point i sits in `order`. */
  private position: Int32Array = new Int32Array(0);
  private scratch = new Int32Array(0);
  private codes = new Uint8Array(0);
  /** Per-depth child counts and offsets, so building allocates nothing per cell. */
  private readonly buckets = new Int32Array((MAX_DEPTH + 1) * 8);
  private readonly offsets = new Int32Array((MAX_DEPTH + 1) * 8);
  private readonly stack = new Int32Array(8 * (MAX_DEPTH + 2));
  private y: Float64Array = new Float64Array(0);
  private arrays: TreeArrays | undefined;

  constructor(dims: 2 | 3) {
    this.dims = dims;
    this.children = dims === 2 ? 4 : 8;
  }

  /** Build over n points (row-major [n, dims]). */
  build(y: Float64Array, n: number): void {
    const d = this.dims;
    this.y = y;
    if (this.order.length !== n) {
      this.order = new Int32Array(sharedBuffer(4 * n));
      this.position = new Int32Array(sharedBuffer(4 * n));
      this.scratch = new Int32Array(n);
      this.codes = new Uint8Array(n);
    }
    for (let i = 0; i < n; i++) this.order[i] = i;
    const lo = [Infinity, Infinity, Infinity];
    const hi = [-Infinity, -Infinity, -Infinity];
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < d; k++) {
        const v = y[i * d + k]!;
        if (v < lo[k]!) lo[k] = v;
        if (v > hi[k]!) hi[k] = v;
      }
    }
    // the root is the bounding box (a rectangle, as scikit-learn's tree), not the square around it: for an
    // elongated map (early exaggeration) its cells are narrower than their longest side, which the opening test uses
    const centre = [0, 0, 0];
    const half = [0, 0, 0];
    for (let k = 0; k < d; k++) {
      centre[k] = (lo[k]! + hi[k]!) / 2;
      half[k] = ((hi[k]! - lo[k]!) / 2) * (1 + 1e-9) + 1e-12;
    }
    this.reserve(Math.max(64, 3 * n));
    this.used = 1;
    this.buildCell(0, 0, n, centre[0]!, centre[1]!, centre[2]!, half[0]!, half[1]!, half[2]!, 0);
    for (let t = 0; t < n; t++) this.position[this.order[t]!] = t;
    const cells = this.cells.subarray(0, this.used * STRIDE);
    this.arrays = { dims: d, cells, ints: cellInts(cells), order: this.order, position: this.position, y };
  }

  private reserve(cells: number): void {
    if (this.cells.length >= cells * STRIDE) return;
    const grown = new Float64Array(sharedBuffer(8 * Math.max(cells, 2 * (this.cells.length / STRIDE)) * STRIDE));
    const ints = cellInts(grown);
    ints.set(this.ints.subarray(0, this.used * ISTRIDE)); // as int32s: the records mix doubles and ints
    this.cells = grown;
    this.ints = ints;
  }

  /** Cell `cell` over order[start, end): centre (cx, cy, cz) and half side lengths per dimension (hx, hy, hz). */
  private buildCell(cell: number, start: number, end: number, cx: number, cy: number, cz: number, hx: number, hy: number, hz: number, depth: number): void {
    const d = this.dims;
    const y = this.y;
    const order = this.order;
    const count = end - start;
    let rec = cell * STRIDE;
    const longest = Math.max(hx, hy, hz);
    this.cells[rec + WIDTH_SQ] = 4 * longest * longest;
    this.ints[cell * ISTRIDE + COUNT] = count;
    this.ints[cell * ISTRIDE + START] = start;
    if (count <= 1 || depth >= MAX_DEPTH) {
      let mx = 0, my = 0, mz = 0;
      for (let t = start; t < end; t++) {
        const i = order[t]!;
        mx += y[i * d]!;
        my += y[i * d + 1]!;
        if (d === 3) mz += y[i * d + 2]!;
      }
      const c = this.cells;
      c[rec + MX] = count > 0 ? mx / count : 0;
      c[rec + MY] = count > 0 ? my / count : 0;
      c[rec + MZ] = count > 0 ? mz / count : 0;
      this.ints[cell * ISTRIDE + FIRST_CHILD] = -1;
      return;
    }
    // partition the range into the 2^d children by orthant code
    const codes = this.codes;
    const k0 = depth * 8;
    const buckets = this.buckets;
    const offsets = this.offsets;
    for (let c = 0; c < 8; c++) buckets[k0 + c] = 0;
    for (let t = start; t < end; t++) {
      const i = order[t]!;
      let c = (y[i * d]! > cx ? 1 : 0) | (y[i * d + 1]! > cy ? 2 : 0);
      if (d === 3 && y[i * d + 2]! > cz) c |= 4;
      codes[t] = c;
      buckets[k0 + c]!++;
    }
    offsets[k0] = start;
    for (let c = 1; c < this.children; c++) offsets[k0 + c] = offsets[k0 + c - 1]! + buckets[k0 + c - 1]!;
    const scratch = this.scratch;
    for (let t = start; t < end; t++) scratch[offsets[k0 + codes[t]!]!++] = order[t]!;
    for (let t = start; t < end; t++) order[t] = scratch[t]!;
    // offsets now hold each child's end
    const first = this.used;
    this.reserve(first + this.children);
    this.used += this.children;
    this.ints[cell * ISTRIDE + FIRST_CHILD] = first;
    const qx = hx / 2, qy = hy / 2, qz = hz / 2;
    let s = start;
    let mx = 0, my = 0, mz = 0;
    for (let c = 0; c < this.children; c++) {
      const e = offsets[k0 + c]!;
      const child = first + c;
      this.buildCell(child, s, e, cx + (c & 1 ? qx : -qx), cy + (c & 2 ? qy : -qy), cz + (c & 4 ? qz : -qz), qx, qy, qz, depth + 1);
      const cr = child * STRIDE;
      const cells = this.cells;
      const w = e - s;
      mx += w * cells[cr + MX]!;
      my += w * cells[cr + MY]!;
      mz += w * cells[cr + MZ]!;
      s = e;
    }
    rec = cell * STRIDE;
    const cells = this.cells;
    cells[rec + MX] = mx / count;
    cells[rec + MY] = my / count;
    cells[rec + MZ] = mz / count;
  }

  /**
   * Repulsive forces on point i: writes sum_j q_ij^2 (y_i - y_j) (unnormalised
   * q_ij = 1 / (1 + |y_i - y_j|^2)) into force[0..dims) and returns sum_j q_ij,
   * with cells far enough (longest side^2 < theta^2 |y_i - centre|^2) taken as one body.
   */
  repulsion(i: number, thetaSq: number, force: Float64Array): number {
    return treeRepulsion(this.arrays!, i, thetaSq, force, this.stack);
  }

  /** The built tree as plain arrays (views, not copies; valid until the next build): what a worker thread needs. */
  snapshot(): TreeArrays {
    if (!this.arrays) throw new Error('SpacePartitioningTree: snapshot() before build()');
    return this.arrays;
  }
}

/** A built tree as arrays: cell records (STRIDE numbers each), points in cell order, each point's place in it, coordinates. */
export interface TreeArrays {
  dims: 2 | 3;
  cells: Float64Array;
  /** The int32 view of `cells` (made from it when absent). */
  ints?: Int32Array;
  order: Int32Array;
  position: Int32Array;
  y: Float64Array;
}

/** Stack space treeRepulsion needs. */
export function repulsionStack(): Int32Array {
  return new Int32Array(8 * (MAX_DEPTH + 2));
}

/** SpacePartitioningTree.repulsion over a tree's arrays (the same arithmetic on any thread). */
export function treeRepulsion(tree: TreeArrays, i: number, thetaSq: number, force: Float64Array, stack: Int32Array): number {
  return tree.dims === 2 ? quadtreeRepulsion(tree, i, thetaSq, force, stack) : octreeRepulsion(tree, i, thetaSq, force, stack);
}

/** Accumulators (sum q, forces) handed to addCoincident; one per thread (module instance). */
const LEAF = new Float64Array(4);

/**
 * Adds the points of a leaf of coincident points (range [s, s + cnt) of
 * `order`) one by one into acc = [sum q, f0, f1, f2], in order: the rare case
 * of both walks, the same arithmetic as theirs (in 2-D the third difference
 * is +0 and changes no sum).
 */
function addCoincident(tree: TreeArrays, i: number, s: number, cnt: number, acc: Float64Array): void {
  const { dims: d, y, order } = tree;
  const yi0 = y[i * d]!;
  const yi1 = y[i * d + 1]!;
  const yi2 = d === 3 ? y[i * d + 2]! : 0;
  let sumQ = acc[0]!, f0 = acc[1]!, f1 = acc[2]!, f2 = acc[3]!;
  for (let t = s; t < s + cnt; t++) {
    const j = order[t]!;
    if (j === i) continue;
    const d0 = yi0 - y[j * d]!;
    const d1 = yi1 - y[j * d + 1]!;
    const d2 = d === 3 ? yi2 - y[j * d + 2]! : 0;
    const q = 1 / (1 + d0 * d0 + d1 * d1 + d2 * d2);
    sumQ += q;
    const qq = q * q;
    f0 += qq * d0;
    f1 += qq * d1;
    f2 += qq * d2;
  }
  acc[0] = sumQ; acc[1] = f0; acc[2] = f1; acc[3] = f2;
}

/** treeRepulsion for either tree (used for the octree; the quadtree has its own loop below). */
function octreeRepulsion(tree: TreeArrays, i: number, thetaSq: number, force: Float64Array, stack: Int32Array): number {
  const { dims: d, y, cells, order } = tree;
  const ints = tree.ints ?? cellInts(cells);
  const children = d === 2 ? 4 : 8;
  const yi0 = y[i * d]!;
  const yi1 = y[i * d + 1]!;
  const yi2 = d === 3 ? y[i * d + 2]! : 0;
  const pos = tree.position[i]!;
  let sp = 0;
  stack[sp++] = 0;
  let sumQ = 0, f0 = 0, f1 = 0, f2 = 0;
  while (sp > 0) {
    const cell = stack[--sp]!;
    const rec = cell * STRIDE, irec = cell * ISTRIDE;
    const cnt = ints[irec + COUNT]!;
    const s = ints[irec + START]!;
    const contains = pos >= s && pos < s + cnt;
    const fc = ints[irec + FIRST_CHILD]!;
    if (fc < 0 && cnt > 1) {
      // a leaf of coincident points: one by one
      LEAF[0] = sumQ; LEAF[1] = f0; LEAF[2] = f1; LEAF[3] = f2;
      addCoincident(tree, i, s, cnt, LEAF);
      sumQ = LEAF[0]!; f0 = LEAF[1]!; f1 = LEAF[2]!; f2 = LEAF[3]!;
      continue;
    }
    if (contains && fc < 0) continue;
    const d0 = yi0 - cells[rec + MX]!;
    const d1 = yi1 - cells[rec + MY]!;
    const d2 = yi2 - cells[rec + MZ]!;
    const distSq = d0 * d0 + d1 * d1 + d2 * d2;
    // a single-point leaf is exact; a far cell is one body at its centre of mass
    if (fc < 0 || (!contains && cells[rec + WIDTH_SQ]! < thetaSq * distSq)) {
      const q = 1 / (1 + distSq);
      sumQ += cnt * q;
      const qq = cnt * q * q;
      f0 += qq * d0;
      f1 += qq * d1;
      f2 += qq * d2;
    } else {
      const base = fc;
      for (let c = children - 1; c >= 0; c--) if (ints[(base + c) * ISTRIDE + COUNT]! > 0) stack[sp++] = base + c;
    }
  }
  force[0] = f0;
  force[1] = f1;
  if (d === 3) force[2] = f2;
  return sumQ;
}

/**
 * treeRepulsion in 2-D without the third coordinate. The same bits: there the
 * third difference is 0 - 0 = +0, and adding +0 to a sum of squares or
 * forces that term into nothing changes no sum.
 */
function quadtreeRepulsion(tree: TreeArrays, i: number, thetaSq: number, force: Float64Array, stack: Int32Array): number {
  const { y, cells, order } = tree;
  const ints = tree.ints ?? cellInts(cells);
  const yi0 = y[i * 2]!;
  const yi1 = y[i * 2 + 1]!;
  const pos = tree.position[i]!;
  let sp = 0;
  stack[sp++] = 0;
  let sumQ = 0, f0 = 0, f1 = 0;
  while (sp > 0) {
    const cell = stack[--sp]!;
    const rec = cell * STRIDE, irec = cell * ISTRIDE;
    const cnt = ints[irec + COUNT]!;
    const s = ints[irec + START]!;
    const contains = pos >= s && pos < s + cnt;
    const fc = ints[irec + FIRST_CHILD]!;
    if (fc < 0 && cnt > 1) {
      LEAF[0] = sumQ; LEAF[1] = f0; LEAF[2] = f1; LEAF[3] = 0;
      addCoincident(tree, i, s, cnt, LEAF);
      sumQ = LEAF[0]!; f0 = LEAF[1]!; f1 = LEAF[2]!;
      continue;
    }
    if (contains && fc < 0) continue;
    const d0 = yi0 - cells[rec + MX]!;
    const d1 = yi1 - cells[rec + MY]!;
    const distSq = d0 * d0 + d1 * d1;
    if (fc < 0 || (!contains && cells[rec + WIDTH_SQ]! < thetaSq * distSq)) {
      const q = 1 / (1 + distSq);
      sumQ += cnt * q;
      const qq = cnt * q * q;
      f0 += qq * d0;
      f1 += qq * d1;
    } else {
      for (let c = 3; c >= 0; c--) if (ints[(fc + c) * ISTRIDE + COUNT]! > 0) stack[sp++] = fc + c;
    }
  }
  force[0] = f0;
  force[1] = f1;
  return sumQ;
}

/** The tree with its int32 view of the cells (what a worker rebuilds from the shared arrays). */
export function withInts(tree: TreeArrays): TreeArrays {
  return tree.ints ? tree : { ...tree, ints: cellInts(tree.cells) };
}
