/**
 * `--where "<sql predicate>"`: the rows of a loaded table that satisfy a
 * DuckDB condition, as row indices. The table goes into a temp table with its
 * row number, so the predicate can use any column by name.
 */
import { DataError } from '../../io/data-error.js';
import { UsageError } from '../../cli/usage-error.js';
import { duckdbReason, prepareOne, sqlIdentifier, withConnection } from '../../io/duckdb.js';
import { insertTable } from '../../io/duckdb-table.js';
import { listNames } from '../../io/closest-match.js';
import { makeTable, numberColumn, type Table } from '../../io/table.js';

const ROW_COLUMN = '__relevance_row';

/** Indices (ascending) of the rows where `predicate` is true; errors quote the predicate and list the columns. */
export async function rowsWhere(table: Table & { source?: string }, predicate: string, option = '--where'): Promise<Int32Array> {
  const where = table.source ?? table.name;
  const withRow = makeTable(table.name, [...table.columns, numberColumn(ROW_COLUMN, Float64Array.from({ length: table.rows }, (_, r) => r))]);
  return withConnection(async (con) => {
    await insertTable(con, 'influence_rows', withRow);
    let values: unknown[];
    try {
      // one SELECT or nothing: a predicate like "1=1); COPY ..." never runs its second statement
      const query = await prepareOne(con, `SELECT ${sqlIdentifier(ROW_COLUMN)} AS r FROM temp.main.influence_rows WHERE (${predicate}) ORDER BY 1`, `--where "${predicate}"`);
      values = (await query.runAndReadAll()).getRowObjectsJS().map((o) => o.r);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new DataError(
        `${option} "${predicate}": ${duckdbReason(e)}; write one DuckDB SQL condition on the columns of ${where}, e.g. --where "subtype in ('Basal', 'Her2')", ` +
          `quoting names with special characters in double quotes ("14-3-3_epsilon" > 0); columns: ${listNames(table.columns.map((c) => c.name), 20)}`,
      );
    }
    if (values.length === 0) throw new DataError(`${option} "${predicate}" selects no row of ${where} (${table.rows} rows); loosen the condition`);
    return Int32Array.from(values, (v) => Number(v));
  });
}
