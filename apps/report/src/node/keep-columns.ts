/**
 * Keep only the columns the page's figures read, so large tables (the
 * per-class and per-instance edges) take less room in report.html. The full
 * tables stay in the run folder.
 */
import type { RunTable } from '../run/run-table.js';

export function keepColumns(table: RunTable, names: readonly string[]): RunTable {
  const keep = new Set(names);
  const columns = table.columns.filter((c) => keep.has(c.name));
  if (columns.length === table.columns.length) return table;
  const rows = table.rows.map((row) => Object.fromEntries(columns.map((c) => [c.name, row[c.name] ?? null])));
  return { name: table.name, columns, rows };
}
