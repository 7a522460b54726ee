/**
 * One in-memory DuckDB per process, a fresh connection per operation (temp
 * tables are connection-local, so concurrent reads cannot see each other's).
 * threads=1 keeps row order and Parquet output identical from run to run.
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

let instance: Promise<DuckDBInstance> | undefined;

async function createInstance(): Promise<DuckDBInstance> {
  // the native addon loads on first use, so commands that never touch a table start fast
  const { DuckDBInstance } = await import('@duckdb/node-api');
  return DuckDBInstance.create(':memory:', {
    threads: '1',
    // never reach for the network: no extension downloads behind the user's back
    autoinstall_known_extensions: 'false',
    preserve_insertion_order: 'true',
  });
}

function sharedInstance(): Promise<DuckDBInstance> {
  instance ??= createInstance();
  return instance;
}

/** Run `fn` with a connection that is closed afterwards, whatever happens. */
export async function withConnection<T>(fn: (con: DuckDBConnection) => Promise<T>): Promise<T> {
  const con = await (await sharedInstance()).connect();
  try {
    return await fn(con);
  } finally {
    con.closeSync();
  }
}

/** A SQL string literal: 'it''s'. */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** A SQL identifier: "col ""x""". */
export function sqlIdentifier(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}

/** The first line of a DuckDB error, without the SQL echo that follows it. */
export function duckdbReason(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0]!.trim();
}
