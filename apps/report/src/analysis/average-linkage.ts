/**
 * Agglomerative clustering with average linkage (UPGMA) and the leaf order
 * of its dendrogram. Deterministic: the closest pair is found by a scan in
 * index order (ties go to the first pair), a merged cluster keeps the slot of
 * its lower index, and the cluster holding the smaller original index is
 * drawn on the left. O(n^3) time, O(n^2) memory: fine for a few hundred leaves.
 */

export interface Merge {
  /** Leaf order of the left and right clusters. */
  left: number[];
  right: number[];
  distance: number;
}

export interface Clustering {
  /** Leaves in dendrogram order. */
  order: number[];
  merges: Merge[];
}

/** `distances` is the n×n symmetric matrix, row-major. */
export function averageLinkage(distances: Float64Array, n: number): Clustering {
  if (distances.length !== n * n) throw new Error(`averageLinkage: expected ${n}x${n} distances, got ${distances.length} values`);
  const d = Float64Array.from(distances);
  const size = new Int32Array(n).fill(1);
  const active = new Uint8Array(n).fill(1);
  const members: number[][] = Array.from({ length: n }, (_, i) => [i]);
  const merges: Merge[] = [];
  for (let step = 0; step < n - 1; step++) {
    let bi = -1;
    let bj = -1;
    let best = Infinity;
    for (let i = 0; i < n; i++) {
      if (!active[i]) continue;
      for (let j = i + 1; j < n; j++) {
        if (!active[j]) continue;
        const v = d[i * n + j]!;
        if (v < best) {
          best = v;
          bi = i;
          bj = j;
        }
      }
    }
    if (bi < 0) {
      // only non-finite distances are left: join the first two clusters so the order stays complete
      bi = active.indexOf(1);
      bj = active.indexOf(1, bi + 1);
      best = Infinity;
    }
    const si = size[bi]!;
    const sj = size[bj]!;
    // Lance–Williams update for average linkage
    for (let k = 0; k < n; k++) {
      if (!active[k] || k === bi || k === bj) continue;
      const v = (si * d[bi * n + k]! + sj * d[bj * n + k]!) / (si + sj);
      d[bi * n + k] = v;
      d[k * n + bi] = v;
    }
    merges.push({ left: members[bi]!, right: members[bj]!, distance: best });
    members[bi] = [...members[bi]!, ...members[bj]!];
    size[bi] = si + sj;
    active[bj] = 0;
  }
  const root = n === 0 ? [] : members[active.indexOf(1)]!;
  return { order: root, merges };
}
