/**
 * A dropped or picked file -> LoadedTable, in the page: CSV/TSV by our
 * reader (read-delimited.ts), Parquet by hyparquet (pure JS: duckdb-wasm cannot
 * fetch its Parquet extension offline), Arrow IPC by the pipelines' own
 * apache-arrow reader. The format comes from the extension, as in the CLI.
 */
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { tableFromArrowBytes } from '@relevance/pipelines/src/io/arrow-ipc.js';
import { checkUniqueNames } from '@relevance/pipelines/src/io/csv-diagnose.js';
import { DataError } from '@relevance/pipelines/src/io/data-error.js';
import { formatOfPath } from '@relevance/pipelines/src/io/file-format.js';
import { booleanColumn, countMissing, numberColumn, stringColumn, type Column, type LoadedTable, type Table } from '@relevance/pipelines/src/io/table.js';
import { tableFromDelimitedText } from './read-delimited.js';

function parquetColumn(name: string, cells: unknown[]): Column {
  const present = cells.filter((c) => c !== null && c !== undefined);
  if (present.every((c) => typeof c === 'number' || typeof c === 'bigint')) return numberColumn(name, Float64Array.from(cells, (c) => (c === null || c === undefined ? NaN : Number(c))));
  if (present.every((c) => typeof c === 'boolean')) return booleanColumn(name, cells.map((c) => (typeof c === 'boolean' ? c : null)));
  return stringColumn(name, cells.map((c) => (c === null || c === undefined ? null : String(c))));
}

export async function tableFromParquetBytes(bytes: ArrayBuffer, name: string): Promise<Table> {
  let names: string[];
  try {
    names = parquetMetadata(bytes).schema.slice(1).filter((s) => s.num_children === undefined || s.num_children === 0).map((s) => s.name);
  } catch (e) {
    throw new DataError(`${name}: could not be read as a Parquet file: ${(e as Error).message}; check the file, or convert it to CSV or Parquet`);
  }
  checkUniqueNames(names, name, 'the Parquet schema');
  const rows = (await parquetReadObjects({ file: bytes })) as Record<string, unknown>[];
  return { name, rows: rows.length, columns: names.map((n) => parquetColumn(n, rows.map((r) => r[n]))) };
}

export async function tableFromBytes(bytes: ArrayBuffer, name: string): Promise<LoadedTable> {
  const format = formatOfPath(name);
  let table: Table;
  if (format === 'csv' || format === 'tsv') table = tableFromDelimitedText(new TextDecoder().decode(bytes), name, format === 'tsv');
  else if (format === 'parquet') table = await tableFromParquetBytes(bytes, name);
  else if (format === 'arrow') table = tableFromArrowBytes(new Uint8Array(bytes), name, name);
  else throw new DataError(`${name}: the app reads .csv, .tsv, .parquet and .arrow files; convert the table to one of them`);
  const missing: Record<string, number> = {};
  for (const c of table.columns) missing[c.name] = countMissing(c);
  return { ...table, source: name, missing };
}
