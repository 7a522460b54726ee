/**
 * SQL helpers for the viewer's queries: literals (values come from the page,
 * but names may hold quotes), IN lists, and query results as plain rows with
 * the same value types the Node reader produces (numbers, strings, booleans, null).
 */
import type { AsyncDuckDBConnection } from '@duckdb/duckdb-wasm';
import type { Row } from '../run/table-rows.js';

export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** `column IN ('a', 'b')`; an empty list matches nothing. */
export function inList(column: string, values: readonly string[]): string {
  return values.length === 0 ? 'FALSE' : `${column} IN (${values.map(sqlString).join(', ')})`;
}

function plain(value: unknown): Row[string] {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return Number.isNaN(value) ? null : value;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  return String(value);
}

export async function queryRows<T>(connection: AsyncDuckDBConnection, sql: string): Promise<T[]> {
  const result = await connection.query(sql);
  const names = result.schema.fields.map((f) => f.name);
  const columns = names.map((_, i) => result.getChildAt(i)!);
  const rows: Row[] = new Array(result.numRows);
  for (let r = 0; r < result.numRows; r++) {
    const row: Row = {};
    names.forEach((name, i) => {
      row[name] = plain(columns[i]!.get(r));
    });
    rows[r] = row;
  }
  return rows as unknown as T[];
}
