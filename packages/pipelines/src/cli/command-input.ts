/**
 * The input block the data commands share: exactly one of --input <file> and
 * --sql <query>, a --out path of a known format, and the rows read with
 * --features and --id-column (explain: --columns and --id), skipped columns reported.
 */
import { readArray, type ArrayData } from '../io/arrays.js';
import { STUDY_OPTION_NAMES } from '../io/option-names.js';
import { formatOfPath } from '../io/file-format.js';
import { parseColumnSpec } from '../io/select-columns.js';
import type { ParsedArgs } from './args.js';
import { idColumnOption } from './common-options.js';
import { warnSkippedColumns } from './skipped-columns.js';
import { UsageError } from './usage-error.js';

export interface InputSource {
  path?: string;
  sql?: string;
  /** How messages name the source: the path, or 'the --sql query'. */
  label: string;
}

/** --input or --sql, exactly one (exit 2 otherwise). */
export function inputSource(args: ParsedArgs): InputSource {
  const path = args.optionalString('input');
  const sql = args.optionalString('sql');
  if ((path === undefined) === (sql === undefined)) throw new UsageError('give exactly one of --input <file> or --sql <query>');
  return path !== undefined ? { path, label: path } : { sql: sql!, label: 'the --sql query' };
}

/** What the readers take: the path, or the query. */
export function tableSource(source: InputSource): string | { sql: string } {
  return source.path ?? { sql: source.sql! };
}

/** --out, refused unless its extension names a format we write; `formats` lists them for the message. */
export function outPath(args: ParsedArgs, formats: string): string {
  const out = args.string('out');
  if (!formatOfPath(out)) throw new UsageError(`--out ${out}: unknown output format; use ${formats}`);
  return out;
}

/** A table command's source and destination, checked before any work: --input or --sql (`inputSource`), then --out in one of `formats` (`outPath`). */
export function inputAndOut(args: ParsedArgs, formats: string): { source: InputSource; outPath: string } {
  const source = inputSource(args);
  return { source, outPath: outPath(args, formats) };
}

/** --out when the command may print instead (absent: undefined), refused like `outPath` when its format is unknown. */
export function optionalOutPath(args: ParsedArgs, formats: string, option = 'out'): string | undefined {
  const out = args.optionalString(option);
  if (out !== undefined && !formatOfPath(out)) throw new UsageError(`--${option} ${out}: unknown output format; use ${formats}`);
  return out;
}

/** The formats the table writers take, as the --out messages list them. */
export const TABLE_FORMATS = '.parquet, .csv, .tsv, .arrow, .json or .jsonl';

/** The option names a command reads the column selection and the id column from (old commands: --columns, --id). */
export interface InputOptionNames {
  columns: 'features' | 'columns';
  id: 'id-column' | 'id';
}

/** What a command adds to the shared read: columns left out of the features, and the fix a missing-value error names. */
export interface InputExtras {
  exclude?: string[];
  /** The advice after a missing value (default: the study's). */
  missingHint?: string;
}

/** The rows of the source as an array (the column selection and id column applied; skipped columns reported on stderr). */
export async function readInput(args: ParsedArgs, source: InputSource, stderr: { write(text: string): unknown }, requireComplete: boolean, names: InputOptionNames = { columns: 'features', id: 'id-column' }, extras: InputExtras = {}): Promise<ArrayData> {
  const columns = args.list(names.columns);
  const input = await readArray(tableSource(source), {
    names: extras.missingHint === undefined ? STUDY_OPTION_NAMES : { ...STUDY_OPTION_NAMES, missing: extras.missingHint },
    ...(columns.length ? { columns: parseColumnSpec(columns) } : {}),
    idColumn: idColumnOption(args.optionalString(names.id)),
    ...(extras.exclude?.length ? { exclude: extras.exclude } : {}),
    requireComplete,
  });
  warnSkippedColumns(stderr, input, source.label);
  return input;
}
