/**
 * Sort helpers that match the viewer's SQL ORDER BY clauses: strings in
 * code-point order (DuckDB's default collation), nulls last.
 */

export function compareText(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/** Descending numbers, nulls (and NaN) last. */
export function compareDescending(a: number | null, b: number | null): number {
  const an = a === null || Number.isNaN(a);
  const bn = b === null || Number.isNaN(b);
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  return b! - a!;
}

/** Ascending numbers, nulls (and NaN) last. */
export function compareAscending(a: number | null, b: number | null): number {
  const an = a === null || Number.isNaN(a);
  const bn = b === null || Number.isNaN(b);
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  return a! - b!;
}
