/**
 * Barnes-Hut t-SNE gradient (van der Maaten 2014): attraction exactly over the
 * sparse P, repulsion approximated with the space-partitioning tree, and
 *   grad_i = 4 (a sum_j p_ij w_ij (y_i - y_j) - (1 / Z) sum_j w_ij^2 (y_i - y_j)),
 * Z estimated from the same traversal. The KL uses that Z estimate.
 */
import type { SparseAffinities } from './joint-probabilities.js';
import { SpacePartitioningTree } from './space-partitioning-tree.js';
import type { TsneObjective } from './tsne-objective.js';

export class BarnesHutObjective implements TsneObjective {
  private readonly p: SparseAffinities;
  private readonly dims: 2 | 3;
  private readonly thetaSq: number;
  private readonly pLogP: number;
  private readonly tree: SpacePartitioningTree;
  private repulsive = new Float64Array(0);

  constructor(p: SparseAffinities, dims: 2 | 3, theta: number, pLogP: number) {
    this.p = p;
    this.dims = dims;
    this.thetaSq = theta * theta;
    this.pLogP = pLogP;
    this.tree = new SpacePartitioningTree(dims);
  }

  async gradient(y: Float64Array, exaggeration: number, gradient: Float64Array, withKl: boolean): Promise<number> {
    const { dims, p } = this;
    const n = p.rows;
    if (this.repulsive.length !== n * dims) this.repulsive = new Float64Array(n * dims);
    const rep = this.repulsive;
    this.tree.build(y, n);
    const force = new Float64Array(3);
    let z = 0;
    // in tree order: consecutive points walk nearly the same cells (cache friendly)
    const order = this.tree.order;
    for (let t = 0; t < n; t++) {
      const i = order[t]!;
      z += this.tree.repulsion(i, this.thetaSq, force);
      for (let k = 0; k < dims; k++) rep[i * dims + k] = force[k]!;
    }
    const { rowStart, columns, values } = p;
    let pLogW = 0;
    const invZ = 1 / z;
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
      gradient[i * dims] = 4 * (exaggeration * a0 - rep[i * dims]! * invZ);
      gradient[i * dims + 1] = 4 * (exaggeration * a1 - rep[i * dims + 1]! * invZ);
      if (dims === 3) gradient[i * dims + 2] = 4 * (exaggeration * a2 - rep[i * dims + 2]! * invZ);
    }
    return withKl ? this.pLogP - pLogW + Math.log(z) : NaN;
  }

  dispose(): void {}
}
