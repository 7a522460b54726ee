/**
 * The documented columns of every table with the kind the report reads them
 * as, taken from the run-format module that the studies write through
 * (@relevance/pipelines io/run-format.ts; prose in docs/RUN-FOLDERS.md). A
 * table missing from the run folder becomes an empty table with these
 * columns, and a documented column missing from a table becomes a column of
 * nulls, so every figure and every SQL query in the viewer can rely on the
 * same schema.
 */
import { RUN_TABLE_SCHEMAS } from '@relevance/pipelines';
import type { RunColumn } from './run-table.js';

export function documentedColumns(table: string): RunColumn[] {
  const schema = RUN_TABLE_SCHEMAS[table];
  if (!schema) throw new Error(`no documented schema for table '${table}'`);
  return Object.entries(schema).map(([name, kind]) => ({ name, kind }));
}
