/**
 * The class column a command carries into its output (tsne, neighbours):
 * the one --class-column names, else a column the features left out whose
 * name looks like a class label (class, label, subtype, cancer_type ...).
 */
import type { ArrayData } from '../io/arrays.js';
import { closestMatch } from '../io/closest-match.js';
import { DataError } from '../io/data-error.js';
import { CLASS_NAME_PATTERN } from '../io/id-column.js';
import { readTable } from '../io/read-table.js';
import type { SqlSource } from '../io/read-table.js';
import { cellValue } from '../io/table.js';

/** Class-like names beyond CLASS_NAME_PATTERN that tables use for a grouping. */
const GROUP_NAME_PATTERN = /^(cancer_type|cancer|cell_type|celltype|type|diagnosis|condition|species|cohort|pam50)$/i;

export interface ClassColumn {
  name: string;
  values: (string | null)[];
}

/** The class column's values (one per row of the table), or null when none is chosen or found. */
export async function readClassColumn(source: string | SqlSource, chosen: string | undefined, input: ArrayData, where: string): Promise<ClassColumn | null> {
  if (chosen === undefined && !input.skipped?.length) return null;
  if (input.columnNames === undefined) {
    if (chosen !== undefined) throw new DataError(`${where}: --class-column needs a table; a JSON array has no columns`);
    return null;
  }
  const name = chosen ?? input.skipped!.map((s) => s.column).find((c) => CLASS_NAME_PATTERN.test(c) || GROUP_NAME_PATTERN.test(c));
  if (name === undefined) return null;
  const table = await readTable(source);
  const column = table.columns.find((c) => c.name === name);
  if (!column) {
    const near = closestMatch(name, table.columns.map((c) => c.name));
    throw new DataError(`${where}: --class-column ${name} is not a column${near ? ` (did you mean '${near}'?)` : ''}`);
  }
  return { name, values: Array.from({ length: table.rows }, (_, r) => { const v = cellValue(column, r); return v === null ? null : String(v); }) };
}
