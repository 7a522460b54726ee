/** Number formats for axes, tables and titles; a missing value prints as an en dash. */
import type { TableValue } from './table-spec.js';

export function formatNumber(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e5 || abs < 1e-3) return value.toExponential(Math.max(0, digits - 1)).replace('e+', 'e');
  return Number(value.toPrecision(digits)).toString();
}

/** p- and q-values: exponent form when tiny. */
export function formatP(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  if (value < 1e-4) return value.toExponential(1).replace('e+', 'e');
  return Number(value.toPrecision(2)).toString();
}

export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return Math.round(value).toLocaleString('en-US');
}

export function formatYesNo(value: boolean | null | undefined): string {
  return value === null || value === undefined ? '–' : value ? 'yes' : 'no';
}

/** Table column formatters. */
export const cellNumber = (v: TableValue): string => formatNumber(typeof v === 'number' ? v : null);
export const cellP = (v: TableValue): string => formatP(typeof v === 'number' ? v : null);
/** Scores in [0, 1] (AUROC, AUPR) with three decimals, so columns line up. */
export const cellScore = (v: TableValue): string => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(3) : '–');
export const cellYesNo = (v: TableValue): string => formatYesNo(typeof v === 'boolean' ? v : null);

/** "A – B" for an edge. */
export function edgeLabel(source: string, target: string): string {
  return `${source} – ${target}`;
}
