/** The classifier's test accuracy, balanced accuracy and per-class precision and recall (metrics.json). */
import { emptyContent, tableContent, type FigureContent } from './figure-content.js';
import { cellNumber } from './format.js';
import { numberAt, objectAt } from './json-path.js';
import type { TableValue } from './table-spec.js';

export function classifierMetricsTable(metrics: unknown): FigureContent {
  const rows: Record<string, TableValue>[] = [];
  const overall = (label: string, path: string) => {
    const v = numberAt(metrics, path);
    if (v !== null) rows.push({ scope: label, precision: null, recall: null, value: v });
  };
  overall('test accuracy', 'classifier.test_accuracy');
  overall('balanced accuracy', 'classifier.balanced_accuracy');
  overall('median rank correlation (instance vs class)', 'instance_vs_class.median_rank_correlation');
  overall('mean rank correlation (instance vs class)', 'instance_vs_class.mean_rank_correlation');
  const perClass = objectAt(metrics, 'classifier.per_class');
  for (const name of Object.keys(perClass).sort()) {
    rows.push({ scope: `class ${name}`, precision: numberAt(perClass, `${name}.precision`), recall: numberAt(perClass, `${name}.recall`), value: null });
  }
  if (rows.length === 0) return emptyContent('No classifier metrics in metrics.json.');
  return tableContent({
    className: 'compact',
    columns: [
      { key: 'scope', label: 'measure' },
      { key: 'value', label: 'value', align: 'right', format: cellNumber },
      { key: 'precision', label: 'precision', align: 'right', format: cellNumber },
      { key: 'recall', label: 'recall', align: 'right', format: cellNumber },
    ],
    rows,
  });
}
