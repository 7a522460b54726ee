/**
 * Which column holds row ids. Ids are carried through to outputs and never
 * used as features. An explicit name wins; otherwise a column with an id-like
 * name (sample_barcode, id, an unnamed pandas index ...), else a first column
 * of text values that are all different.
 */
import { didYouMean, listNames } from './closest-match.js';
import { DataError } from './data-error.js';
import { CLI_OPTION_NAMES, type OptionNames } from './option-names.js';
import { cellValue, type Column, type Table } from './table.js';

/**
 * Names taken as ids. DuckDB names an empty header `column0`/`column00`
 * (the pandas index that `to_csv` writes); pandas re-reads it as 'Unnamed: 0'.
 */
export const ID_NAME_PATTERN = /^(|id|ids|index|idx|row|row_?id|row_?name|sample|sample_?id|sample_?name|sample_?barcode|barcode|column0+|unnamed: ?0)$/i;

/** Names taken as class labels: excluded from the default feature set even when numeric. */
export const CLASS_NAME_PATTERN = /^(class|label|labels|target|targets|y|subtype|group)$/i;

function allDistinct(column: Column): boolean {
  const seen = new Set<unknown>();
  for (let r = 0; r < column.values.length; r++) {
    const v = cellValue(column, r);
    if (v === null || seen.has(v)) return false;
    seen.add(v);
  }
  return true;
}

/** The id column's name, or undefined when the table has none. `explicit: null` means "no id column". */
export function findIdColumn(table: Table & { source?: string }, explicit?: string | null, names: OptionNames = CLI_OPTION_NAMES): string | undefined {
  const where = table.source ?? table.name;
  if (explicit === null) return undefined;
  if (explicit !== undefined) {
    const col = table.columns.find((c) => c.name === explicit);
    if (!col) {
      const columns = table.columns.map((c) => c.name);
      throw new DataError(`${where}: no id column '${explicit}'${didYouMean(explicit, columns)}; columns: ${listNames(columns)}`);
    }
    checkUniqueIds(table, col, names);
    return col.name;
  }
  const byName = table.columns.find((c) => ID_NAME_PATTERN.test(c.name) && c.type !== 'boolean');
  if (byName) {
    checkUniqueIds(table, byName, names);
    return byName.name;
  }
  const first = table.columns[0];
  if (first && first.type === 'string' && allDistinct(first)) return first.name;
  return undefined;
}

/** Duplicate or missing ids are an error naming both rows (1-based data rows). */
export function checkUniqueIds(table: Table & { source?: string }, column: Column, names: OptionNames = CLI_OPTION_NAMES): void {
  const where = table.source ?? table.name;
  const firstRow = new Map<unknown, number>();
  for (let r = 0; r < table.rows; r++) {
    const v = cellValue(column, r);
    if (v === null) {
      throw new DataError(`${where}: id column '${column.name}' is empty in row ${r + 1}; every row needs an id (fill it in, or pass ${names.id} none to use row numbers)`);
    }
    const prev = firstRow.get(v);
    if (prev !== undefined) {
      throw new DataError(`${where}: id column '${column.name}' has the duplicate id '${String(v)}' in rows ${prev + 1} and ${r + 1}; ids must be unique (remove the duplicate rows, or choose another column with ${names.id})`);
    }
    firstRow.set(v, r);
  }
}

/** The id values in row order, keeping numbers as numbers (ids are never missing once checked). */
export function idValues(table: Table, idColumn: string): (string | number)[] {
  const col = table.columns.find((c) => c.name === idColumn)!;
  return Array.from({ length: table.rows }, (_, r) => {
    const v = cellValue(col, r);
    return typeof v === 'number' ? v : String(v);
  });
}
