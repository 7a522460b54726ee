/**
 * Barnes-Hut t-SNE gradient (van der Maaten 2014): attraction exactly over the
 * sparse P, repulsion approximated with the space-partitioning tree, and
 *   grad_i = 4 (a sum_j p_ij w_ij (y_i - y_j) - (1 / Z) sum_j w_ij^2 (y_i - y_j)),
 * Z estimated from the same traversal. The KL uses that Z estimate.
 *
 * With threads > 1 the repulsions (the tree walks, most of the time) are
 * computed in chunks of the tree order on the caller and Node workers
 * (stats/parallel.ts); Z is still summed on the caller in tree order, so the
 * result has the same bits for any thread count.
 */

/** Points below which the repulsions stay on the calling thread (a round trip to the workers costs more). */
const PARALLEL_MIN_POINTS = 1000;

/**
 * Repulsions for chunks of the tree order: chunk c covers order[c * chunk ...];
 * its row holds the chunk's sum_j q_ij (chunk values) then its forces
 * (chunk x dims), zero past the last point.
 */
export function repulsionChunks(shared: TreeArrays, thetaSq: number, chunk: number): (c: number) => Float64Array {
  const tree = withInts(shared);
  const stack = repulsionStack();
  const force = new Float64Array(3);
  const n = tree.order.length, d = tree.dims;
  return (c) => {
    const row = new Float64Array(chunk * (1 + d));
    for (let u = 0; u < chunk && c * chunk + u < n; u++) {
      row[u] = treeRepulsion(tree, tree.order[c * chunk + u]!, thetaSq, force, stack);
      for (let k = 0; k < d; k++) row[chunk + u * d + k] = force[k]!;
    }
    return row;
  };
}
import type { SparseAffinities } from './joint-probabilities.js';
import { repulsionStack, SpacePartitioningTree, treeRepulsion, withInts, type TreeArrays } from './space-partitioning-tree.js';
import { parallelRows } from '../stats/parallel.js';
import type { TsneObjective } from './tsne-objective.js';

/**
 * BarnesHutObjective's attractions in 2-D without the third coordinate. The
 * same bits: there the third difference is +0, and adding +0 to the sum of
 * squares changes nothing.
 */
function planeAttraction(p: SparseAffinities, y: Float64Array, attr: Float64Array, withKl: boolean): number {
  const { rows: n, rowStart, columns, values } = p;
  let pLogW = 0;
  for (let i = 0; i < n; i++) {
    let a0 = 0, a1 = 0;
    const yi0 = y[2 * i]!;
    const yi1 = y[2 * i + 1]!;
    const end = rowStart[i + 1]!;
    for (let t = rowStart[i]!; t < end; t++) {
      const j = columns[t]!;
      const d0 = yi0 - y[2 * j]!;
      const d1 = yi1 - y[2 * j + 1]!;
      const w = 1 / (1 + d0 * d0 + d1 * d1);
      const v = values[t]!;
      const pw = v * w;
      a0 += pw * d0;
      a1 += pw * d1;
      if (withKl) pLogW += v * Math.log(w);
    }
    attr[2 * i] = a0;
    attr[2 * i + 1] = a1;
  }
  return pLogW;
}

export class BarnesHutObjective implements TsneObjective {
  private readonly p: SparseAffinities;
  private readonly dims: 2 | 3;
  private readonly thetaSq: number;
  private readonly pLogP: number;
  private readonly tree: SpacePartitioningTree;
  private repulsive = new Float64Array(0);
  private attractive = new Float64Array(0);
  private readonly threads: number;

  constructor(p: SparseAffinities, dims: 2 | 3, theta: number, pLogP: number, threads = 1) {
    this.p = p;
    this.threads = threads;
    this.dims = dims;
    this.thetaSq = theta * theta;
    this.pLogP = pLogP;
    this.tree = new SpacePartitioningTree(dims);
  }

  async gradient(y: Float64Array, exaggeration: number, gradient: Float64Array, withKl: boolean): Promise<number> {
    const { dims, p } = this;
    const n = p.rows;
    if (this.repulsive.length !== n * dims) {
      this.repulsive = new Float64Array(n * dims);
      this.attractive = new Float64Array(n * dims);
    }
    const rep = this.repulsive, attr = this.attractive;
    this.tree.build(y, n);
    let pLogW = 0;
    const attract = (): void => {
      pLogW = this.attraction(y, attr, withKl);
    };
    let z: number;
    if (this.threads > 1 && n >= PARALLEL_MIN_POINTS) z = this.repulsionOnThreads(y, n, rep, attract);
    else {
      attract();
      z = this.repulsionHere(n, rep);
    }
    const invZ = 1 / z;
    for (let t = 0; t < n * dims; t++) gradient[t] = 4 * (exaggeration * attr[t]! - rep[t]! * invZ);
    return withKl ? this.pLogP - pLogW + Math.log(z) : NaN;
  }

  /** Attractions sum_j p_ij w_ij (y_i - y_j) into attr; returns sum p_ij log w_ij when withKl (else 0). */
  private attraction(y: Float64Array, attr: Float64Array, withKl: boolean): number {
    const { dims } = this;
    if (dims === 2) return planeAttraction(this.p, y, attr, withKl);
    const { rows: n, rowStart, columns, values } = this.p;
    let pLogW = 0;
    for (let i = 0; i < n; i++) {
      let a0 = 0, a1 = 0, a2 = 0;
      const yi0 = y[i * dims]!;
      const yi1 = y[i * dims + 1]!;
      const yi2 = dims === 3 ? y[i * dims + 2]! : 0;
      for (let t = rowStart[i]!; t < rowStart[i + 1]!; t++) {
        const j = columns[t]!;
        const d0 = yi0 - y[j * dims]!;
        const d1 = yi1 - y[j * dims + 1]!;
        const d2 = dims === 3 ? yi2 - y[j * dims + 2]! : 0;
        const w = 1 / (1 + d0 * d0 + d1 * d1 + d2 * d2);
        const pw = values[t]! * w;
        a0 += pw * d0;
        a1 += pw * d1;
        a2 += pw * d2;
        if (withKl) pLogW += values[t]! * Math.log(w);
      }
      attr[i * dims] = a0;
      attr[i * dims + 1] = a1;
      if (dims === 3) attr[i * dims + 2] = a2;
    }
    return pLogW;
  }

  /** Repulsions into rep, and Z, on this thread, in tree order (consecutive points walk nearly the same cells). */
  private repulsionHere(n: number, rep: Float64Array): number {
    const { dims } = this;
    const force = new Float64Array(3);
    const order = this.tree.order;
    let z = 0;
    for (let t = 0; t < n; t++) {
      const i = order[t]!;
      z += this.tree.repulsion(i, this.thetaSq, force);
      for (let k = 0; k < dims; k++) rep[i * dims + k] = force[k]!;
    }
    return z;
  }

  /**
   * The same on threads: chunks of the tree order, then Z summed here in tree
   * order. `before` runs on this thread once the workers have been handed the
   * job (parallelRows builds the caller's row function after posting it), so
   * the attractions overlap the workers' first chunks.
   */
  private repulsionOnThreads(y: Float64Array, n: number, rep: Float64Array, before: () => void): number {
    const { dims, thetaSq } = this;
    const tree = this.tree.snapshot();
    const chunk = Math.max(64, Math.ceil(n / (8 * this.threads)));
    const chunks = Array.from({ length: Math.ceil(n / chunk) }, (_, c) => c);
    const rowLength = chunk * (1 + dims);
    const options = { cells: tree.cells, order: tree.order, position: tree.position, dims, thetaSq, chunk };
    const rows = parallelRows('tsne-repulsion', { values: y, rows: n, cols: dims }, options, chunks, rowLength, this.threads, () => {
      before();
      return repulsionChunks(tree, thetaSq, chunk);
    });
    let z = 0;
    for (let t = 0; t < n; t++) {
      const base = Math.floor(t / chunk) * rowLength, u = t % chunk;
      const i = tree.order[t]!;
      z += rows[base + u]!;
      for (let k = 0; k < dims; k++) rep[i * dims + k] = rows[base + chunk + u * dims + k]!;
    }
    return z;
  }

  dispose(): void {}
}
