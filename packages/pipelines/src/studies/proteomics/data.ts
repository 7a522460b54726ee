/**
 * The data stage of the proteomics study: load a table (file, SQL or the
 * built-in synthetic cohort), pick proteins, ids and classes, drop columns with
 * too many missing values, transform, split (stratified, seeded) and
 * standardise with training statistics. Missing values stay NaN: the masked
 * model hides them, it never imputes them.
 */
import { Generator } from '@relevance/core-wasm';
import { DataError } from '../../io/data-error.js';
import { findIdColumn, idValues } from '../../io/id-column.js';
import { readTable, type SqlSource } from '../../io/read-table.js';
import { selectFeatureColumns, skippedColumns, type SkippedColumn } from '../../io/select-columns.js';
import { STUDY_OPTION_NAMES } from '../../io/option-names.js';
import { describeReport, unrepresentableToMissing } from '../../io/non-finite.js';
import { cellValue, type LoadedTable } from '../../io/table.js';
import { checkInformativeColumn, numericValues, rowLabel } from '../../io/to-matrix.js';
import { stratifiedSplit } from '../stratified-split.js';
import { generateSyntheticCohort, type SyntheticCohort, type SyntheticCohortOptions } from './synthetic.js';

export type Transform = 'none' | 'log' | 'log1p' | 'asinh';
export type Standardize = 'global' | 'per-class';

/** The data stage's settings that the study passes on as they are (ProteomicsOptions extends them). */
export interface DataSettings {
  idColumn?: string;
  classColumn?: string;
  features?: string;
  maxMissing: number;
  transform: Transform;
  testFraction: number;
  standardize: Standardize;
}

export interface DataOptions extends DataSettings {
  /** A file path, a SQL query, a table already in memory (the browser app), or null for the synthetic cohort. */
  source: string | SqlSource | LoadedTable | null;
  seed: number;
  synthetic?: SyntheticCohortOptions;
}

export interface DroppedColumn {
  protein: string;
  missingFraction: number;
  reason: string;
}

export interface StudyData {
  /** Where the data came from, for messages and the manifest. */
  source: string;
  ids: string[];
  /** Class label per row, or null without a class column. */
  labels: string[] | null;
  classNames: string[];
  proteins: string[];
  /** Row-major rows x proteins after the transform, before standardisation; NaN = missing. */
  raw: Float64Array;
  /** Standardised values (training statistics); NaN = missing. */
  values: Float64Array;
  rows: number;
  train: number[];
  test: number[];
  /** Training mean and sd per protein (global), or per class and protein ('per-class'). */
  statistics: { scope: string; mean: Float64Array; sd: Float64Array }[];
  missing: Int32Array;
  dropped: DroppedColumn[];
  /** Columns of the table left out of the proteins (not numeric, class-like names), with the reason. */
  skipped: SkippedColumn[];
  warnings: string[];
  /** Observations about the data that need no fix but may call for an option (e.g. skewed intensities). */
  notes: string[];
  synthetic: SyntheticCohort | null;
  /** The table as loaded (file rows and columns), for the manifest. */
  tableRows: number;
  tableColumns: number;
}

function applyTransform(values: Float64Array, transform: Transform, protein: string, source: string): void {
  if (transform === 'none') return;
  for (let r = 0; r < values.length; r++) {
    const v = values[r]!;
    if (Number.isNaN(v)) continue;
    if (transform === 'log') {
      if (!(v > 0)) throw new DataError(`${source}: --transform log needs positive values, but column '${protein}' has ${v} in ${rowLabel(source, r)}; use --transform log1p or asinh for data with zeros or negatives`);
      values[r] = Math.log(v);
    } else if (transform === 'log1p') {
      if (!(v > -1)) throw new DataError(`${source}: --transform log1p needs values above -1, but column '${protein}' has ${v} in ${rowLabel(source, r)}; use --transform asinh for data with negatives`);
      values[r] = Math.log1p(v);
    } else {
      values[r] = Math.asinh(v);
    }
  }
}

function columnStatistics(raw: Float64Array, p: number, rows: readonly number[]): { mean: Float64Array; sd: Float64Array } {
  const mean = new Float64Array(p);
  const sd = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let s = 0, n = 0;
    for (const r of rows) {
      const v = raw[r * p + j]!;
      if (!Number.isNaN(v)) {
        s += v;
        n++;
      }
    }
    const m = n ? s / n : 0;
    let ss = 0;
    for (const r of rows) {
      const v = raw[r * p + j]!;
      if (!Number.isNaN(v)) ss += (v - m) ** 2;
    }
    mean[j] = m;
    sd[j] = n > 1 && ss > 0 ? Math.sqrt(ss / (n - 1)) : 1;
  }
  return { mean, sd };
}

/** "left out 2 columns that could have been proteins: 'P3' (not numeric: ...), ..." */
function describeSkipped(skipped: readonly SkippedColumn[], source: string): string {
  const shown = skipped.slice(0, 10).map((c) => `'${c.column}' (${c.reason})`).join('; ');
  return `${source}: left out ${skipped.length} column${skipped.length === 1 ? '' : 's'} that could have been ${skipped.length === 1 ? 'a protein' : 'proteins'}: ${shown}${skipped.length > 10 ? `; and ${skipped.length - 10} more` : ''} (metrics.json lists them under data.dropped_columns)`;
}

interface Loaded {
  table: LoadedTable | null;
  synthetic: SyntheticCohort | null;
  source: string;
}

async function load(options: DataOptions): Promise<Loaded> {
  if (options.source === null) {
    const synthetic = generateSyntheticCohort({ seed: options.seed, ...options.synthetic });
    return { table: null, synthetic, source: 'synthetic cohort' };
  }
  if (typeof options.source === 'object' && 'columns' in options.source) return { table: options.source, synthetic: null, source: options.source.source };
  const table = await readTable(options.source);
  return { table, synthetic: null, source: typeof options.source === 'string' ? options.source : 'the --sql query' };
}

/** Values standardised with the training rows' statistics: globally, or per class when labels are given. */
function standardiseWithTraining(raw: Float64Array, rows: number, p: number, train: number[], labels: string[] | null, classNames: string[]): { values: Float64Array; statistics: StudyData['statistics'] } {
  const values = new Float64Array(rows * p);
  const statistics: StudyData['statistics'] = [];
  const all = Array.from({ length: rows }, (_, r) => r);
  const groups = labels ? classNames.map((c) => ({ scope: c, rows: train.filter((r) => labels[r] === c), all: all.filter((r) => labels[r] === c) })) : [{ scope: 'global', rows: train, all }];
  for (const group of groups) {
    const s = columnStatistics(raw, p, group.rows);
    statistics.push({ scope: group.scope, ...s });
    for (const r of group.all) for (let j = 0; j < p; j++) values[r * p + j] = (raw[r * p + j]! - s.mean[j]!) / s.sd[j]!;
  }
  return { values, statistics };
}

/** The columns missing in more than `maxMissing` of the rows, left out (with a warning); an error when fewer than 2 remain. */
function dropSparseColumns(raw: Float64Array, rows: number, proteins: string[], maxMissing: number, source: string, warnings: string[]): { raw: Float64Array; proteins: string[]; dropped: DroppedColumn[] } {
  const dropped: DroppedColumn[] = [];
  const p = proteins.length;
  const keep: number[] = [];
  for (let j = 0; j < p; j++) {
    let miss = 0;
    for (let r = 0; r < rows; r++) if (Number.isNaN(raw[r * p + j]!)) miss++;
    const fraction = miss / rows;
    if (fraction > maxMissing) {
      dropped.push({ protein: proteins[j]!, missingFraction: fraction, reason: `missing in ${(100 * fraction).toFixed(1)}% of rows (> --max-missing ${maxMissing})` });
    } else keep.push(j);
  }
  if (dropped.length) {
    warnings.push(`dropped ${dropped.length} column${dropped.length === 1 ? '' : 's'} with more than ${100 * maxMissing}% missing values: ${dropped.slice(0, 10).map((d) => d.protein).join(', ')}${dropped.length > 10 ? ', ...' : ''}`);
    if (keep.length < 2) throw new DataError(`${source}: after dropping columns with more than ${100 * maxMissing}% missing values, ${keep.length} protein${keep.length === 1 ? '' : 's'} remain; raise --max-missing`);
    const next = new Float64Array(rows * keep.length);
    for (let r = 0; r < rows; r++) keep.forEach((j, k) => (next[r * keep.length + k] = raw[r * p + j]!));
    return { raw: next, proteins: keep.map((j) => proteins[j]!), dropped };
  }
  return { raw, proteins, dropped };
}

/** Skewness above which a non-negative column reads as raw intensities. */
export const SKEW_THRESHOLD = 1;

/** Sample skewness of the observed values of column j (NaN with fewer than 3 or no spread); also whether any observed value is negative. */
function columnSkew(raw: Float64Array, rows: number, p: number, j: number): { skew: number; negative: boolean } {
  let n = 0, sum = 0, negative = false;
  for (let r = 0; r < rows; r++) {
    const v = raw[r * p + j]!;
    if (Number.isNaN(v)) continue;
    n++;
    sum += v;
    if (v < 0) negative = true;
  }
  if (n < 3) return { skew: NaN, negative };
  const mean = sum / n;
  let m2 = 0, m3 = 0;
  for (let r = 0; r < rows; r++) {
    const v = raw[r * p + j]!;
    if (Number.isNaN(v)) continue;
    const d = v - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= n;
  m3 /= n;
  return { skew: m2 > 0 ? m3 / m2 ** 1.5 : NaN, negative };
}

/**
 * A note when most proteins look like raw intensities (non-negative and
 * right-skewed): such data are usually analysed on a log-like scale, and
 * the study does not transform unless asked (--transform).
 */
function skewNote(raw: Float64Array, rows: number, proteins: readonly string[]): string[] {
  const p = proteins.length;
  const skewed: Array<[string, number]> = [];
  for (let j = 0; j < p; j++) {
    const c = columnSkew(raw, rows, p, j);
    if (!c.negative && c.skew > SKEW_THRESHOLD) skewed.push([proteins[j]!, c.skew]);
  }
  if (skewed.length * 2 <= p) return [];
  skewed.sort((a, b) => b[1] - a[1]);
  return [`${skewed.length} of ${p} proteins are non-negative and right-skewed (skewness > ${SKEW_THRESHOLD}; ${skewed.slice(0, 3).map(([n, s]) => `${n} ${s.toFixed(1)}`).join(', ')}${skewed.length > 3 ? ', ...' : ''}), as raw intensities are; if these are not already on a log scale, consider --transform log1p or asinh (the study does not transform unless asked)`];
}

export async function loadStudyData(options: DataOptions): Promise<StudyData> {
  const { table, synthetic, source } = await load(options);
  const warnings: string[] = [];
  let ids: string[];
  let labels: string[] | null;
  let proteins: string[];
  let raw: Float64Array;
  let rows: number;
  let tableColumns: number;
  let skipped: SkippedColumn[] = [];
  if (synthetic) {
    ids = synthetic.ids;
    labels = synthetic.labels;
    proteins = [...synthetic.proteins];
    raw = Float64Array.from(synthetic.values);
    rows = ids.length;
    tableColumns = proteins.length + 2;
  } else {
    const t = table!;
    rows = t.rows;
    tableColumns = t.columns.length;
    if (rows === 0) throw new DataError(`${source}: the table has no rows`);
    const idColumn = findIdColumn(t, options.idColumn, STUDY_OPTION_NAMES);
    ids = idColumn ? idValues(t, idColumn).map(String) : Array.from({ length: rows }, (_, r) => String(r + 1));
    labels = null;
    if (options.classColumn !== undefined) {
      const col = t.columns.find((c) => c.name === options.classColumn);
      if (!col) throw new DataError(`${source}: no class column '${options.classColumn}'; columns: ${t.columns.map((c) => c.name).slice(0, 30).join(', ')}`);
      labels = Array.from({ length: rows }, (_, r) => {
        const v = cellValue(col, r);
        if (v === null) throw new DataError(`${source}: class column '${col.name}' is empty in ${rowLabel(source, r)}; every row needs a class (drop such rows with --sql "... where \\"${col.name}\\" is not null")`);
        return String(v);
      });
    }
    const exclude = options.classColumn !== undefined ? [options.classColumn] : [];
    const selection = { columns: options.features, exclude, idColumn, names: STUDY_OPTION_NAMES };
    proteins = selectFeatureColumns(t, selection);
    skipped = skippedColumns(t, proteins, selection);
    if (skipped.length) warnings.push(describeSkipped(skipped, source));
    if (proteins.length < 2) throw new DataError(`${source}: a network needs at least 2 protein columns, the selection gives ${proteins.length} (${proteins.join(', ')}); check --features`);
    const p = proteins.length;
    raw = new Float64Array(rows * p);
    const byName = new Map(t.columns.map((c) => [c.name, c]));
    proteins.forEach((name, j) => {
      const values = numericValues(byName.get(name)!, source, STUDY_OPTION_NAMES);
      for (let r = 0; r < rows; r++) raw[r * p + j] = values[r]!;
    });
    // Inf and values beyond float32 (1e308) are missing values, with a warning naming where they were
    const overflow = unrepresentableToMissing(raw, rows, proteins);
    if (overflow.count) warnings.push(describeReport(overflow, source));
  }
  // drop columns with too many missing values
  const kept = dropSparseColumns(raw, rows, proteins, options.maxMissing, source, warnings);
  ({ raw, proteins } = kept);
  const { dropped } = kept;
  const p = proteins.length;
  // what remains must carry information (an all-missing column survives only --max-missing 1)
  if (!synthetic) {
    for (let j = 0; j < p; j++) checkInformativeColumn(proteins[j]!, Float64Array.from({ length: rows }, (_, r) => raw[r * p + j]!), source, STUDY_OPTION_NAMES);
  }
  const notes = options.transform === 'none' ? skewNote(raw, rows, proteins) : [];
  // transform
  for (let j = 0; j < p; j++) {
    const column = Float64Array.from({ length: rows }, (_, r) => raw[r * p + j]!);
    applyTransform(column, options.transform, proteins[j]!, source);
    for (let r = 0; r < rows; r++) raw[r * p + j] = column[r]!;
  }
  const missing = new Int32Array(p);
  for (let r = 0; r < rows; r++) for (let j = 0; j < p; j++) if (Number.isNaN(raw[r * p + j]!)) missing[j]!++;
  const classNames = labels ? [...new Set(labels)].sort() : [];
  const split = stratifiedSplit(labels, rows, { testFraction: options.testFraction, hint: "drop the class with --sql \"... where <class> <> '<name>'\", merge classes, or change --test-fraction" }, new Generator(options.seed), source);
  const train = Array.from(split.train);
  const test = Array.from(split.test);
  // standardise with training statistics
  if (options.standardize === 'per-class' && !labels) warnings.push('--standardize per-class needs --class-column; standardised globally');
  const { values, statistics } = standardiseWithTraining(raw, rows, p, train, options.standardize === 'per-class' ? labels : null, classNames);
  return { source, ids, labels, classNames, proteins, raw, values, rows, train, test, statistics, missing, dropped, skipped, warnings, notes, synthetic, tableRows: rows, tableColumns };
}
