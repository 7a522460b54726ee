/**
 * The columnar table that every reader returns and every writer takes.
 * Numbers are Float64Array with NaN marking a missing value (so numeric
 * columns stay compact and fast); strings and booleans use null for missing.
 */

export interface NumberColumn {
  name: string;
  type: 'number';
  values: Float64Array;
  /**
   * The values are float32 numbers (model inputs/outputs). Writers then store
   * FLOAT instead of DOUBLE and print the shortest float32 form in text formats.
   */
  float32?: boolean;
}

export interface StringColumn {
  name: string;
  type: 'string';
  values: (string | null)[];
}

export interface BooleanColumn {
  name: string;
  type: 'boolean';
  values: (boolean | null)[];
}

export type Column = NumberColumn | StringColumn | BooleanColumn;
export type ColumnType = Column['type'];

export interface Table {
  /** A label for messages: the file name, or 'query' for SQL. */
  name: string;
  rows: number;
  columns: Column[];
}

/** A table read from a file or query, with its provenance and missing-value counts. */
export interface LoadedTable extends Table {
  /** The file path or SQL text it came from, for error messages. */
  source: string;
  /** Missing values per column name (NaN or null cells). */
  missing: Record<string, number>;
}

export function numberColumn(name: string, values: Float64Array | ArrayLike<number>, float32 = false): NumberColumn {
  const v = values instanceof Float64Array ? values : Float64Array.from(values);
  return float32 ? { name, type: 'number', values: v, float32 } : { name, type: 'number', values: v };
}

export function stringColumn(name: string, values: (string | null)[]): StringColumn {
  return { name, type: 'string', values };
}

export function booleanColumn(name: string, values: (boolean | null)[]): BooleanColumn {
  return { name, type: 'boolean', values };
}

export function isMissing(column: Column, row: number): boolean {
  return column.type === 'number' ? Number.isNaN(column.values[row]!) : column.values[row] === null;
}

export function countMissing(column: Column): number {
  let n = 0;
  const len = column.values.length;
  for (let r = 0; r < len; r++) if (isMissing(column, r)) n++;
  return n;
}

/** Build a table and check that every column has `rows` values and names are unique. */
export function makeTable(name: string, columns: Column[]): Table {
  const rows = columns[0]?.values.length ?? 0;
  const seen = new Set<string>();
  for (const c of columns) {
    if (c.values.length !== rows) {
      throw new Error(`table '${name}': column '${c.name}' has ${c.values.length} values, column '${columns[0]!.name}' has ${rows}; every column needs one value per row`);
    }
    if (seen.has(c.name)) throw new Error(`table '${name}': two columns are named '${c.name}'; column names must be unique`);
    seen.add(c.name);
  }
  return { name, rows, columns };
}

/** The value of one cell as a plain JS value (null when missing), for JSON and CSV writers. */
export function cellValue(column: Column, row: number): number | string | boolean | null {
  if (column.type === 'number') {
    const v = column.values[row]!;
    return Number.isNaN(v) ? null : v;
  }
  return column.values[row] ?? null;
}
