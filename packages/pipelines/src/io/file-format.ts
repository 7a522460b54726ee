/** File formats by extension: the one place that maps names to readers and writers. */
import { basename } from 'node:path';
import { DataError } from './data-error.js';

export type FileFormat = 'csv' | 'tsv' | 'parquet' | 'arrow' | 'json' | 'jsonl';

const EXTENSIONS: ReadonlyArray<readonly [string, FileFormat]> = [
  ['.csv', 'csv'],
  ['.csv.gz', 'csv'],
  ['.txt', 'csv'],
  ['.tsv', 'tsv'],
  ['.tsv.gz', 'tsv'],
  ['.tab', 'tsv'],
  ['.parquet', 'parquet'],
  ['.pq', 'parquet'],
  ['.arrow', 'arrow'],
  ['.feather', 'arrow'],
  ['.ipc', 'arrow'],
  ['.json', 'json'],
  ['.jsonl', 'jsonl'],
  ['.ndjson', 'jsonl'],
];

export const SUPPORTED_EXTENSIONS: readonly string[] = EXTENSIONS.map(([e]) => e);

/** The format of a path, or undefined if the extension is not known. */
export function formatOfPath(path: string): FileFormat | undefined {
  const name = basename(path).toLowerCase();
  let best: [string, FileFormat] | undefined;
  for (const [ext, fmt] of EXTENSIONS) if (name.endsWith(ext) && (!best || ext.length > best[0].length)) best = [ext, fmt];
  return best?.[1];
}

/** Like formatOfPath, but an unknown extension is an error that lists the supported ones. */
export function requireFormat(path: string, purpose: 'read' | 'write'): FileFormat {
  const fmt = formatOfPath(path);
  if (!fmt) {
    throw new DataError(`${path}: cannot tell the file format to ${purpose} from the extension; use one of ${SUPPORTED_EXTENSIONS.join(', ')}`);
  }
  return fmt;
}
