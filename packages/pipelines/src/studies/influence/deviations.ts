/**
 * Per instance versus per class: how far each instance's influence departs
 * from its (true) class's distributional influence. Spearman's rank
 * correlation of the two signed vectors, the deviation rank over all
 * instances (1 = lowest correlation), and the units among the instance's
 * top k by |influence| that are not among the class's top k, and the reverse.
 * An instance's influence is that of its predicted class, so a misclassified
 * instance is compared with a class it was not assigned to and usually ranks
 * among the strongest deviations: that is intended (it is explained unlike
 * its class), and the instance_influence table's `predicted` column tells it apart.
 */
import { stats } from '@relevance/methods';

export interface Deviation {
  /** Index of the analysed instance. */
  instance: number;
  /** NaN when either vector is constant. */
  rankCorrelation: number;
  deviationRank: number;
  instanceOnly: number[];
  classOnly: number[];
}

/** Unit indices of the k largest |values|, largest first (ties: lower index first). */
export function topUnits(values: ArrayLike<number>, k: number): number[] {
  return Array.from({ length: values.length }, (_, i) => i)
    .sort((a, b) => Math.abs(values[b]!) - Math.abs(values[a]!) || a - b)
    .slice(0, Math.min(k, values.length));
}

/**
 * `instanceInfluence` is [instances, units]; `classInfluence(i)` gives the
 * vector of instance i's class.
 */
export function deviations(instanceInfluence: Float32Array, units: number, classInfluence: (instance: number) => Float32Array, k: number): Deviation[] {
  const n = instanceInfluence.length / units;
  const classTop = new Map<Float32Array, number[]>();
  const out: Deviation[] = [];
  for (let i = 0; i < n; i++) {
    const own = instanceInfluence.subarray(i * units, (i + 1) * units);
    const cls = classInfluence(i);
    if (!classTop.has(cls)) classTop.set(cls, topUnits(cls, k));
    const ownTop = topUnits(own, k);
    const theirs = classTop.get(cls)!;
    out.push({
      instance: i,
      rankCorrelation: stats.spearman(own, cls),
      deviationRank: 0,
      instanceOnly: ownTop.filter((u) => !theirs.includes(u)),
      classOnly: theirs.filter((u) => !ownTop.includes(u)),
    });
  }
  // rank 1 = deviates most (lowest correlation); undefined correlations last; ties in instance order
  const order = [...out].sort((a, b) => {
    const x = Number.isNaN(a.rankCorrelation) ? Infinity : a.rankCorrelation;
    const y = Number.isNaN(b.rankCorrelation) ? Infinity : b.rankCorrelation;
    return x - y || a.instance - b.instance;
  });
  order.forEach((d, r) => (d.deviationRank = r + 1));
  return out;
}
