/**
 * N-d float32 arrays in and out. JSON holds `{shape, data}` (row-major); a
 * fixture wrapper such as `{model, note, input: {shape, data}}` is accepted
 * when exactly one entry is such an array. CSV/Parquet/Arrow/JSON-records
 * tables become [rows, features] (numeric columns in order, or --columns),
 * with an id column carried separately. Tabular outputs get one row per
 * first-axis index, the remaining axes flattened.
 */
import { readFile } from 'node:fs/promises';
import { checkReadableFile } from './check-file.js';
import { DataError } from './data-error.js';
import { describeUnrepresentable, isUnrepresentable } from './non-finite.js';
import { requireFormat } from './file-format.js';
import { findIdColumn, idValues } from './id-column.js';
import { readTable, type ReadTableOptions, type SqlSource } from './read-table.js';
import { selectFeatureColumns, skippedColumns, type ColumnPattern, type FeatureSelection, type SkippedColumn } from './select-columns.js';
import { CLI_OPTION_NAMES, type OptionNames } from './option-names.js';
import { numberColumn, stringColumn, type Column, type LoadedTable, type Table } from './table.js';
import { toMatrix } from './to-matrix.js';
import { writeJsonAtomic } from './atomic-write.js';
import { writeTable } from './write-table.js';

export interface ArrayData {
  shape: number[];
  /** Row-major values; NaN marks a missing cell. */
  data: Float32Array;
  /** Names of the last axis for tables (the feature columns). */
  columnNames?: string[];
  /** One id per row (first axis) when the table had an id column. */
  ids?: (string | number)[];
  /** The id column's name. */
  idName?: string;
  /** Table columns left out of the features (not numeric, class-like names), with the reason; the caller warns. */
  skipped?: SkippedColumn[];
}

export interface ReadArrayOptions extends ReadTableOptions {
  /** Feature columns for tables (see parseColumnSpec); default: every numeric non-id column. */
  columns?: string | readonly ColumnPattern[];
  /** The id column; null = none; default: detected (see findIdColumn). */
  idColumn?: string | null;
  /** Columns to leave out of the default feature set (class labels ...). */
  exclude?: readonly string[];
  /** Reject missing cells (naming the row) instead of keeping them as NaN. */
  requireComplete?: boolean;
  /** The caller's option names, for the hints in messages (default: --columns, --id). */
  names?: OptionNames;
}

interface JsonArray {
  shape: unknown;
  data: unknown;
}

function looksLikeArray(v: unknown): v is JsonArray {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'shape' in v && 'data' in v;
}

/** Shape and flat values of nested JSON arrays ([[1,2],[3,4]] -> [2,2]). */
function nestedToArray(value: unknown[], path: string): { shape: number[]; data: unknown[] } {
  const shape: number[] = [];
  let level: unknown = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const data = (value as unknown[]).flat(shape.length - 1) as unknown[];
  const expected = shape.reduce((a, b) => a * b, 1);
  if (data.length !== expected || data.some((v) => Array.isArray(v))) {
    throw new DataError(`${path}: the nested arrays are ragged (not every row has the same length); write {"shape": [...], "data": [flat values]} instead`);
  }
  return { shape, data };
}

function toFloat32(values: unknown[], path: string, what: string): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null) out[i] = NaN;
    else if (typeof v === 'number') {
      if (isUnrepresentable(v)) throw new DataError(`${path}: ${what} element ${i} is ${describeUnrepresentable(v)}; model inputs are float32 numbers: fix the value (null marks a missing one)`);
      out[i] = v;
    }
    else {
      throw new DataError(`${path}: ${what} element ${i} is ${JSON.stringify(v)}, not a number; arrays hold numbers (null for missing)`);
    }
  }
  return out;
}

/** A JSON array of objects is a table of records, read through DuckDB instead. */
function isRecordList(parsed: unknown): boolean {
  return Array.isArray(parsed) && parsed.length > 0 && typeof parsed[0] === 'object' && parsed[0] !== null && !Array.isArray(parsed[0]);
}

function arrayFromJson(parsed: unknown, path: string): ArrayData {
  if (Array.isArray(parsed)) {
    const { shape, data } = nestedToArray(parsed, path);
    return { shape, data: toFloat32(data, path, 'data') };
  }
  let arr: JsonArray | undefined;
  let label = 'data';
  if (looksLikeArray(parsed)) arr = parsed;
  else if (typeof parsed === 'object' && parsed !== null) {
    const entries = Object.entries(parsed).filter(([, v]) => looksLikeArray(v));
    if (entries.length !== 1) {
      const keys = Object.keys(parsed);
      throw new DataError(
        `${path}: expected {"shape": [...], "data": [...]} or an object with exactly one such entry; ` +
          (entries.length === 0 ? `found keys ${keys.map((k) => `'${k}'`).join(', ')} and no array` : `found ${entries.length} arrays (${entries.map(([k]) => `'${k}'`).join(', ')}); keep one of them in the file`),
      );
    }
    [label, arr] = [entries[0]![0], entries[0]![1] as JsonArray];
  }
  if (!arr) throw new DataError(`${path}: expected {"shape": [...], "data": [...]}, got ${typeof parsed}`);
  const { shape, data } = arr;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new DataError(`${path}: '${label}.shape' must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(data)) throw new DataError(`${path}: '${label}.data' must be a flat list of numbers`);
  const size = (shape as number[]).reduce((a, b) => a * b, 1);
  if (size !== data.length) {
    throw new DataError(`${path}: '${label}' has shape [${shape.join(', ')}] (${size} values) but ${data.length} values in data; fix the shape or the data`);
  }
  return { shape: [...(shape as number[])], data: toFloat32(data, path, `'${label}.data'`) };
}

async function arrayFromTable(source: string | SqlSource, options: ReadArrayOptions): Promise<ArrayData> {
  return arrayFromLoadedTable(await readTable(source, options), options);
}

/** The numeric columns of a table in memory as an array (ids apart), as readArray reads a table file. */
export function arrayFromLoadedTable(table: LoadedTable, options: ReadArrayOptions = {}): ArrayData {
  const names = options.names ?? CLI_OPTION_NAMES;
  const idName = findIdColumn(table, options.idColumn, names);
  const selection: FeatureSelection = { names };
  if (options.columns !== undefined) selection.columns = options.columns;
  if (options.exclude !== undefined) selection.exclude = options.exclude;
  if (idName !== undefined) selection.idColumn = idName;
  const columns = selectFeatureColumns(table, selection);
  const matrix = toMatrix(table, columns, { missing: options.requireComplete ? 'error' : 'nan', names });
  const result: ArrayData = { shape: [matrix.rows, columns.length], data: matrix.data, columnNames: columns, skipped: skippedColumns(table, columns, selection) };
  if (idName !== undefined) {
    result.ids = idValues(table, idName);
    result.idName = idName;
  }
  return result;
}

/** Read an array from JSON {shape, data} or a table file (or a SQL query). */
export async function readArray(source: string | SqlSource, options: ReadArrayOptions = {}): Promise<ArrayData> {
  if (typeof source !== 'string') return arrayFromTable(source, options);
  const format = requireFormat(source, 'read');
  if (format !== 'json') return arrayFromTable(source, options);
  await checkReadableFile(source);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(source, 'utf8'));
  } catch (e) {
    throw new DataError(`${source}: not valid JSON (${e instanceof Error ? e.message : String(e)}); check the file`);
  }
  if (isRecordList(parsed)) return arrayFromTable(source, options);
  const arr = arrayFromJson(parsed, source);
  if (options.requireComplete) {
    const i = arr.data.findIndex((v) => Number.isNaN(v));
    if (i >= 0) throw new DataError(`${source}: element ${i} is missing (null/NaN); this step needs complete inputs`);
  }
  return arr;
}

export interface WriteArrayInput {
  shape: readonly number[];
  data: Float32Array | Float64Array;
  /** Tabular formats: names for the flattened trailing axes (default value_0, value_1, ...). */
  columnNames?: readonly string[];
  /** Tabular formats: one id per row, written as the first column. */
  ids?: readonly (string | number)[];
  /** The id column's name (default 'id'). */
  idName?: string;
  /** Tabular formats: text columns written after the id (e.g. class names), one value per row. */
  labels?: readonly { name: string; values: readonly (string | null)[] }[];
}

/** Write an array: JSON as {shape, data}; tables with one row per first-axis index. */
export async function writeArray(path: string, array: WriteArrayInput): Promise<void> {
  const { shape, data } = array;
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== data.length) throw new DataError(`${path}: cannot write shape [${shape.join(', ')}] (${size} values) with ${data.length} values`);
  const format = requireFormat(path, 'write');
  if (format === 'json') {
    await writeJsonAtomic(path, { shape: [...shape], data });
    return;
  }
  await writeTable(path, arrayTable(path, array));
}

/** The table writeArray writes for a tabular format: ids first, then one column per value of a row. */
export function arrayTable(path: string, array: WriteArrayInput): Table {
  const { shape, data } = array;
  const size = shape.reduce((a, b) => a * b, 1);
  const rows = shape.length === 0 ? 1 : shape[0]!;
  const width = rows === 0 ? shape.slice(1).reduce((a, b) => a * b, 1) : size / rows;
  const names = array.columnNames ?? Array.from({ length: width }, (_, j) => `value_${j}`);
  if (names.length !== width) throw new DataError(`${path}: ${names.length} column names for ${width} values per row`);
  const float32 = data instanceof Float32Array;
  const columns: Column[] = names.map((name, j) => {
    const values = new Float64Array(rows);
    for (let r = 0; r < rows; r++) values[r] = data[r * width + j]!;
    return numberColumn(name, values, float32);
  });
  for (const label of [...(array.labels ?? [])].reverse()) {
    if (label.values.length !== rows) throw new DataError(`${path}: ${label.values.length} values in column '${label.name}' for ${rows} rows`);
    if (names.includes(label.name)) throw new DataError(`${path}: the column '${label.name}' clashes with a value column of the same name`);
    columns.unshift(stringColumn(label.name, [...label.values]));
  }
  if (array.ids) {
    if (array.ids.length !== rows) throw new DataError(`${path}: ${array.ids.length} ids for ${rows} rows`);
    const idName = array.idName ?? 'id';
    if (names.includes(idName)) throw new DataError(`${path}: the id column '${idName}' clashes with a value column of the same name`);
    const numeric = array.ids.every((v) => typeof v === 'number');
    columns.unshift(numeric ? numberColumn(idName, array.ids as number[]) : stringColumn(idName, array.ids.map(String)));
  }
  return { name: path, rows, columns };
}
