/**
 * Random sparse DAGs for the structural-equation and Hill simulators.
 *
 * Genes are put in a random causal order (so gene names carry no order). Every
 * gene after the first gets at least one parent while edges last, then the
 * remaining edges go to genes with room left (at most `maxParents` parents,
 * and never more than the genes before it). Parents are drawn with weight
 * (out-degree + 1), preferential attachment as in scale-free GRN generators
 * (Barabási & Albert 1999), so a few regulators become hubs.
 */
import type { Generator } from '@relevance/core-wasm';

export interface Dag {
  /** order[k] is the gene at causal position k; parents always come earlier. */
  order: number[];
  /** parents[gene] lists the regulators of gene (gene indices), in the order drawn. */
  parents: number[][];
}

/** The most edges a DAG on `genes` nodes with at most `maxParents` parents per node can hold. */
export function maxDagEdges(genes: number, maxParents: number): number {
  let total = 0;
  for (let k = 1; k < genes; k++) total += Math.min(k, maxParents);
  return total;
}

/** How many parents each causal position gets: spread `edges` over positions 1..genes-1. */
function parentCounts(genes: number, edges: number, maxParents: number, g: Generator): number[] {
  const count = new Array<number>(genes).fill(0);
  const positions = Array.from({ length: genes - 1 }, (_, k) => k + 1);
  if (edges < genes - 1) {
    g.shuffle(positions);
    for (let e = 0; e < edges; e++) count[positions[e]!] = 1;
    return count;
  }
  for (const k of positions) count[k] = 1;
  for (let e = genes - 1; e < edges; e++) {
    const open = positions.filter((k) => count[k]! < Math.min(k, maxParents));
    count[open[g.int(open.length)]!]! += 1;
  }
  return count;
}

/** Draw `m` distinct earlier positions with weight (out-degree + 1). */
function drawParents(k: number, m: number, outDegree: number[], g: Generator): number[] {
  const chosen: number[] = [];
  for (let t = 0; t < m; t++) {
    let total = 0;
    for (let q = 0; q < k; q++) if (!chosen.includes(q)) total += outDegree[q]! + 1;
    let u = g.uniform() * total;
    let pick = -1;
    for (let q = 0; q < k && pick < 0; q++) {
      if (chosen.includes(q)) continue;
      u -= outDegree[q]! + 1;
      if (u < 0) pick = q;
    }
    if (pick < 0) pick = [...Array(k).keys()].reverse().find((q) => !chosen.includes(q))!; // rounding at the very end
    chosen.push(pick);
  }
  return chosen;
}

/** A random DAG with exactly `edges` edges; the caller has checked edges <= maxDagEdges(genes, maxParents). */
export function randomDag(genes: number, edges: number, maxParents: number, g: Generator): Dag {
  const order = Array.from(g.permutation(genes));
  const count = parentCounts(genes, edges, maxParents, g);
  const outDegree = new Array<number>(genes).fill(0);
  const parents: number[][] = Array.from({ length: genes }, () => []);
  for (let k = 1; k < genes; k++) {
    const picks = drawParents(k, count[k]!, outDegree, g);
    for (const q of picks) outDegree[q]! += 1;
    parents[order[k]!] = picks.map((q) => order[q]!);
  }
  return { order, parents };
}
