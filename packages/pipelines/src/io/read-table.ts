/**
 * Read CSV/TSV, Parquet, JSON and Arrow IPC files, or a SQL query over files,
 * into the columnar table. CSV goes through DuckDB's sniffer over the whole
 * file (sample_size=-1), so a numeric column with empty cells far down stays
 * numeric, and a single stray word makes it text (reported by name, row and
 * value when the column is used as a feature).
 */
import { open, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { tableFromArrowBytes } from './arrow-ipc.js';
import { checkReadableFile } from './check-file.js';
import { checkCsvHeader, checkUniqueNames, findRaggedLine, raggedLineError } from './csv-diagnose.js';
import { DataError } from './data-error.js';
import { UsageError } from '../cli/usage-error.js';
import { duckdbReason, prepareOne, requireOneStatement, sqlIdentifier, sqlString, withConnection } from './duckdb.js';
import { insertTable, relationToTable } from './duckdb-table.js';
import { formatOfPath, requireFormat, type FileFormat } from './file-format.js';
import { countMissing, type LoadedTable, type Table } from './table.js';

/** Cells that mean "missing" in CSV/TSV besides the empty cell. */
export const DEFAULT_NULL_MARKERS: readonly string[] = ['', 'NA', 'N/A', 'NULL', 'null'];

export interface ReadTableOptions {
  /** CSV: cells read as missing (default DEFAULT_NULL_MARKERS). */
  nullMarkers?: readonly string[];
  /** CSV: field separator (default: detected). */
  delimiter?: string;
  /**
   * CSV: whether the first line is a header (default true). Not sniffed: DuckDB's
   * sniffer takes a header of numbers, like pandas' `,0,1,2` index header, for data.
   */
  header?: boolean;
}

/** A SQL query over files, e.g. `select * from 'data.csv' where cohort = 'BRCA'`. */
export interface SqlSource {
  sql: string;
}

/**
 * The delimiter to insist on: the user's, or the extension's when the first
 * line contains it. Otherwise DuckDB sniffs (a .csv written with semicolons
 * still reads), but a sniffed comma file with one short row would silently
 * come back as a single text column, so an obvious delimiter is fixed.
 */
async function fixedDelimiter(path: string, format: FileFormat, options: ReadTableOptions): Promise<string | undefined> {
  if (options.delimiter !== undefined) return options.delimiter;
  if (/\.gz$/i.test(path)) return format === 'tsv' ? '\t' : undefined;
  const expected = format === 'tsv' ? '\t' : ',';
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(65536), 0, 65536, 0);
    const firstLine = buffer.subarray(0, bytesRead).toString('utf8').split('\n')[0]!;
    return firstLine.includes(expected) ? expected : undefined;
  } finally {
    await handle.close();
  }
}

function csvReader(path: string, delimiter: string | undefined, options: ReadTableOptions): string {
  // skip=0: otherwise the sniffer may drop leading rows and take a later line as the header
  const args = [sqlString(path), 'sample_size=-1', 'skip=0', `nullstr=[${(options.nullMarkers ?? DEFAULT_NULL_MARKERS).map(sqlString).join(', ')}]`];
  if (delimiter !== undefined) args.push(`delim=${sqlString(delimiter)}`);
  args.push(`header=${options.header ?? true}`);
  return `read_csv(${args.join(', ')})`;
}

function fileReader(path: string, format: FileFormat, options: ReadTableOptions, delimiter: string | undefined): string {
  switch (format) {
    case 'csv':
    case 'tsv':
      return csvReader(path, delimiter, options);
    case 'parquet':
      return `read_parquet(${sqlString(path)})`;
    case 'json':
      return `read_json_auto(${sqlString(path)}, format='array')`;
    case 'jsonl':
      return `read_json_auto(${sqlString(path)}, format='newline_delimited')`;
    case 'arrow':
      throw new Error('arrow files are not read through DuckDB');
  }
}

function withMissing(table: Table, source: string): LoadedTable {
  const missing: Record<string, number> = {};
  for (const c of table.columns) missing[c.name] = countMissing(c);
  return { ...table, source, missing };
}

const FORMAT_HINT: Record<FileFormat, string> = {
  csv: 'a comma-separated file with a header line',
  tsv: 'a tab-separated file with a header line',
  parquet: 'a Parquet file',
  json: 'a JSON array of records ([{"col": value, ...}, ...])',
  jsonl: 'newline-delimited JSON records (one {"col": value} per line)',
  arrow: 'an Arrow IPC file',
};

/** A Parquet schema that repeats a top-level name is an error (DuckDB would rename the second 'P1' to 'P1_1'). */
async function checkParquetNames(con: DuckDBConnection, path: string): Promise<void> {
  let rows: Record<string, unknown>[];
  try {
    rows = (await con.runAndReadAll(`SELECT name, num_children FROM parquet_schema(${sqlString(path)})`)).getRowObjectsJS();
  } catch {
    return; // not readable as Parquet: the read below says so
  }
  const columns = rows.slice(1);
  if (columns.some((r) => Number(r.num_children ?? 0) > 0)) return; // nested schema: leave it to DuckDB
  checkUniqueNames(columns.map((r) => String(r.name)), path, 'the Parquet schema');
}

/** Read one file; the format comes from the extension. */
export async function readTableFile(path: string, options: ReadTableOptions = {}): Promise<LoadedTable> {
  const format = requireFormat(path, 'read');
  await checkReadableFile(path);
  const name = basename(path);
  if (format === 'arrow') return withMissing(tableFromArrowBytes(await readFile(path), name, path), path);
  const text = format === 'csv' || format === 'tsv';
  const delimiter = text ? await fixedDelimiter(path, format, options) : undefined;
  if (text && options.header !== false) await checkCsvHeader(path, delimiter);
  return withConnection(async (con) => {
    if (format === 'parquet') await checkParquetNames(con, path);
    try {
      await con.run(`CREATE TEMP TABLE src AS SELECT * FROM ${fileReader(path, format, options, delimiter)}`);
    } catch (e) {
      const ragged = text && delimiter !== undefined ? await findRaggedLine(path, delimiter) : undefined;
      if (ragged) throw raggedLineError(path, ragged, delimiter!);
      throw new DataError(`${path}: could not be read as ${FORMAT_HINT[format]}: ${duckdbReason(e)}; check the file, or convert it to CSV or Parquet`);
    }
    return withMissing(await relationToTable(con, 'src', name), path);
  });
}

const FILE_IN_FROM = /\b(from|join)(\s+)'((?:[^']|'')*)'/gi;

/**
 * Files named after FROM/JOIN in a query are read the way readTableFile
 * reads them: CSV/TSV with the whole-file type sniffing, missing-value markers
 * and fixed header (DuckDB's own replacement scan samples only the first rows);
 * Arrow IPC through apache-arrow into a temp table, since DuckDB has no
 * Arrow IPC reader. Parquet and JSON are left to DuckDB.
 */
async function rewriteFileReferences(con: DuckDBConnection, sql: string): Promise<string> {
  const replacements = new Map<string, string>();
  let arrowCount = 0;
  for (const m of sql.matchAll(FILE_IN_FROM)) {
    const file = m[3]!.replaceAll("''", "'");
    if (replacements.has(file)) continue;
    const format = formatOfPath(file);
    if (format === 'arrow') {
      await checkReadableFile(file);
      const tempName = `arrow_file_${arrowCount++}`;
      await insertTable(con, tempName, tableFromArrowBytes(await readFile(file), basename(file), file));
      replacements.set(file, `temp.main.${sqlIdentifier(tempName)}`);
    } else if (format === 'parquet') {
      await checkParquetNames(con, file);
    } else if (format === 'csv' || format === 'tsv') {
      await checkReadableFile(file);
      const delimiter = await fixedDelimiter(file, format, {});
      await checkCsvHeader(file, delimiter);
      replacements.set(file, csvReader(file, delimiter, {}));
    }
  }
  return sql.replace(FILE_IN_FROM, (whole, keyword: string, space: string, literal: string) => {
    const replacement = replacements.get(literal.replaceAll("''", "'"));
    return replacement === undefined ? whole : `${keyword}${space}${replacement}`;
  });
}

/** Run a SQL query (DuckDB dialect) over CSV, Parquet, JSON and Arrow files. */
export async function readTableSql(sql: string): Promise<LoadedTable> {
  return withConnection(async (con) => {
    const failed = (e: unknown): Error =>
      e instanceof UsageError || e instanceof DataError ? e : new DataError(`--sql query failed: ${duckdbReason(e)}; the query must be one SELECT in DuckDB SQL, with files in single quotes: select * from 'data.csv'`);
    const what = '--sql query';
    try {
      // one statement before anything is read: nothing after a ';' ever runs
      await requireOneStatement(con, sql, what);
      const query = await rewriteFileReferences(con, sql.trim().replace(/;\s*$/, ''));
      (await prepareOne(con, query, what)).destroySync();
      await (await prepareOne(con, `CREATE TEMP TABLE src AS ${query}`, what, 'CREATE')).run();
    } catch (e) {
      throw failed(e);
    }
    return withMissing(await relationToTable(con, 'src', 'query'), sql);
  });
}

/** Read a file (by extension) or a SQL query. */
export async function readTable(source: string | SqlSource, options: ReadTableOptions = {}): Promise<LoadedTable> {
  return typeof source === 'string' ? readTableFile(source, options) : readTableSql(source.sql);
}
