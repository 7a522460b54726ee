/**
 * When DuckDB cannot parse a CSV, its sniffer error names no line. This scan
 * finds the first line whose field count differs from the header's, so the
 * message can point at it. Quote-aware (RFC 4180 double quotes), one pass.
 */
import { readFile } from 'node:fs/promises';

export interface RaggedLine {
  /** 1-based line number in the file. */
  line: number;
  fields: number;
  headerFields: number;
}

export async function findRaggedLine(path: string, delimiter: string): Promise<RaggedLine | undefined> {
  if (/\.gz$/i.test(path)) return undefined;
  const text = await readFile(path, 'utf8');
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
