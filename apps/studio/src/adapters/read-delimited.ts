/**
 * CSV/TSV text -> the pipelines' Table, in the page (the CLI reads through
 * DuckDB). Same rules as the CLI: a fixed delimiter when the header line has
 * the extension's, a repeated header name or a ragged line is the CLI's named
 * error, the CLI's missing-value markers (NA, N/A, NULL, null, empty) are
 * missing, and a column is numeric when every other cell is a number.
 */
import { checkUniqueNames, firstRecordFields, raggedLineError, raggedLineInText } from '@relevance/pipelines/src/io/csv-diagnose.js';
import { DEFAULT_NULL_MARKERS } from '@relevance/pipelines/src/io/read-table.js';
import { numberColumn, stringColumn, type Column, type Table } from '@relevance/pipelines/src/io/table.js';

const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$|^\s*[+-]?(inf|infinity|nan)\s*$/i;

/** The delimiter: the extension's when the header has it, else the one splitting the header into the most fields. */
export function chooseDelimiter(text: string, tsv: boolean): string {
  const firstLine = text.split('\n')[0] ?? '';
  const expected = tsv ? '\t' : ',';
  if (firstLine.includes(expected)) return expected;
  return [',', '\t', ';', '|'].map((d) => [d, firstLine.split(d).length] as const).sort((a, b) => b[1] - a[1])[0]![0];
}

/** RFC 4180 records (quotes may span lines); blank lines are skipped. */
export function parseRecords(text: string, delimiter: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let content = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') (quoted = true), (content = true);
    else if (ch === delimiter) record.push(field), (field = ''), (content = true);
    else if (ch === '\n') {
      if (content || field.trim() !== '') records.push([...record, field]);
      record = [];
      field = '';
      content = false;
    } else if (ch !== '\r') (field += ch), (content = true);
  }
  if (content || field.trim() !== '') records.push([...record, field]);
  return records;
}

function toColumn(name: string, cells: string[]): Column {
  const missing = (c: string): boolean => DEFAULT_NULL_MARKERS.includes(c.trim());
  if (cells.every((c) => missing(c) || NUMBER.test(c))) {
    return numberColumn(name, Float64Array.from(cells, (c) => (missing(c) ? NaN : Number(c.trim().replace(/^([+-]?)inf$/i, '$1Infinity')))));
  }
  return stringColumn(name, cells.map((c) => (missing(c) ? null : c)));
}

export function tableFromDelimitedText(text: string, name: string, tsv: boolean): Table {
  const body = text.replace(/^\uFEFF/, '');
  const delimiter = chooseDelimiter(body, tsv);
  checkUniqueNames(firstRecordFields(body, delimiter), name, 'the header');
  const ragged = raggedLineInText(body, delimiter);
  if (ragged) throw raggedLineError(name, ragged, delimiter);
  const [header = [], ...rows] = parseRecords(body, delimiter);
  const names = header.map((h, j) => h.trim() || `column${j}`);
  const columns = names.map((n, j) => toColumn(n, rows.map((r) => r[j] ?? '')));
  return { name, rows: rows.length, columns };
}
