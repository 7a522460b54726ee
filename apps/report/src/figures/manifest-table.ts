/**
 * What reproduces the run: study, versions, input hashes, seed, backend,
 * threads and timings from manifest.json, as a small key–value table.
 */
import { emptyContent, tableContent, type FigureContent } from './figure-content.js';
import { formatCount, formatNumber } from './format.js';
import { objectAt, valueAt } from './json-path.js';
import type { TableValue } from './table-spec.js';

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export function manifestTable(manifest: unknown): FigureContent {
  const rows: Record<string, TableValue>[] = [];
  const add = (key: string, value: unknown) => {
    const t = text(value);
    if (t !== null && t !== '') rows.push({ key, value: t });
  };
  add('study', valueAt(manifest, 'study'));
  add('relevance version', valueAt(manifest, 'relevance_version'));
  const createdBy = objectAt(manifest, 'created_by');
  for (const k of Object.keys(createdBy).sort()) add(`${k} version`, createdBy[k]);
  const inputs = valueAt(manifest, 'inputs');
  if (Array.isArray(inputs)) {
    inputs.forEach((input, i) => {
      const label = inputs.length > 1 ? `input ${i + 1}` : 'input';
      add(label, valueAt(input, 'path'));
      add(`${label} sha256`, valueAt(input, 'sha256'));
      const r = valueAt(input, 'rows');
      const c = valueAt(input, 'columns');
      if (typeof r === 'number' || typeof c === 'number') add(`${label} size`, `${typeof r === 'number' ? formatCount(r) : '?'} rows × ${typeof c === 'number' ? formatCount(c) : '?'} columns`);
    });
  }
  add('seed', valueAt(manifest, 'seed'));
  add('backend', valueAt(manifest, 'backend'));
  add('threads', valueAt(manifest, 'threads'));
  const timings = objectAt(manifest, 'timings_s');
  // stages in the manifest's order, the total last
  const timingText = [...Object.keys(timings).filter((k) => k !== 'total'), ...('total' in timings ? ['total'] : [])]
    .filter((k) => typeof timings[k] === 'number')
    .map((k) => `${k} ${formatNumber(timings[k] as number, 3)} s`)
    .join(', ');
  add('timings', timingText);
  const outputs = valueAt(manifest, 'outputs');
  if (Array.isArray(outputs)) add('outputs', `${outputs.length} files (hashes in manifest.json)`);
  if (rows.length === 0) return emptyContent('manifest.json is missing or empty.');
  return tableContent({ className: 'key-value', columns: [{ key: 'key', label: 'item' }, { key: 'value', label: 'value' }], rows });
}
