/** Row selections for embedding: each group's strongest rows, and rows about chosen names only. */
import type { Row } from '../run/table-rows.js';
import { compareDescending, compareText } from './compare.js';

/** Per group (e.g. instance), the k rows with the largest `score`; ties by `tieKeys`; groups keep their first-appearance order. */
export function topRowsPerGroup(rows: readonly Row[], group: string, score: (r: Row) => number | null, k: number, tieKeys: string[]): Row[] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const g = String(r[group] ?? '');
    let list = groups.get(g);
    if (!list) groups.set(g, (list = []));
    list.push(r);
  }
  const out: Row[] = [];
  for (const list of groups.values()) {
    const sorted = list.length <= k ? list : [...list].sort((a, b) => compareDescending(score(a), score(b)) || tieKeys.reduce((c, key) => c || compareText(a[key] as string | null, b[key] as string | null), 0)).slice(0, k);
    out.push(...sorted);
  }
  return out;
}

/** The largest group size. */
export function largestGroup(rows: readonly Row[], group: string): number {
  const counts = new Map<string, number>();
  let max = 0;
  for (const r of rows) {
    const g = String(r[group] ?? '');
    const c = (counts.get(g) ?? 0) + 1;
    counts.set(g, c);
    if (c > max) max = c;
  }
  return max;
}
