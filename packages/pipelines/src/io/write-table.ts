/**
 * Write the columnar table as CSV/TSV, Parquet, Arrow IPC or JSON, choosing
 * the format by extension. Every writer goes through writeFileAtomic, and the
 * same table always gives the same bytes (Parquet from DuckDB with one
 * thread; its footer names the DuckDB version, so bytes change only when
 * DuckDB is upgraded).
 */
import { gzipSync } from 'node:zlib';
import { tableToArrowBytes } from './arrow-ipc.js';
import { writeBytesAtomic, writeFileAtomic, writeJsonAtomic, writeTextAtomic } from './atomic-write.js';
import { csvChunks } from './csv-text.js';
import { DataError } from './data-error.js';
import { duckdbReason, sqlString, withConnection } from './duckdb.js';
import { insertTable } from './duckdb-table.js';
import { requireFormat, type FileFormat } from './file-format.js';
import { jsonRecordChunks } from './json-records.js';
import type { Table } from './table.js';

export interface WriteTableOptions {
  /** Override the format implied by the extension. */
  format?: FileFormat;
  /**
   * JSON layout: 'records' (default) = [{col: value}, ...]; 'array' = {shape, data, columns}
   * from the numeric columns (an id column, if named in `idColumn`, goes to `ids`).
   */
  json?: 'records' | 'array';
  /** For json: 'array': the id column to store as `ids` instead of data. */
  idColumn?: string;
}

async function writeParquet(path: string, table: Table): Promise<void> {
  await withConnection(async (con) => {
    await insertTable(con, 'out', table);
    await writeFileAtomic(path, async (tmp) => {
      try {
        await con.run(`COPY temp.main.out TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 122880)`);
      } catch (e) {
        throw new DataError(`${path}: could not write Parquet: ${duckdbReason(e)}`);
      }
    });
  });
}

function jsonArrayValue(table: Table, idColumn: string | undefined): Record<string, unknown> {
  const ids = idColumn === undefined ? undefined : table.columns.find((c) => c.name === idColumn);
  if (idColumn !== undefined && !ids) throw new DataError(`${table.name}: no id column '${idColumn}' to write`);
  const features = table.columns.filter((c) => c !== ids);
  const bad = features.find((c) => c.type !== 'number');
  if (bad) throw new DataError(`${table.name}: column '${bad.name}' is ${bad.type}, but the JSON array layout holds numbers only; write records (.json default) or CSV instead`);
  const float32 = features.every((c) => c.type === 'number' && c.float32);
  const width = features.length;
  const data = float32 ? new Float32Array(table.rows * width) : new Float64Array(table.rows * width);
  features.forEach((c, j) => {
    const values = c.values as Float64Array;
    for (let r = 0; r < table.rows; r++) data[r * width + j] = values[r]!;
  });
  const value: Record<string, unknown> = { shape: [table.rows, width], data, columns: features.map((c) => c.name) };
  if (ids) value.ids = ids.values instanceof Float64Array ? Array.from(ids.values) : ids.values;
  return value;
}

export async function writeTable(path: string, table: Table, options: WriteTableOptions = {}): Promise<void> {
  const format = options.format ?? requireFormat(path, 'write');
  const gzip = /\.gz$/i.test(path);
  switch (format) {
    case 'csv':
    case 'tsv': {
      const chunks = csvChunks(table, format === 'tsv' ? '\t' : ',');
      if (gzip) await writeBytesAtomic(path, gzipSync(Buffer.from([...chunks].join(''))));
      else await writeTextAtomic(path, chunks);
      return;
    }
    case 'parquet':
      return writeParquet(path, table);
    case 'arrow':
      return writeBytesAtomic(path, tableToArrowBytes(table));
    case 'json':
      if (options.json === 'array') return writeJsonAtomic(path, jsonArrayValue(table, options.idColumn), 0);
      return writeTextAtomic(path, jsonRecordChunks(table, false));
    case 'jsonl':
      return writeTextAtomic(path, jsonRecordChunks(table, true));
  }
}
