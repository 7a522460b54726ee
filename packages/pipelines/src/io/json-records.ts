/** The table as JSON records, keys in column order, one record per line (array or newline-delimited). */
import { formatNumber } from './format-number.js';
import type { Column, Table } from './table.js';

function valueText(column: Column, row: number): string {
  if (column.type === 'number') {
    const v = column.values[row]!;
    return Number.isFinite(v) ? formatNumber(v, column.float32) : 'null';
  }
  const v = column.values[row];
  return v === null || v === undefined ? 'null' : JSON.stringify(v);
}

function recordText(table: Table, keys: readonly string[], row: number): string {
  return `{${table.columns.map((c, i) => `${keys[i]}:${valueText(c, row)}`).join(',')}}`;
}

/** `[\n{...},\n{...}\n]` or, with `lines`, `{...}\n{...}\n`. */
export function* jsonRecordChunks(table: Table, lines: boolean): Generator<string> {
  const keys = table.columns.map((c) => JSON.stringify(c.name));
  if (!lines) yield table.rows === 0 ? '[]\n' : '[\n';
  const block: string[] = [];
  for (let r = 0; r < table.rows; r++) {
    block.push(recordText(table, keys, r));
    if (block.length === 1024 || r === table.rows - 1) {
      const last = r === table.rows - 1;
      yield lines ? block.join('\n') + '\n' : block.join(',\n') + (last ? '\n]\n' : ',\n');
      block.length = 0;
    }
  }
}
