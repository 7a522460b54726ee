/**
 * Order names by average-linkage clustering of their vectors (Euclidean
 * distance), e.g. units by their influence across classes.
 */
import { averageLinkage } from './average-linkage.js';

export function clusterVectors(names: readonly string[], vectors: readonly (readonly number[])[]): string[] {
  const n = names.length;
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = vectors[i]!;
      const b = vectors[j]!;
      let sum = 0;
      for (let k = 0; k < a.length; k++) {
        const diff = (a[k] ?? 0) - (b[k] ?? 0);
        sum += diff * diff;
      }
      d[i * n + j] = d[j * n + i] = Math.sqrt(sum);
    }
  }
  return averageLinkage(d, n).order.map((i) => names[i]!);
}
