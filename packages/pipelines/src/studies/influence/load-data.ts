/**
 * The data stage of the influence study: read the table, find the label,
 * id and feature columns, build the feature matrix (complete rows only: a
 * classifier takes no missing values), and pick the analysed rows.
 * Rows without a label are left out (and counted).
 */
import { DataError } from '../../io/data-error.js';
import { didYouMean, listNames } from '../../io/closest-match.js';
import { findIdColumn, idValues } from '../../io/id-column.js';
import { readTable } from '../../io/read-table.js';
import { selectFeatureColumns, skippedColumns, type SkippedColumn } from '../../io/select-columns.js';
import { STUDY_OPTION_NAMES } from '../../io/option-names.js';
import { cellValue, type LoadedTable } from '../../io/table.js';
import { numericValues, rowLabel, toMatrix } from '../../io/to-matrix.js';
import { describeUnrepresentable } from '../../io/non-finite.js';
import { rowsWhere } from './where-rows.js';

export interface StudyTable {
  source: string;
  /** The table's size as read (for the manifest). */
  tableRows: number;
  tableColumns: number;
  features: string[];
  /** Labelled rows only: row-major [rows, features], float32, as in the file. */
  x: Float32Array;
  rows: number;
  /** Class label per labelled row. */
  labels: string[];
  /** Id per labelled row (the 1-based table row when there is no id column). */
  ids: (string | number)[];
  idName: string | null;
  /** Labelled rows analysed (--where), as indices into the labelled rows. */
  analysed: Int32Array;
  /** Table rows left out for a missing label. */
  unlabelled: number;
  /** Columns left out of the features (not numeric, class-like names), with the reason. */
  skipped: SkippedColumn[];
  /** Labelled rows (indices into the labelled rows) satisfying each of `conditions`, in order. */
  conditionRows: Int32Array[];
}

export interface LoadOptions {
  /** A table file, or a table already in memory (the browser app). */
  data: string | LoadedTable;
  labelColumn: string;
  features?: string;
  idColumn?: string | null;
  where?: string;
  /** Features fixed by a model's metadata (used when --features is not given). */
  modelFeatures?: readonly string[];
  /** Further DuckDB conditions (e.g. concepts) whose labelled rows are returned in `conditionRows`. */
  conditions?: readonly string[];
  /** How the conditions are named in errors (default '--where'), one per condition. */
  conditionOptions?: readonly string[];
}

function labelText(v: number | string | boolean | null): string | null {
  if (v === null) return null;
  const s = String(v).trim();
  return s === '' ? null : s;
}

export async function loadStudyTable(o: LoadOptions): Promise<StudyTable> {
  const table: LoadedTable = typeof o.data === 'string' ? await readTable(o.data) : o.data;
  const source = table.source;
  const names = table.columns.map((c) => c.name);
  const labelColumn = table.columns.find((c) => c.name === o.labelColumn);
  if (!labelColumn) {
    throw new DataError(`${source}: no label column '${o.labelColumn}'${didYouMean(o.labelColumn, names)}; columns: ${listNames(names)}; name the class column with --label-column`);
  }
  const detected = findIdColumn(table, o.idColumn, STUDY_OPTION_NAMES) ?? null;
  // detection may land on the label column (a first text column of distinct values): then there is no id
  const idName = detected === o.labelColumn && o.idColumn === undefined ? null : detected;
  if (idName === o.labelColumn) throw new DataError(`${source}: '${o.labelColumn}' cannot be both the id and the label column; choose the id with --id-column (or --id-column none)`);
  const selection = { ...(o.features !== undefined ? { columns: o.features } : {}), exclude: [o.labelColumn], ...(idName ? { idColumn: idName } : {}), names: STUDY_OPTION_NAMES };
  const fromModel = o.features === undefined && o.modelFeatures !== undefined;
  const features = fromModel ? checkModelFeatures(table, o.modelFeatures!) : selectFeatureColumns(table, selection);
  const skipped = fromModel ? [] : skippedColumns(table, features, selection);
  if (features.includes(o.labelColumn)) throw new DataError(`${source}: the label column '${o.labelColumn}' cannot also be a feature; leave it out of --features`);

  const labelled: number[] = [];
  const labels: string[] = [];
  for (let r = 0; r < table.rows; r++) {
    const label = labelText(cellValue(labelColumn, r));
    if (label === null) continue;
    labelled.push(r);
    labels.push(label);
  }
  if (labelled.length === 0) throw new DataError(`${source}: the label column '${o.labelColumn}' is empty in every row`);
  const matrix = toMatrix(table, features, { names: STUDY_OPTION_NAMES });
  const width = features.length;
  const x = new Float32Array(labelled.length * width);
  labelled.forEach((r, i) => {
    for (let j = 0; j < width; j++) {
      const v = matrix.data[r * width + j]!;
      if (!Number.isFinite(v)) {
        const what = Number.isNaN(v) ? 'missing' : describeUnrepresentable(numericValues(table.columns.find((c) => c.name === features[j])!, source)[r]!);
        throw new DataError(
          `${source}: column '${features[j]}' is ${what} in ${rowLabel(source, r)}; the classifier needs a complete, finite (float32) value in every feature of every labelled row: impute it, remove the row, or leave the column out of --features`,
        );
      }
      x[i * width + j] = v;
    }
  });
  const allIds = idName ? idValues(table, idName) : null;
  const ids = labelled.map((r) => (allIds ? allIds[r]! : r + 1));
  let analysed = Int32Array.from(labelled.keys());
  if (o.where !== undefined) {
    const chosen = await rowsWhere(table, o.where);
    const position = new Map(labelled.map((r, i) => [r, i]));
    const kept = [...chosen].filter((r) => position.has(r)).map((r) => position.get(r)!);
    if (kept.length === 0) throw new DataError(`--where "${o.where}" selects ${chosen.length} row${chosen.length === 1 ? '' : 's'}, none with a label in '${o.labelColumn}'`);
    analysed = Int32Array.from(kept);
  }
  const conditionRows: Int32Array[] = [];
  if (o.conditions?.length) {
    const position = new Map(labelled.map((r, i) => [r, i]));
    for (const [k, condition] of o.conditions.entries()) {
      const chosen = await rowsWhere(table, condition, o.conditionOptions?.[k] ?? '--where');
      conditionRows.push(Int32Array.from([...chosen].filter((r) => position.has(r)).map((r) => position.get(r)!)));
    }
  }
  return {
    conditionRows, source, tableRows: table.rows, tableColumns: table.columns.length, features, x, rows: labelled.length, labels, ids, idName, analysed,
    unlabelled: table.rows - labelled.length, skipped,
  };
}

/** A model saved by this study names its features; the table must have them all. */
function checkModelFeatures(table: LoadedTable, features: readonly string[]): string[] {
  const names = new Set(table.columns.map((c) => c.name));
  const missing = features.filter((f) => !names.has(f));
  if (missing.length) {
    throw new DataError(`${table.source}: the model was trained on features missing from this table: ${listNames(missing, 10)}; give the features explicitly with --features`);
  }
  return [...features];
}
