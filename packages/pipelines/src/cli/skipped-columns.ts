/** Columns a command's table input left out of the features are named on stderr (also with --quiet): nothing is dropped silently. */
import type { ArrayData } from '../io/arrays.js';

export function warnSkippedColumns(stderr: { write(text: string): unknown }, input: ArrayData, source: string): void {
  for (const c of input.skipped ?? []) stderr.write(`warning: ${source}: column '${c.column}' is not used as a feature: ${c.reason}\n`);
}
