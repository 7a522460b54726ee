/**
 * duckdb-wasm's blocking Node build, holding the tables a page embeds, behind
 * the async connection interface the viewer's SQL modules use. Lets the tests
 * run the viewer's exact SQL against the same rows Node drew the page from.
 */
import type { AsyncDuckDBConnection } from '@duckdb/duckdb-wasm';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { encodeArrowStream } from '../../src/run/arrow-codec.js';
import type { RunTable } from '../../src/run/run-table.js';

export async function duckdbWithTables(tables: Record<string, RunTable>): Promise<AsyncDuckDBConnection> {
  const duckdb = await import('@duckdb/duckdb-wasm/blocking');
  const dist = dirname(createRequire(import.meta.url).resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm'));
  const bundles = {
    mvp: { mainModule: join(dist, 'duckdb-mvp.wasm'), mainWorker: join(dist, 'duckdb-node-mvp.worker.cjs') },
    eh: { mainModule: join(dist, 'duckdb-eh.wasm'), mainWorker: join(dist, 'duckdb-node-eh.worker.cjs') },
  };
  const db = await duckdb.createDuckDB(bundles, new duckdb.VoidLogger(), duckdb.NODE_RUNTIME);
  await db.instantiate(() => {});
  const connection = db.connect();
  for (const [name, table] of Object.entries(tables)) connection.insertArrowFromIPCStream(encodeArrowStream(table), { name, create: true });
  return { query: async (sql: string) => connection.query(sql) } as unknown as AsyncDuckDBConnection;
}
