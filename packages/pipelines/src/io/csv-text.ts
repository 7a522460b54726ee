/**
 * The table as CSV/TSV text (RFC 4180 quoting, '\n' line ends, missing = empty
 * cell). Written here rather than by DuckDB so number formatting is exact and
 * float32 columns print short.
 */
import { formatNumber } from './format-number.js';
import type { Column, Table } from './table.js';

function quoteField(s: string, delimiter: string): string {
  // a leading/trailing space or an empty string must survive a re-read, so quote those too
  if (s === '' || s.includes(delimiter) || /["\r\n]/.test(s) || s !== s.trim()) return `"${s.replaceAll('"', '""')}"`;
  return s;
}

function cellText(column: Column, row: number, delimiter: string): string {
  if (column.type === 'number') {
    const v = column.values[row]!;
    return Number.isNaN(v) ? '' : formatNumber(v, column.float32);
  }
  const v = column.values[row];
  if (v === null || v === undefined) return '';
  return typeof v === 'boolean' ? String(v) : quoteField(v, delimiter);
}

/** Yields the text in pieces (header, then blocks of rows) so large tables never build one huge string. */
export function* csvChunks(table: Table, delimiter = ','): Generator<string> {
  yield table.columns.map((c) => (c.name === '' ? '""' : quoteField(c.name, delimiter))).join(delimiter) + '\n';
  const block: string[] = [];
  for (let r = 0; r < table.rows; r++) {
    block.push(table.columns.map((c) => cellText(c, r, delimiter)).join(delimiter));
    if (block.length === 1024) {
      yield block.join('\n') + '\n';
      block.length = 0;
    }
  }
  if (block.length) yield block.join('\n') + '\n';
}
