/**
 * How well each network recovers the truth (metrics.json): AUROC and AUPR of
 * LRP for the cohort, each class and per instance, and of every baseline.
 */
import { emptyContent, tableContent, type FigureContent } from './figure-content.js';
import { cellNumber, cellScore } from './format.js';
import { methodLabel } from './evaluation-curves.js';
import { numberAt, objectAt, valueAt } from './json-path.js';
import type { TableSpec, TableValue } from './table-spec.js';

export function networkMetricsTable(metrics: unknown): FigureContent {
  const rows: Record<string, TableValue>[] = [];
  const add = (method: string, scope: string, auroc: number | null, aupr: number | null) => {
    if (auroc !== null || aupr !== null) rows.push({ method: methodLabel(method), scope, auroc, aupr });
  };
  add('lrp', 'cohort', numberAt(metrics, 'network.cohort.auroc'), numberAt(metrics, 'network.cohort.aupr'));
  for (const name of Object.keys(objectAt(metrics, 'network.per_class')).sort()) {
    add('lrp', `class ${name}`, numberAt(metrics, `network.per_class.${name}.auroc`), numberAt(metrics, `network.per_class.${name}.aupr`));
  }
  add('lrp', 'per instance (mean AUROC)', numberAt(metrics, 'network.per_instance.auroc_mean'), null);
  for (const method of Object.keys(objectAt(metrics, 'baselines')).sort()) {
    add(method, 'cohort', numberAt(metrics, `baselines.${method}.auroc`), numberAt(metrics, `baselines.${method}.aupr`));
    add(method, 'per instance (mean AUROC)', numberAt(metrics, `baselines.${method}.per_instance.auroc_mean`), null);
  }
  for (const method of Object.keys(objectAt(metrics, 'known_edges')).sort()) {
    add(method, 'known edges (cohort)', numberAt(metrics, `known_edges.${method}.auroc`), null);
  }
  if (rows.length === 0) return emptyContent('No network metrics (the run had neither a truth nor known edges to compare with).');
  const spec: TableSpec = {
    className: 'compact',
    columns: [
      { key: 'method', label: 'method' },
      { key: 'scope', label: 'scope' },
      { key: 'auroc', label: 'AUROC', align: 'right', format: cellScore },
      { key: 'aupr', label: 'AUPR', align: 'right', format: cellScore },
    ],
    rows,
  };
  return tableContent(spec);
}

/** Known-edge enrichment of the top k pairs (hypergeometric test), one row per method and k. */
export function knownEdgesTable(metrics: unknown): FigureContent {
  const rows: Record<string, TableValue>[] = [];
  const known = objectAt(metrics, 'known_edges');
  for (const method of Object.keys(known).sort()) {
    const entries = objectAt(known, method);
    const ks = Object.keys(entries)
      .filter((k) => k.startsWith('top_'))
      .sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
    for (const k of ks) {
      const e = objectAt(entries, k);
      rows.push({ method: methodLabel(method), k: numberAt(e, 'k') ?? Number(k.slice(4)), hits: numberAt(e, 'hits'), expected: numberAt(e, 'expected'), p_value: numberAt(e, 'p_value'), auroc: numberAt(e, 'auroc') ?? numberAt(entries, 'auroc') });
    }
    if (ks.length === 0 && (numberAt(entries, 'hits') !== null || numberAt(entries, 'auroc') !== null)) {
      rows.push({ method: methodLabel(method), k: numberAt(entries, 'k'), hits: numberAt(entries, 'hits'), expected: numberAt(entries, 'expected'), p_value: numberAt(entries, 'p_value'), auroc: numberAt(entries, 'auroc') });
    }
  }
  if (rows.length === 0) return emptyContent('No known-edge evaluation (run with --known-edges).');
  return tableContent({
    caption: knownEdgesMatchText(metrics) ?? undefined,
    className: 'compact',
    columns: [
      { key: 'method', label: 'method' },
      { key: 'k', label: 'top k', align: 'right' },
      { key: 'hits', label: 'known in top k', align: 'right' },
      { key: 'expected', label: 'expected', align: 'right', format: cellNumber },
      { key: 'p_value', label: 'p (hypergeometric)', align: 'right', format: (v) => (typeof v === 'number' ? (v < 1e-4 ? v.toExponential(1) : String(Number(v.toPrecision(2)))) : '–') },
      { key: 'auroc', label: 'AUROC', align: 'right', format: cellScore },
    ],
    rows,
  }, valueAt(metrics, 'known_edges.match.warning') ? `Warning: ${String(valueAt(metrics, 'known_edges.match.warning'))}` : undefined);
}

/** "1,786 of 1,838 known pairs are in the data (145 names mapped)" from known_edges.match, or null. */
export function knownEdgesMatchText(metrics: unknown): string | null {
  const file = numberAt(metrics, 'known_edges.match.pairs_in_file');
  const data = numberAt(metrics, 'known_edges.match.pairs_in_data') ?? numberAt(metrics, 'known_edges.pairs_in_data');
  if (data === null) return null;
  const mapped = numberAt(metrics, 'known_edges.match.mapped_names');
  return `${data.toLocaleString('en-US')}${file !== null ? ` of ${file.toLocaleString('en-US')}` : ''} known pairs are in the data${mapped ? ` (${mapped.toLocaleString('en-US')} names mapped)` : ''}.`;
}
