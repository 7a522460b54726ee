/**
 * Names an output table keeps from the model and the input: feature names
 * (from a .relevance file's metadata `features`, else the input table's
 * columns) and class names (metadata `classes`). Used by explain and predict
 * so tables say `ER-alpha` and `LumA` rather than `a_12` and `output_2`.
 */

export interface ModelNames {
  features?: string[];
  classes?: string[];
}

function stringList(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
}

/** Feature and class names from a model's metadata (.relevance), when it has them. */
export function modelNames(metadata: Record<string, unknown> | undefined): ModelNames {
  return { features: stringList(metadata?.features), classes: stringList(metadata?.classes) };
}

/**
 * Column names for `width` values per row: the first list of the right length
 * (model features, the input's columns), else `${prefix}${j}`. Names that
 * clash with `reserved` (id, target ...) get the prefix.
 */
export function columnNamesFor(width: number, candidates: ReadonlyArray<readonly string[] | undefined>, prefix: string, reserved: readonly string[] = []): string[] {
  const names = candidates.find((c) => c !== undefined && c.length === width && new Set(c).size === width);
  if (!names) return Array.from({ length: width }, (_, j) => `${prefix}${j}`);
  return names.map((n) => (reserved.includes(n) ? `${prefix}${n}` : n));
}

/** Class name of each index (null when out of range or no names). */
export function classNamesOf(indices: ArrayLike<number>, classes: readonly string[] | undefined): (string | null)[] | undefined {
  if (!classes) return undefined;
  return Array.from(indices, (k) => classes[k] ?? null);
}
