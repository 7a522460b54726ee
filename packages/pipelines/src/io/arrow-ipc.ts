/**
 * Arrow IPC (Feather v2) in and out with `apache-arrow`. DuckDB has no built-in
 * Arrow IPC reader (it needs the `arrow` extension, which would be downloaded
 * at run time), so Arrow files are converted here, in process, both ways.
 */
import {
  Bool,
  DataType,
  Field,
  Float32,
  Float64,
  RecordBatch,
  Schema,
  Struct,
  Table as ArrowTable,
  Utf8,
  makeData,
  tableFromIPC,
  tableToIPC,
  vectorFromArray,
  type Vector,
} from 'apache-arrow';
import { DataError } from './data-error.js';
import { checkUniqueNames } from './csv-diagnose.js';
import { makeTable, type Column, type Table } from './table.js';

function toNumber(v: unknown): number {
  if (v === null || v === undefined) return NaN;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  if (v instanceof Date) return v.getTime();
  return Number(v);
}

function toText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (typeof v === 'object') return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  return String(v);
}

function columnFromVector(name: string, vector: Vector, type: DataType, rows: number): Column {
  if (DataType.isFloat(type) || DataType.isInt(type) || DataType.isDecimal(type)) {
    const values = new Float64Array(rows);
    for (let r = 0; r < rows; r++) values[r] = vector.isValid(r) ? toNumber(vector.get(r)) : NaN;
    const column: Column = { name, type: 'number', values };
    if (DataType.isFloat(type) && type.precision === 1) column.float32 = true;
    return column;
  }
  if (DataType.isBool(type)) {
    const values: (boolean | null)[] = new Array(rows);
    for (let r = 0; r < rows; r++) values[r] = vector.isValid(r) ? Boolean(vector.get(r)) : null;
    return { name, type: 'boolean', values };
  }
  // strings, dictionaries of strings, dates and anything else: text
  const values: (string | null)[] = new Array(rows);
  for (let r = 0; r < rows; r++) values[r] = vector.isValid(r) ? toText(vector.get(r)) : null;
  return { name, type: 'string', values };
}

/** Decode an Arrow IPC file or stream into the columnar table. */
export function tableFromArrowBytes(bytes: Uint8Array, name: string, source: string): Table {
  let arrow: ArrowTable;
  try {
    arrow = tableFromIPC(bytes);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    // apache-arrow has no LZ4/ZSTD codec built in, and pandas/pyarrow compress Feather files by default
    if (/compress/i.test(reason)) {
      throw new DataError(`${source}: the Arrow IPC file is compressed (LZ4/ZSTD), which this reader cannot decode; write it uncompressed (df.to_feather(path, compression='uncompressed')) or as Parquet`);
    }
    throw new DataError(`${source}: not a readable Arrow IPC file (${reason}); write it with pyarrow.feather.write_feather(..., compression='uncompressed') or as Parquet`);
  }
  checkUniqueNames(arrow.schema.fields.map((f) => f.name), source, 'the Arrow schema');
  const columns: Column[] = arrow.schema.fields.map((field, i) => columnFromVector(field.name, arrow.getChildAt(i)!, field.type, arrow.numRows));
  return makeTable(name, columns);
}

function vectorForColumn(column: Column): Vector {
  if (column.type === 'number') {
    // NaN means missing in memory; in the file it becomes a proper null so other tools see it as missing
    const values = Array.from(column.values, (v) => (Number.isNaN(v) ? null : v));
    return column.float32 ? vectorFromArray(values, new Float32()) : vectorFromArray(values, new Float64());
  }
  if (column.type === 'boolean') return vectorFromArray(column.values, new Bool());
  return vectorFromArray(column.values, new Utf8());
}

/** Encode the table as an Arrow IPC file (not stream); the same table always gives the same bytes. */
export function tableToArrowBytes(table: Table): Uint8Array {
  const vectors = table.columns.map(vectorForColumn);
  // an explicit schema keeps column order even for names like '0', '1' that a JS object would reorder
  const fields = table.columns.map((c, i) => new Field(c.name, vectors[i]!.type, true));
  const schema = new Schema(fields);
  const children = vectors.map((v) => v.data[0] ?? makeData({ type: v.type, length: 0 } as never));
  const struct = makeData({ type: new Struct(fields), length: table.rows, nullCount: 0, children });
  const batch = new RecordBatch(schema, struct);
  return tableToIPC(new ArrowTable([batch]), 'file');
}
