/**
 * One in-memory DuckDB per process, a fresh connection per operation (temp
 * tables are connection-local, so concurrent reads cannot see each other's).
 * threads=1 keeps row order and Parquet output identical from run to run.
 *
 * What user SQL may do (docs/RELIABILITY.md): one SELECT statement, which may
 * read local files. Extensions are never installed or autoloaded (parquet,
 * json and icu are built in), and the configuration is locked when the
 * instance is created, so no statement can switch that back on; every
 * connection comes from this one instance. User text goes through
 * prepareOne, which uses DuckDB's own statement splitter, never a regex.
 */
import type { DuckDBConnection, DuckDBExtractedStatements, DuckDBInstance, DuckDBPreparedStatement } from '@duckdb/node-api';
import { UsageError } from '../cli/usage-error.js';

let instance: Promise<DuckDBInstance> | undefined;

async function createInstance(): Promise<DuckDBInstance> {
  // the native addon loads on first use, so commands that never touch a table start fast
  const { DuckDBInstance } = await import('@duckdb/node-api');
  return DuckDBInstance.create(':memory:', {
    threads: '1',
    // never reach for the network: no extension downloads or loads behind the user's back
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    allow_community_extensions: 'false',
    allow_unsigned_extensions: 'false',
    preserve_insertion_order: 'true',
    // last: no SET or PRAGMA can change the settings above afterwards
    lock_configuration: 'true',
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

/** DuckDB's own split of `sql` into statements, refused unless there is exactly one (parses only: reads no file). */
export async function requireOneStatement(con: DuckDBConnection, sql: string, what: string): Promise<DuckDBExtractedStatements> {
  const extracted = await con.extractStatements(sql);
  if (extracted.count !== 1) {
    throw new UsageError(
      `${what}: holds ${extracted.count === 0 ? 'no SQL statement' : `${extracted.count} SQL statements`}; give exactly one SELECT (or WITH ... SELECT) statement, with nothing after a ';'`,
    );
  }
  return extracted;
}

/** The statement kinds prepareOne accepts. */
export type AllowedStatement = 'SELECT' | 'CREATE';

/**
 * Prepare `sql` if DuckDB's parser finds exactly one statement in it, of the
 * `allowed` kind (a SELECT includes WITH ... SELECT, VALUES and FROM-first
 * queries); anything else is refused before it runs. `what` names the user's
 * input in errors (e.g. '--sql query'). Parse and bind errors propagate as
 * DuckDB's errors, for the caller to word.
 */
export async function prepareOne(con: DuckDBConnection, sql: string, what: string, allowed: AllowedStatement = 'SELECT'): Promise<DuckDBPreparedStatement> {
  const { StatementType } = await import('@duckdb/node-api');
  const prepared = await (await requireOneStatement(con, sql, what)).prepare(0);
  if (prepared.statementType !== StatementType[allowed]) {
    const kind = StatementType[prepared.statementType] ?? String(prepared.statementType);
    prepared.destroySync();
    throw new UsageError(`${what}: is a ${kind} statement; only one SELECT (or WITH ... SELECT) statement may run: it may read local files, but not write files, attach databases, change settings or install extensions`);
  }
  return prepared;
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
