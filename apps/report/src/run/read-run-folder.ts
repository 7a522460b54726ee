/**
 * Read a run folder for the report: config.json, manifest.json,
 * metrics.json and the Arrow copies of the study's tables (the Parquet copies
 * are for users; Arrow needs no DuckDB here and is what the page embeds).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeArrow } from './arrow-codec.js';
import { inferStudy } from './infer-study.js';
import type { RunTable } from './run-table.js';
import type { Study } from './study.js';
import { REQUIRED_TABLES, tablesOf } from './table-names.js';
import { documentedColumns } from './table-schemas.js';
import type { Row } from './table-rows.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface RunFolder {
  dir: string;
  study: Study;
  config: JsonObject;
  manifest: JsonObject;
  metrics: JsonObject;
  tables: Record<string, RunTable>;
  /** Things the reader had to work around (missing optional tables or columns), shown in the page. */
  notes: string[];
  /** strategies/strategies.json (SpRAy, written by `relevance strategies --run`), when present. */
  strategies?: JsonObject;
}

/** The SpRAy summary in the run's strategies/ folder, or undefined (not an error: most runs have none). */
async function readStrategies(dir: string, notes: string[]): Promise<JsonObject | undefined> {
  const path = join(dir, 'strategies', 'strategies.json');
  if (!existsSync(path)) return undefined;
  const value = await readJsonObject(path, notes);
  return Array.isArray(value.clusters) ? value : undefined;
}

async function readJsonObject(path: string, notes: string[]): Promise<JsonObject> {
  if (!existsSync(path)) {
    notes.push(`${path.split('/').pop()} is missing`);
    return {};
  }
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${e instanceof Error ? e.message : String(e)}); rerun the study or restore the file`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${path}: expected a JSON object`);
  return value as JsonObject;
}

/** Add documented columns that the file lacks (as nulls), keeping the file's own columns. */
function withDocumentedColumns(table: RunTable, notes: string[]): RunTable {
  const missing = documentedColumns(table.name).filter((c) => !table.columns.some((have) => have.name === c.name));
  if (missing.length === 0) return table;
  notes.push(`${table.name}: no column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `'${c.name}'`).join(', ')} (shown as missing)`);
  const rows: Row[] = table.rows.map((row) => {
    const filled: Row = { ...row };
    for (const c of missing) filled[c.name] = null;
    return filled;
  });
  return { name: table.name, columns: [...table.columns, ...missing], rows };
}

async function readRunTable(dir: string, name: string, required: boolean, notes: string[]): Promise<RunTable> {
  const path = join(dir, `${name}.arrow`);
  if (!existsSync(path)) {
    if (required) {
      const parquet = existsSync(join(dir, `${name}.parquet`)) ? ` (${name}.parquet is there, but the report reads the Arrow copy)` : '';
      throw new Error(`${path}: missing${parquet}; the report needs the run's Arrow tables, rerun the study to write them`);
    }
    return { name, columns: documentedColumns(name), rows: [] };
  }
  let table: RunTable;
  try {
    table = decodeArrow(await readFile(path), name);
  } catch (e) {
    throw new Error(`${path}: not a readable Arrow IPC file (${e instanceof Error ? e.message : String(e)})`);
  }
  return withDocumentedColumns(table, notes);
}

export async function readRunFolder(dir: string, study?: Study): Promise<RunFolder> {
  if (!existsSync(dir)) throw new Error(`${dir}: no such run folder`);
  const notes: string[] = [];
  const config = await readJsonObject(join(dir, 'config.json'), notes);
  const manifest = await readJsonObject(join(dir, 'manifest.json'), notes);
  const metrics = await readJsonObject(join(dir, 'metrics.json'), notes);
  const resolved = study ?? inferStudy(dir, config, manifest);
  const tables: Record<string, RunTable> = {};
  for (const name of tablesOf(resolved)) {
    tables[name] = await readRunTable(dir, name, REQUIRED_TABLES[resolved].includes(name), notes);
  }
  const strategies = await readStrategies(dir, notes);
  return { dir, study: resolved, config, manifest, metrics, tables, notes, ...(strategies ? { strategies } : {}) };
}
