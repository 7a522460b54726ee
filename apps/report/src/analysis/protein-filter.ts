/**
 * The protein (or unit) filter typed by the user: comma- or space-separated
 * terms, each matching names that contain it (case-insensitive). An empty
 * filter matches everything. The viewer and the static page both call this,
 * so they select the same names.
 */

export function filterTerms(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t.length > 0);
}

export function matchesFilter(name: string, terms: readonly string[]): boolean {
  if (terms.length === 0) return true;
  const lower = name.toLowerCase();
  return terms.some((t) => lower.includes(t));
}

/** The names that match, in their given order. */
export function filterNames(names: readonly string[], text: string): string[] {
  const terms = filterTerms(text);
  return terms.length === 0 ? [...names] : names.filter((n) => matchesFilter(n, terms));
}
