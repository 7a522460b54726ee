/**
 * Move the columnar table in and out of DuckDB. Reading casts every column to
 * DOUBLE, BOOLEAN or VARCHAR in SQL so that only three vector kinds reach JS;
 * writing appends row by row into a temp table with matching types.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlIdentifier } from './duckdb.js';
import { makeTable, type Column, type Table } from './table.js';
import { parseNumberCell } from './to-matrix.js';

const NUMERIC_TYPE = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|REAL|DOUBLE|DECIMAL(\(\d+,\s*\d+\))?)$/i;

interface ColumnInfo {
  name: string;
  duckdbType: string;
}

async function describe(con: DuckDBConnection, relation: string): Promise<ColumnInfo[]> {
  const reader = await con.runAndReadAll(`DESCRIBE ${relation}`);
  return reader.getRowObjectsJS().map((r) => ({ name: String(r.column_name), duckdbType: String(r.column_type) }));
}

/** Read a whole relation (a table name) into the columnar table. */
export async function relationToTable(con: DuckDBConnection, relation: string, name: string): Promise<Table> {
  const infos = await describe(con, relation);
  const kinds = infos.map((c) => (NUMERIC_TYPE.test(c.duckdbType) ? 'number' : c.duckdbType === 'BOOLEAN' ? 'boolean' : 'string'));
  const select = infos
    .map((c, i) => {
      const id = sqlIdentifier(c.name);
      if (kinds[i] === 'number') return `CAST(${id} AS DOUBLE) AS ${id}`;
      if (kinds[i] === 'boolean') return id;
      return `CAST(${id} AS VARCHAR) AS ${id}`;
    })
    .join(', ');
  const countReader = await con.runAndReadAll(`SELECT count(*) AS n FROM ${relation}`);
  const rows = Number(countReader.getRowObjectsJS()[0]!.n);
  const columns: Column[] = infos.map((c, i) => {
    if (kinds[i] === 'number') {
      const col: Column = { name: c.name, type: 'number', values: new Float64Array(rows) };
      if (/^(FLOAT|REAL)$/i.test(c.duckdbType)) col.float32 = true;
      return col;
    }
    if (kinds[i] === 'boolean') return { name: c.name, type: 'boolean', values: new Array<boolean | null>(rows).fill(null) };
    return { name: c.name, type: 'string', values: new Array<string | null>(rows).fill(null) };
  });
  if (infos.length > 0 && rows > 0) {
    const result = await con.stream(`SELECT ${select} FROM ${relation}`);
    let offset = 0;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const n = chunk.rowCount;
      columns.forEach((col, c) => {
        const vector = chunk.getColumnVector(c);
        if (col.type === 'number') {
          for (let r = 0; r < n; r++) {
            const v = vector.getItem(r) as number | null;
            col.values[offset + r] = v === null ? NaN : v;
          }
        } else {
          const out = col.values as unknown[];
          for (let r = 0; r < n; r++) out[offset + r] = vector.getItem(r);
        }
      });
      offset += n;
    }
  }
  return makeTable(name, columns.map(allMissingTextAsNumber).map(numbersWithInfinityAsNumber));
}

/**
 * A column with no value at all is typed VARCHAR by the CSV sniffer; as an
 * all-NaN number column it fails the "all missing" check with a clear message
 * instead of the "not numeric" one.
 */
function allMissingTextAsNumber(column: Column): Column {
  if (column.type !== 'string' || column.values.length === 0 || column.values.some((v) => v !== null)) return column;
  return { name: column.name, type: 'number', values: new Float64Array(column.values.length).fill(NaN) };
}

const INFINITY_OR_NAN = /^\s*[+-]?(inf|infinity|nan)\s*$/i;

/**
 * The CSV sniffer may type a column of numbers as VARCHAR when some cells are
 * spelled inf, -Infinity or nan. Such a column is numeric (the infinite values
 * are then reported by the steps that cannot use them), instead of being
 * mistaken for text and left out of the features.
 */
function numbersWithInfinityAsNumber(column: Column): Column {
  if (column.type !== 'string') return column;
  const values = column.values;
  if (!values.some((v) => v !== null && INFINITY_OR_NAN.test(v))) return column;
  const numbers = new Float64Array(values.length);
  for (let r = 0; r < values.length; r++) {
    const v = values[r];
    const x = v === null || v === undefined ? NaN : parseNumberCell(v);
    if (x === undefined) return column;
    numbers[r] = x;
  }
  return { name: column.name, type: 'number', values: numbers };
}

function duckdbTypeOf(column: Column): string {
  if (column.type === 'number') return column.float32 ? 'FLOAT' : 'DOUBLE';
  if (column.type === 'boolean') return 'BOOLEAN';
  return 'VARCHAR';
}

/** Create a temp table `name` holding `table` (NaN and null become SQL NULL). */
export async function insertTable(con: DuckDBConnection, name: string, table: Table): Promise<void> {
  const defs = table.columns.map((c) => `${sqlIdentifier(c.name)} ${duckdbTypeOf(c)}`).join(', ');
  await con.run(`CREATE OR REPLACE TEMP TABLE ${sqlIdentifier(name)} (${defs})`);
  const appender = await con.createAppender(name, 'main', 'temp');
  try {
    for (let r = 0; r < table.rows; r++) {
      for (const c of table.columns) {
        if (c.type === 'number') {
          const v = c.values[r]!;
          if (Number.isNaN(v)) appender.appendNull();
          else if (c.float32) appender.appendFloat(v);
          else appender.appendDouble(v);
        } else if (c.type === 'boolean') {
          const v = c.values[r];
          if (v === null || v === undefined) appender.appendNull();
          else appender.appendBoolean(v);
        } else {
          const v = c.values[r];
          if (v === null || v === undefined) appender.appendNull();
          else appender.appendVarchar(v);
        }
      }
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
