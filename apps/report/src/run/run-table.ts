/**
 * A run-folder table in the report's own plain form: column kinds plus rows
 * of plain values. Three kinds are enough (the pipelines writer stores
 * numbers as float64/float32, booleans and UTF-8 strings), and identifier
 * columns are strings even when a study stored them as numbers.
 */
import type { Row } from './table-rows.js';

export type ColumnKind = 'number' | 'boolean' | 'string';

export interface RunColumn {
  name: string;
  kind: ColumnKind;
}

export interface RunTable {
  name: string;
  columns: RunColumn[];
  rows: Row[];
}

/** A table's rows typed as the documented row shape (none for a missing table). */
export function rowsOf<T>(table: RunTable | undefined): T[] {
  return (table?.rows ?? []) as unknown as T[];
}

export function emptyTable(name: string): RunTable {
  return { name, columns: [], rows: [] };
}

export function hasColumn(table: RunTable, column: string): boolean {
  return table.columns.some((c) => c.name === column);
}
