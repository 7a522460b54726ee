/** Class names in natural order (class2 before class10), the same on every machine. */
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });

export function naturalSort(names: Iterable<string>): string[] {
  return [...new Set(names)].sort((a, b) => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0));
}
