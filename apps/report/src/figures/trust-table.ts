/**
 * The trust panel (metrics.json trust.*): our network against every baseline
 * for the cohort, each class and the patients, on the truth and on the known
 * edges, with bootstrap intervals. Rows where a baseline is ahead are marked,
 * and the note says in words where a baseline beats us. Pure: importable by
 * any app that has a run's metrics.
 */
import { emptyContent, tableContent, type FigureContent } from './figure-content.js';
import { methodLabel } from './evaluation-curves.js';
import { numberAt, valueAt } from './json-path.js';
import type { TableValue } from './table-spec.js';

export interface TrustRowJson {
  target: string;
  scope: string;
  method: string;
  auroc: number | null;
  lo: number | null;
  hi: number | null;
  ours: number | null;
  ours_lo: number | null;
  ours_hi: number | null;
  difference: number | null;
  difference_lo: number | null;
  difference_hi: number | null;
  patients_better: number | null;
  spread: string;
  verdict: string;
}

/** metrics.trust.rows, or [] when the run has none (older runs, no truth and no known edges). */
export function trustRows(metrics: unknown): TrustRowJson[] {
  const rows = valueAt(metrics, 'trust.rows');
  return Array.isArray(rows) ? (rows as TrustRowJson[]).filter((r) => r && typeof r === 'object' && typeof r.method === 'string') : [];
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** "0.792 [0.751, 0.830]" or "0.792" without an interval. */
export function withInterval(point: unknown, lo: unknown, hi: unknown, digits = 3): string {
  const p = num(point);
  if (p === null) return '–';
  const a = num(lo), b = num(hi);
  return a !== null && b !== null ? `${p.toFixed(digits)} [${a.toFixed(digits)}, ${b.toFixed(digits)}]` : p.toFixed(digits);
}

function signed(v: unknown): string {
  const x = num(v);
  return x === null ? '–' : `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`;
}

export function scopeText(scope: string): string {
  return scope === 'cohort' ? 'cohort' : scope === 'patients' ? 'patients (mean, paired)' : `class ${scope}`;
}

/** The sentences where a baseline beats us, clear wins first (from metrics.trust.baseline_wins). */
export function baselineWinSentences(metrics: unknown): string[] {
  const wins = valueAt(metrics, 'trust.baseline_wins');
  return Array.isArray(wins) ? wins.filter((w): w is string => typeof w === 'string') : [];
}

export function trustTable(metrics: unknown): FigureContent {
  const rows = trustRows(metrics);
  if (rows.length === 0) return emptyContent('No trust panel (the run had neither a truth nor known edges, or was written before the panel existed).');
  const table: Record<string, TableValue>[] = rows.map((r) => ({
    against: r.target === 'known' ? 'known edges' : 'truth',
    scope: scopeText(r.scope),
    method: methodLabel(r.method),
    baseline: withInterval(r.auroc, r.lo, r.hi),
    ours: withInterval(r.ours, r.ours_lo, r.ours_hi),
    difference: num(r.difference_lo) !== null ? `${signed(r.difference)} [${signed(r.difference_lo)}, ${signed(r.difference_hi)}]` : signed(r.difference),
    patients: num(r.patients_better) !== null ? `${Math.round(100 * r.patients_better!)}%` : '',
    verdict: r.verdict,
  }));
  const wins = baselineWinSentences(metrics);
  const draws = numberAt(metrics, 'trust.draws');
  const note = wins.length
    ? `Where a baseline beats our network: ${wins.slice(0, 6).join('; ')}${wins.length > 6 ? `; and ${wins.length - 6} more (metrics.json trust.baseline_wins)` : ''}.`
    : 'No baseline beats our network on any comparison.';
  return tableContent(
    {
      className: 'compact trust',
      caption: `AUROC with 95% bootstrap intervals${draws !== null ? ` (${draws} resamples of patients)` : ''}; difference = ours − baseline. Baselines without an interval are one run (too slow to resample).`,
      columns: [
        { key: 'against', label: 'against' },
        { key: 'scope', label: 'scope' },
        { key: 'method', label: 'baseline' },
        { key: 'baseline', label: 'baseline AUROC', align: 'right' },
        { key: 'ours', label: 'our AUROC', align: 'right' },
        { key: 'difference', label: 'difference', align: 'right' },
        { key: 'patients', label: 'patients where ours is higher', align: 'right', title: 'Patients scope: share of patients whose own network beats the baseline' },
        { key: 'verdict', label: 'verdict' },
      ],
      rows: table,
      rowClass: (row) => (String(row.verdict).startsWith('baseline') ? (row.verdict === 'baseline better' ? 'baseline-wins' : 'baseline-ahead') : undefined),
    },
    note,
  );
}
