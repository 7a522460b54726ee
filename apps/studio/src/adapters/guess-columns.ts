/**
 * The page's first guess of the id, class and protein columns, with the
 * CLI's own rules (io/id-column.ts, io/select-columns.ts); the user can change it.
 */
import { CLASS_NAME_PATTERN, findIdColumn } from '@relevance/pipelines/src/io/id-column.js';
import { STUDY_OPTION_NAMES } from '@relevance/pipelines/src/io/option-names.js';
import type { Table } from '@relevance/pipelines/src/io/table.js';

export interface ColumnGuess {
  id: string | null;
  class: string | null;
  proteins: string[];
}

export function guessColumns(table: Table): ColumnGuess {
  let id: string | null = null;
  try {
    id = findIdColumn(table, undefined, STUDY_OPTION_NAMES) ?? null;
  } catch {
    id = null;
  }
  const strings = table.columns.filter((c) => c.name !== id && c.type !== 'number');
  const named = table.columns.find((c) => c.name !== id && CLASS_NAME_PATTERN.test(c.name));
  const cls = named?.name ?? (strings.length === 1 ? strings[0]!.name : null);
  const proteins = table.columns.filter((c) => c.type === 'number' && c.name !== id && c.name !== cls).map((c) => c.name);
  return { id, class: cls, proteins };
}
