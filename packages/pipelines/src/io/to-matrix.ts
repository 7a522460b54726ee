/**
 * Feature columns to a row-major float32 matrix [rows, columns]. Text columns
 * named as features are parsed cell by cell, and the first cell that is not a
 * number is reported with its row and value, since that is what the user must fix.
 */
import { DataError } from './data-error.js';
import { CLI_OPTION_NAMES, type OptionNames } from './option-names.js';
import { describeUnrepresentable, isUnrepresentable } from './non-finite.js';
import type { Column, Table } from './table.js';

export interface MatrixOptions {
  /** 'nan' keeps missing cells as NaN (default); 'error' rejects them naming the row. */
  missing?: 'nan' | 'error';
  /** Reject columns that are entirely missing or constant. */
  checkInformative?: boolean;
  /** The caller's option names, for the hints in messages (default: --columns, --id). */
  names?: OptionNames;
}

export interface Matrix {
  rows: number;
  columns: string[];
  /** Row-major [rows, columns.length]. */
  data: Float32Array;
}

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity)$|^nan$/i;

/** The number in a text cell, NaN for an empty cell, undefined if it is not a number. */
export function parseNumberCell(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return NaN;
  if (!NUMBER_TEXT.test(t)) return undefined;
  const lower = t.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower.endsWith('inf') || lower.endsWith('infinity')) return lower.startsWith('-') ? -Infinity : Infinity;
  return Number(t);
}

/** "row 12" plus "(line 13 of the file)" for text files with a header line. */
export function rowLabel(source: string, row: number): string {
  return /\.(csv|tsv|txt|tab)(\.gz)?$/i.test(source) ? `row ${row + 1} (line ${row + 2} of the file)` : `row ${row + 1}`;
}

/** One column as float64 values (NaN = missing); text cells are parsed, booleans are 1/0. */
export function numericValues(column: Column, source: string, names: OptionNames = CLI_OPTION_NAMES): Float64Array {
  if (column.type === 'number') return column.values;
  if (column.type === 'boolean') return Float64Array.from(column.values, (v) => (v === null ? NaN : v ? 1 : 0));
  const out = new Float64Array(column.values.length);
  column.values.forEach((v, r) => {
    if (v === null) {
      out[r] = NaN;
      return;
    }
    const x = parseNumberCell(v);
    if (x === undefined) {
      throw new DataError(
        `${source}: column '${column.name}' is used as a numeric feature, but ${rowLabel(source, r)} holds '${v}', which is not a number; ` +
          `fix or empty that cell (empty cells and NA are read as missing), or leave the column out of ${names.columns}`,
      );
    }
    out[r] = x;
  });
  return out;
}

/** Throw if a column is entirely missing or holds a single value. */
export function checkInformativeColumn(name: string, values: Float64Array, source: string, names: OptionNames = CLI_OPTION_NAMES): void {
  let first = NaN;
  let varies = false;
  let present = 0;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    if (present === 0) first = v;
    else if (v !== first) varies = true;
    present++;
  }
  if (present === 0) {
    throw new DataError(`${source}: column '${name}' is missing in all ${values.length} rows; fill it in, or leave it out by naming the columns to use with ${names.columns}`);
  }
  if (!varies && values.length > 1) {
    throw new DataError(`${source}: column '${name}' is constant (every non-missing row is ${first}), so it carries no information; leave it out by naming the columns to use with ${names.columns}`);
  }
}

export function toMatrix(table: Table & { source?: string }, columns: readonly string[], options: MatrixOptions = {}): Matrix {
  const source = table.source ?? table.name;
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const width = columns.length;
  const data = new Float32Array(table.rows * width);
  columns.forEach((name, j) => {
    const column = byName.get(name);
    if (!column) throw new DataError(`${source}: unknown column '${name}'`);
    const values = numericValues(column, source, options.names);
    if (options.checkInformative) checkInformativeColumn(name, values, source, options.names);
    for (let r = 0; r < table.rows; r++) {
      const v = values[r]!;
      if (options.missing === 'error' && Number.isNaN(v)) {
        // for a file, show the exact query that drops such rows
        const drop = /\s/.test(source) ? `a --sql query with where "${name}" is not null` : `--sql "select * from '${source}' where \\"${name}\\" is not null"`;
        const own = options.names?.missing ? `rerun with ${options.names.missing}, ` : '';
        throw new DataError(`${source}: column '${name}' is missing in ${rowLabel(source, r)}; this step needs complete rows: ${own}impute the value, or drop incomplete rows with ${drop}`);
      }
      if (isUnrepresentable(v)) {
        throw new DataError(`${source}: column '${name}' holds ${describeUnrepresentable(v)} in ${rowLabel(source, r)}; models compute in float32: fix the value, or empty the cell to mark it missing`);
      }
      data[r * width + j] = v;
    }
  });
  return { rows: table.rows, columns: [...columns], data };
}
