/**
 * The protein order shared by every network heatmap: average-linkage
 * clustering of the proteins' relevance profiles, computed once per report
 * (in Node) and embedded in the page, so the cohort and class heatmaps, and
 * every re-render in the browser, use the same rows and columns.
 *
 * A protein's profile is its relevance to every other protein in the cohort
 * network and in each class network, side by side. The distance between two
 * proteins is Euclidean over the other proteins only (their own pair, and the
 * undefined diagonal, are left out).
 */
import { averageLinkage } from './average-linkage.js';

export interface WeightedEdge {
  source: string;
  target: string;
  relevance: number;
}

/** Proteins ranked by weighted degree (sum of cohort relevance), strongest first; ties by name. */
export function proteinsByDegree(proteins: readonly string[], cohort: readonly WeightedEdge[]): string[] {
  const degree = new Map<string, number>(proteins.map((p) => [p, 0]));
  for (const e of cohort) {
    if (!Number.isFinite(e.relevance)) continue;
    if (degree.has(e.source)) degree.set(e.source, degree.get(e.source)! + e.relevance);
    if (degree.has(e.target)) degree.set(e.target, degree.get(e.target)! + e.relevance);
  }
  return [...proteins].sort((a, b) => degree.get(b)! - degree.get(a)! || (a < b ? -1 : a > b ? 1 : 0));
}

function profileMatrix(proteins: readonly string[], edges: readonly WeightedEdge[]): Float64Array {
  const n = proteins.length;
  const index = new Map(proteins.map((p, i) => [p, i]));
  const m = new Float64Array(n * n);
  for (const e of edges) {
    const i = index.get(e.source);
    const j = index.get(e.target);
    if (i === undefined || j === undefined || !Number.isFinite(e.relevance)) continue;
    m[i * n + j] = e.relevance;
    m[j * n + i] = e.relevance;
  }
  return m;
}

/** Pairwise profile distances over all networks (cohort first, then classes). */
export function profileDistances(proteins: readonly string[], networks: readonly (readonly WeightedEdge[])[]): Float64Array {
  const n = proteins.length;
  const matrices = networks.map((edges) => profileMatrix(proteins, edges));
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let sum = 0;
      for (const m of matrices) {
        for (let k = 0; k < n; k++) {
          if (k === i || k === j) continue;
          const diff = m[i * n + k]! - m[j * n + k]!;
          sum += diff * diff;
        }
      }
      const v = Math.sqrt(sum);
      d[i * n + j] = v;
      d[j * n + i] = v;
    }
  }
  return d;
}

export interface ProteinOrder {
  /** Every protein: the clustered ones in dendrogram order, then the rest by degree. */
  order: string[];
  /** How many proteins (from the start of `order`) were clustered. */
  clustered: number;
}

/**
 * Cluster at most `maxClustered` proteins (the strongest by weighted degree;
 * clustering is cubic in their number); the others follow by degree.
 */
export function clusteredProteinOrder(
  proteins: readonly string[],
  cohort: readonly WeightedEdge[],
  classNetworks: readonly (readonly WeightedEdge[])[],
  maxClustered = 300,
): ProteinOrder {
  const ranked = proteinsByDegree(proteins, cohort);
  const chosen = ranked.slice(0, maxClustered);
  // cluster in the proteins' own order, so the result does not depend on degree ties
  const chosenSet = new Set(chosen);
  const inputOrder = proteins.filter((p) => chosenSet.has(p));
  const { order } = averageLinkage(profileDistances(inputOrder, [cohort, ...classNetworks]), inputOrder.length);
  return { order: [...order.map((i) => inputOrder[i]!), ...ranked.slice(maxClustered)], clustered: inputOrder.length };
}
