/** The most deviating instances (lowest rank correlation with their class) and the units that make the difference. */
import type { Deviation } from '../run/table-rows.js';
import { emptyContent, tableContent, type FigureContent } from './figure-content.js';
import { cellNumber } from './format.js';

const units = (v: string | number | boolean | null): string => (typeof v === 'string' && v.length ? v.split(';').join(', ') : '–');

export function deviationsTable(rows: readonly Deviation[]): FigureContent {
  if (rows.length === 0) return emptyContent('No deviating instances (deviations table is empty).');
  return tableContent({
    className: 'compact',
    columns: [
      { key: 'deviation_rank', label: '#', align: 'right' },
      { key: 'instance', label: 'instance' },
      { key: 'class', label: 'class' },
      { key: 'rank_correlation', label: 'rank corr.', align: 'right', format: cellNumber },
      { key: 'instance_only_units', label: 'top for the instance only', format: units },
      { key: 'class_only_units', label: 'top for the class only', format: units },
    ],
    rows: rows.map((d) => ({ ...d })),
  });
}
