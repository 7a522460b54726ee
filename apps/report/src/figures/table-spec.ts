/**
 * A small table as data (columns with labels and formats, plus rows), and
 * its HTML. Pure string building, so Node writes it into the page and the
 * viewer swaps it in with the same markup.
 */
import { escapeHtml } from './escape-html.js';

export type TableValue = string | number | boolean | null;

export interface TableColumn {
  key: string;
  label: string;
  /** 'number' columns are right-aligned; `format` turns a value into text. */
  align?: 'left' | 'right';
  format?: (value: TableValue) => string;
  /** A hover title on the header cell. */
  title?: string;
}

export interface TableSpec {
  columns: TableColumn[];
  rows: Record<string, TableValue>[];
  caption?: string;
  /** Extra class on the <table>. */
  className?: string;
  /** A class for a row (e.g. to mark where a baseline wins). */
  rowClass?: (row: Record<string, TableValue>) => string | undefined;
}

function cellText(column: TableColumn, value: TableValue): string {
  if (column.format) return column.format(value);
  if (value === null) return '–';
  return String(value);
}

function rowClassAttr(spec: TableSpec, row: Record<string, TableValue>): string {
  const cls = spec.rowClass?.(row);
  return cls ? ` class="${escapeHtml(cls)}"` : '';
}

export function tableHtml(spec: TableSpec): string {
  const cls = ['data-table', spec.className].filter(Boolean).join(' ');
  const head = spec.columns
    .map((c) => `<th scope="col"${c.align === 'right' ? ' class="num"' : ''}${c.title ? ` title="${escapeHtml(c.title)}"` : ''}>${escapeHtml(c.label)}</th>`)
    .join('');
  const body = spec.rows
    .map((row) => `<tr${rowClassAttr(spec, row)}>${spec.columns.map((c) => `<td${c.align === 'right' ? ' class="num"' : ''}>${escapeHtml(cellText(c, row[c.key] ?? null))}</td>`).join('')}</tr>`)
    .join('\n');
  const caption = spec.caption ? `<caption>${escapeHtml(spec.caption)}</caption>` : '';
  return `<table class="${cls}">${caption}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}
