/**
 * When DuckDB cannot parse a CSV, its sniffer error names no line. This scan
 * finds the first line whose field count differs from the header's, so the
 * message can point at it. Quote-aware (RFC 4180 double quotes), one pass.
 */
import { open, readFile } from 'node:fs/promises';
import { DataError } from './data-error.js';

export interface RaggedLine {
  /** 1-based line number in the file. */
  line: number;
  fields: number;
  headerFields: number;
}

export async function findRaggedLine(path: string, delimiter: string): Promise<RaggedLine | undefined> {
  if (/\.gz$/i.test(path)) return undefined;
  return raggedLineInText(await readFile(path, 'utf8'), delimiter);
}

/** The error for a ragged line (the CLI's and the browser app's readers say the same). */
export function raggedLineError(path: string, ragged: RaggedLine, delimiter: string): DataError {
  return new DataError(
    `${path}: line ${ragged.line} has ${ragged.fields} fields but the header has ${ragged.headerFields}; ` +
      `every line needs the same number of fields (quote values that contain '${delimiter === '\t' ? '\\t' : delimiter}', and leave missing values as empty fields)`,
  );
}

/** The first record whose field count differs from the header's, in CSV/TSV text. */
export function raggedLineInText(text: string, delimiter: string): RaggedLine | undefined {
  let line = 1;
  let recordStartLine = 1;
  let fields = 1;
  let headerFields = -1;
  let quoted = false;
  let lineHasContent = false;
  const endRecord = (): RaggedLine | undefined => {
    if (lineHasContent) {
      if (headerFields < 0) headerFields = fields;
      else if (fields !== headerFields) return { line: recordStartLine, fields, headerFields };
    }
    fields = 1;
    lineHasContent = false;
    return undefined;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') i++;
        else quoted = false;
      } else if (ch === '\n') line++;
      continue;
    }
    if (ch === '"') {
      quoted = true;
      lineHasContent = true;
    } else if (ch === delimiter) {
      fields++;
      lineHasContent = true;
    } else if (ch === '\n') {
      const bad = endRecord();
      if (bad) return bad;
      line++;
      recordStartLine = line;
    } else if (ch !== '\r') lineHasContent = true;
  }
  return endRecord();
}

/** Column names must be unique: a repeated name is an error naming it, both positions and the file (readers would rename it silently). */
export function checkUniqueNames(names: readonly string[], source: string, where: string): void {
  const first = new Map<string, number>();
  names.forEach((name, i) => {
    if (name === '') return; // unnamed columns (a pandas index) get generated names
    const prev = first.get(name);
    if (prev !== undefined) {
      throw new DataError(`${source}: ${where} names column '${name}' twice (columns ${prev + 1} and ${i + 1}); column names must be unique: rename or remove one of them`);
    }
    first.set(name, i);
  });
}

/** The fields of the first record (RFC 4180 quotes; a record may span lines inside quotes). */
export function firstRecordFields(text: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      fields.push(field);
      field = '';
    } else if (ch === '\n') break;
    else if (ch !== '\r') field += ch;
  }
  fields.push(field);
  return fields.map((f) => f.trim());
}

/**
 * A CSV/TSV header that repeats a column name is an error (DuckDB would rename
 * the second 'P1' to 'P1_1' without a word). With no delimiter given, the one
 * splitting the header into the most fields is taken.
 */
export async function checkCsvHeader(path: string, delimiter: string | undefined): Promise<void> {
  if (/\.gz$/i.test(path)) return;
  const handle = await open(path, 'r');
  let head: string;
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(1 << 20), 0, 1 << 20, 0);
    head = buffer.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
  } finally {
    await handle.close();
  }
  const candidates = delimiter !== undefined ? [delimiter] : [',', '\t', ';', '|'];
  const split = candidates.map((d) => firstRecordFields(head, d)).sort((a, b) => b.length - a.length)[0]!;
  checkUniqueNames(split, path, 'the header');
}
