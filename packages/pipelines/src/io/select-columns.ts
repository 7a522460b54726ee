/**
 * Choosing feature columns. The `--columns` grammar:
 *   a,b,c          exact column names, in this order
 *   /^Akt/i        a JavaScript regular expression in slashes (flags allowed),
 *                  matched against column names; numeric matches, table order
 *   re:^Akt        a plain regular expression string (no slashes, no flags)
 * Items can be mixed: `EGFR,/^Akt/` (a regex item cannot contain a comma
 * unless it is the whole value). Without --columns, the features are every
 * numeric column except the id column, class-like columns (class, label,
 * target, y, subtype, group) and any named in `exclude`.
 */
import { didYouMean, listNames } from './closest-match.js';
import { DataError } from './data-error.js';
import { CLASS_NAME_PATTERN } from './id-column.js';
import { CLI_OPTION_NAMES, type OptionNames } from './option-names.js';
import type { Column, Table } from './table.js';
import { parseNumberCell, rowLabel } from './to-matrix.js';

export type ColumnPattern = string | RegExp;

const REGEX_LITERAL = /^\/(.*)\/([dgimsuy]*)$/s;

function parseItem(item: string, option: string): ColumnPattern {
  const literal = REGEX_LITERAL.exec(item);
  try {
    if (literal) return new RegExp(literal[1]!, literal[2]!.replace('g', ''));
    if (item.startsWith('re:')) return new RegExp(item.slice(3));
  } catch (e) {
    throw new DataError(`${option}: '${item}' is not a valid regular expression (${e instanceof Error ? e.message : String(e)}); write /pattern/flags or re:pattern`);
  }
  return item;
}

/** Parse a `--columns` value (see the grammar above). */
export function parseColumnSpec(spec: string | readonly string[], option = CLI_OPTION_NAMES.columns): ColumnPattern[] {
  const values = typeof spec === 'string' ? [spec] : spec;
  const out: ColumnPattern[] = [];
  for (const value of values) {
    const v = value.trim();
    if (REGEX_LITERAL.test(v) || v.startsWith('re:')) out.push(parseItem(v, option));
    else for (const item of v.split(',')) if (item.trim() !== '') out.push(parseItem(item.trim(), option));
  }
  return out;
}

export interface FeatureSelection {
  /** Names and patterns (parsed with parseColumnSpec if a string); default: all numeric columns. */
  columns?: string | readonly ColumnPattern[];
  /** Columns never used by default or by patterns (class labels, ...). Exact names still win. */
  exclude?: readonly string[];
  /** The id column (never a feature unless named exactly). */
  idColumn?: string;
  /** The caller's option names, for the hints in messages (default: --columns, --id). */
  names?: OptionNames;
}

function describeType(c: Column): string {
  return c.type === 'string' ? 'text' : c.type;
}

function where(table: Table & { source?: string }): string {
  return table.source ?? table.name;
}

/** Resolve a selection to column names; errors list the available columns and suggest the closest. */
export function selectFeatureColumns(table: Table & { source?: string }, selection: FeatureSelection = {}): string[] {
  const names = table.columns.map((c) => c.name);
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const excluded = new Set(selection.exclude ?? []);
  if (selection.idColumn !== undefined) excluded.add(selection.idColumn);
  for (const e of selection.exclude ?? []) {
    if (!byName.has(e)) throw new DataError(`${where(table)}: cannot exclude unknown column '${e}'${didYouMean(e, names)}; columns: ${listNames(names)}`);
  }
  const patterns = typeof selection.columns === 'string' ? parseColumnSpec(selection.columns, selection.names?.columns) : selection.columns;
  if (patterns === undefined || patterns.length === 0) {
    const chosen = table.columns.filter((c) => c.type === 'number' && !excluded.has(c.name) && !CLASS_NAME_PATTERN.test(c.name)).map((c) => c.name);
    if (chosen.length === 0) {
      const kinds = table.columns.map((c) => `'${c.name}' (${describeType(c)})`).slice(0, 20).join(', ');
      throw new DataError(
        `${where(table)}: no numeric columns to use as features (columns: ${kinds || 'none'}); ` +
          `check the delimiter and that numbers use '.' as the decimal point, or name the columns with ${(selection.names ?? CLI_OPTION_NAMES).columns}`,
      );
    }
    return chosen;
  }
  const chosen: string[] = [];
  const seen = new Set<string>();
  const add = (n: string): void => {
    if (!seen.has(n)) {
      seen.add(n);
      chosen.push(n);
    }
  };
  for (const p of patterns) {
    if (typeof p === 'string') {
      if (!byName.has(p)) {
        throw new DataError(`${where(table)}: unknown column '${p}'${didYouMean(p, names)}; available columns: ${listNames(names)}`);
      }
      add(p);
      continue;
    }
    const matches = names.filter((n) => p.test(n) && !excluded.has(n));
    const numeric = matches.filter((n) => byName.get(n)!.type === 'number');
    if (numeric.length === 0) {
      const note = matches.length ? `it matches only non-numeric columns (${listNames(matches, 10)})` : 'it matches no column';
      throw new DataError(`${where(table)}: the pattern ${String(p)} selects no numeric column: ${note}; available columns: ${listNames(names)}`);
    }
    numeric.forEach(add);
  }
  return chosen;
}

/** A column the selection left out although it could have been meant as a feature. */
export interface SkippedColumn {
  column: string;
  reason: string;
}

/** Why a non-numeric column is not a feature: the first cell that is not a number, or its type. */
function notNumericReason(c: Column, option: string, source: string): string {
  if (c.type === 'boolean') return `a true/false column, not numeric; name it in ${option} to use it as 1/0`;
  const values = c.values as (string | null)[];
  let numbers = 0;
  let firstText = -1;
  values.forEach((v, r) => {
    if (v === null || v.trim() === '') return;
    if (parseNumberCell(v) !== undefined) numbers++;
    else if (firstText < 0) firstText = r;
  });
  if (firstText < 0) return 'not numeric';
  const cell = `${rowLabel(source, firstText)} holds '${values[firstText]}'`;
  return numbers > 0 ? `not numeric: ${cell}, which is not a number (${numbers} other cells are numbers); fix or empty that cell` : `a text column (${cell})`;
}

/**
 * Columns a selection leaves out that the user may have expected among the
 * features, with the reason: by default every non-numeric column and the
 * numeric ones with class-like names; with patterns, the non-numeric columns
 * a pattern matched. Named columns, the id column and `exclude` are not listed.
 */
export function skippedColumns(table: Table & { source?: string }, chosen: readonly string[], selection: FeatureSelection = {}): SkippedColumn[] {
  const option = (selection.names ?? CLI_OPTION_NAMES).columns;
  const used = new Set([...chosen, ...(selection.exclude ?? []), ...(selection.idColumn !== undefined ? [selection.idColumn] : [])]);
  const patterns = typeof selection.columns === 'string' ? parseColumnSpec(selection.columns, option) : selection.columns;
  const regexes = (patterns ?? []).filter((p): p is RegExp => p instanceof RegExp);
  if (patterns !== undefined && patterns.length > 0 && regexes.length === 0) return [];
  const out: SkippedColumn[] = [];
  for (const c of table.columns) {
    if (used.has(c.name)) continue;
    if (regexes.length && !regexes.some((p) => p.test(c.name))) continue;
    if (c.type !== 'number') out.push({ column: c.name, reason: notNumericReason(c, option, where(table)) });
    else if (!regexes.length && CLASS_NAME_PATTERN.test(c.name)) out.push({ column: c.name, reason: `its name looks like a class label; name it in ${option} to use it as a feature` });
  }
  return out;
}
