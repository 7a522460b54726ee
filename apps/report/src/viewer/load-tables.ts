/** Create one DuckDB table per embedded Arrow stream. */
import type { AsyncDuckDBConnection } from '@duckdb/duckdb-wasm';
import type { EmbeddedArrow } from './page-data.js';

export async function loadTables(connection: AsyncDuckDBConnection, tables: readonly EmbeddedArrow[]): Promise<void> {
  for (const t of tables) {
    if (!/^[a-z_]+$/.test(t.name)) throw new Error(`unexpected embedded table name '${t.name}'`);
    await connection.insertArrowFromIPCStream(t.bytes, { name: t.name, create: true });
  }
}
