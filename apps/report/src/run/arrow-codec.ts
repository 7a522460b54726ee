/**
 * Arrow IPC bytes to RunTable and back. Reading accepts the IPC file or
 * stream format and any numeric, boolean or text type; writing produces the
 * IPC *stream* format that duckdb-wasm's insertArrowFromIPCStream expects,
 * with float64 numbers, booleans and UTF-8 strings. Same rows, same bytes.
 */
import { Bool, DataType, Field, Float64, RecordBatch, Schema, Struct, Table, Utf8, makeData, tableFromIPC, tableToIPC, vectorFromArray, type Vector } from 'apache-arrow';
import type { ColumnKind, RunColumn, RunTable } from './run-table.js';
import { IDENTIFIER_COLUMNS } from './table-names.js';
import type { Cell, Row } from './table-rows.js';

function kindOf(name: string, type: DataType): ColumnKind {
  if (IDENTIFIER_COLUMNS.has(name)) return 'string';
  if (DataType.isFloat(type) || DataType.isInt(type) || DataType.isDecimal(type)) return 'number';
  if (DataType.isBool(type)) return 'boolean';
  return 'string';
}

/** A plain JS value of the given kind; null for missing and for NaN. */
export function plainCell(value: unknown, kind: ColumnKind): Cell {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'number': {
      const n = typeof value === 'bigint' ? Number(value) : Number(value);
      return Number.isNaN(n) ? null : n;
    }
    case 'boolean':
      return Boolean(value);
    case 'string':
      if (typeof value === 'number' && Number.isInteger(value)) return String(value);
      if (typeof value === 'bigint') return value.toString();
      if (value instanceof Date) return value.toISOString();
      return String(value);
  }
}

/** Decode Arrow IPC (file or stream) into plain rows. */
export function decodeArrow(bytes: Uint8Array, name: string): RunTable {
  const table = tableFromIPC(bytes);
  const columns: RunColumn[] = table.schema.fields.map((f) => ({ name: f.name, kind: kindOf(f.name, f.type) }));
  const vectors = columns.map((_, i) => table.getChildAt(i)!);
  const rows: Row[] = new Array(table.numRows);
  for (let r = 0; r < table.numRows; r++) {
    const row: Row = {};
    columns.forEach((c, i) => {
      const v = vectors[i]!;
      row[c.name] = v.isValid(r) ? plainCell(v.get(r), c.kind) : null;
    });
    rows[r] = row;
  }
  return { name, columns, rows };
}

function vectorOf(column: RunColumn, rows: readonly Row[]): Vector {
  const values = rows.map((row) => row[column.name] ?? null);
  if (column.kind === 'number') return vectorFromArray(values as (number | null)[], new Float64());
  if (column.kind === 'boolean') return vectorFromArray(values as (boolean | null)[], new Bool());
  return vectorFromArray(values as (string | null)[], new Utf8());
}

/** Encode rows (default: all of the table's) as an Arrow IPC stream. */
export function encodeArrowStream(table: RunTable, rows: readonly Row[] = table.rows): Uint8Array {
  const vectors = table.columns.map((c) => vectorOf(c, rows));
  const fields = table.columns.map((c, i) => new Field(c.name, vectors[i]!.type, true));
  const children = vectors.map((v) => v.data[0] ?? makeData({ type: v.type, length: 0 } as never));
  const struct = makeData({ type: new Struct(fields), length: rows.length, nullCount: 0, children });
  return tableToIPC(new Table([new RecordBatch(new Schema(fields), struct)]), 'stream');
}
