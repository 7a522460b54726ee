/**
 * Values a float32 model cannot hold: ±Infinity and magnitudes above the
 * largest float32 (about 3.4e38, e.g. 1e308), which would become Infinity
 * and poison every mean, loss and relevance downstream.
 */
import { rowLabel } from './to-matrix.js';

export const FLOAT32_MAX = 3.4028234663852886e38;

/** True for ±Infinity and for finite values that overflow float32; false for NaN (missing) and ordinary numbers. */
export function isUnrepresentable(v: number): boolean {
  return !Number.isNaN(v) && !(Math.abs(v) <= FLOAT32_MAX);
}

/** What is wrong with such a value, in words. */
export function describeUnrepresentable(v: number): string {
  return Number.isFinite(v) ? `${v}, which overflows float32 (largest magnitude about 3.4e38)` : `${v}`;
}

export interface UnrepresentableReport {
  /** Cells replaced. */
  count: number;
  /** One entry per affected column: its name, how many cells and the first rows (0-based). */
  columns: { column: string; count: number; rows: number[]; first: number }[];
}

/**
 * Replace non-finite and float32-overflowing values of a row-major matrix by
 * NaN (missing), in place, and say where they were.
 */
export function unrepresentableToMissing(values: Float64Array, rows: number, names: readonly string[]): UnrepresentableReport {
  const p = names.length;
  const report: UnrepresentableReport = { count: 0, columns: [] };
  for (let j = 0; j < p; j++) {
    let entry: UnrepresentableReport['columns'][number] | undefined;
    for (let r = 0; r < rows; r++) {
      const v = values[r * p + j]!;
      if (!isUnrepresentable(v)) continue;
      entry ??= { column: names[j]!, count: 0, rows: [], first: v };
      entry.count++;
      if (entry.rows.length < 3) entry.rows.push(r);
      values[r * p + j] = NaN;
      report.count++;
    }
    if (entry) report.columns.push(entry);
  }
  return report;
}

/** "3 values that are infinite or overflow float32 (1e308, Infinity) are read as missing: column 'P2' (2: row 6, row 9), ..." */
export function describeReport(report: UnrepresentableReport, source: string): string {
  const shown = report.columns.slice(0, 10).map((c) => {
    const rows = c.rows.map((r) => rowLabel(source, r)).join(', ');
    return `'${c.column}' (${c.count}: ${rows}${c.count > c.rows.length ? ', ...' : ''}; e.g. ${describeUnrepresentable(c.first)})`;
  });
  const more = report.columns.length > 10 ? ` and ${report.columns.length - 10} more columns` : '';
  return `${source}: ${report.count} value${report.count === 1 ? ' is' : 's are'} infinite or too large for float32 and ${report.count === 1 ? 'is' : 'are'} read as missing, in column${report.columns.length === 1 ? '' : 's'} ${shown.join(', ')}${more}; fix them in the data if they are errors`;
}
