/**
 * The header's run summary: what data, how much, which seed and backend,
 * and the few numbers a reader looks for first. Read from manifest.json,
 * metrics.json and config.json without trusting their shape.
 */
import { formatCount, formatNumber } from '../figures/format.js';
import { numberAt, objectAt, stringAt, valueAt } from '../figures/json-path.js';
import type { ReportState } from '../report/report-state.js';
import type { RunFolder } from '../run/read-run-folder.js';
import { baselineWinSentences, trustRows, withInterval } from '../figures/trust-table.js';

export interface SummaryItem {
  label: string;
  value: string;
  /** A hover title with the full value (e.g. the whole hash). */
  title?: string;
}

export interface RunSummary {
  title: string;
  subtitle: string;
  facts: SummaryItem[];
  metrics: SummaryItem[];
  /** Said at the top of the page: names that did not match, baselines that beat us. */
  warnings?: string[];
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function dataFacts(run: RunFolder): SummaryItem[] {
  const facts: SummaryItem[] = [];
  const inputs = valueAt(run.manifest, 'inputs');
  const first = Array.isArray(inputs) && inputs.length ? inputs[0] : null;
  const path = stringAt(first, 'path');
  const sha = stringAt(first, 'sha256');
  const configData = stringAt(run.config, 'data') ?? stringAt(run.config, 'input');
  const source = path ? baseName(path) : configData ? baseName(configData) : run.study === 'proteomics' ? 'synthetic cohort' : null;
  if (source) facts.push(sha ? { label: 'data', value: `${source} · sha256 ${sha.slice(0, 12)}…`, title: sha } : { label: 'data', value: source });
  return facts;
}

function countOrList(value: unknown): string | null {
  if (typeof value === 'number') return formatCount(value);
  if (Array.isArray(value)) return `${value.length} (${value.slice(0, 6).join(', ')}${value.length > 6 ? ', …' : ''})`;
  return null;
}

function runFacts(run: RunFolder): SummaryItem[] {
  const facts: SummaryItem[] = [];
  const seed = valueAt(run.manifest, 'seed') ?? valueAt(run.config, 'seed');
  if (typeof seed === 'number' || typeof seed === 'string') facts.push({ label: 'seed', value: String(seed) });
  const backend = stringAt(run.manifest, 'backend') ?? stringAt(run.config, 'backend');
  const threads = numberAt(run.manifest, 'threads');
  if (backend) facts.push({ label: 'backend', value: threads !== null ? `${backend} · ${threads} thread${threads === 1 ? '' : 's'}` : backend });
  const version = stringAt(run.manifest, 'relevance_version');
  if (version) facts.push({ label: 'relevance', value: version });
  const total = numberAt(run.metrics, 'timing_s.total') ?? numberAt(run.manifest, 'timings_s.total');
  if (total !== null) facts.push({ label: 'run time', value: `${formatNumber(total, 3)} s` });
  return facts;
}

/** Scores in [0, 1] with fixed decimals (1.000, not 1), others with significant digits. */
function metricText(value: number, digits: number): string {
  return Math.abs(value) <= 1 ? value.toFixed(digits) : formatNumber(value, digits);
}

function metric(items: SummaryItem[], label: string, value: number | null, digits = 3): void {
  if (value !== null) items.push({ label, value: metricText(value, digits) });
}

/** data.dropped_columns as one fact naming each column and why ([{column, reason}], or plain names in older runs). */
function droppedFacts(dropped: unknown): SummaryItem[] {
  if (!Array.isArray(dropped) || dropped.length === 0) return [];
  const text = dropped.slice(0, 10).map((d) => {
    if (typeof d === 'string') return d;
    const { column, reason } = (d ?? {}) as { column?: unknown; reason?: unknown };
    return typeof reason === 'string' ? `${String(column)} (${reason})` : String(column);
  });
  return [{ label: 'dropped columns', value: `${text.join('; ')}${dropped.length > 10 ? `; and ${dropped.length - 10} more` : ''}` }];
}

function proteomicsSummary(run: RunFolder, state: ReportState): RunSummary {
  const m = run.metrics;
  const facts = dataFacts(run);
  const rows = numberAt(m, 'data.rows');
  const train = numberAt(m, 'data.train');
  const test = numberAt(m, 'data.test');
  if (rows !== null) facts.push({ label: 'rows', value: `${formatCount(rows)}${train !== null && test !== null ? ` (${formatCount(train)} train / ${formatCount(test)} test)` : ''}` });
  const proteins = numberAt(m, 'data.proteins') ?? state.order.length;
  const dropped = valueAt(m, 'data.dropped_columns');
  const droppedCount = Array.isArray(dropped) ? dropped.length : typeof dropped === 'number' ? dropped : 0;
  facts.push({ label: 'proteins', value: `${formatCount(proteins)}${droppedCount ? ` (${droppedCount} dropped)` : ''}` });
  facts.push(...droppedFacts(dropped));
  facts.push({ label: 'classes', value: countOrList(valueAt(m, 'data.classes')) ?? (state.classes.length ? `${state.classes.length} (${state.classes.join(', ')})` : 'none') });
  facts.push(...runFacts(run));
  const metrics: SummaryItem[] = [];
  const trust = trustRows(m);
  const ours = (target: string) => trust.find((r) => r.target === target && r.scope === 'cohort');
  const withSpread = (label: string, value: number | null, row: ReturnType<typeof ours>) => {
    if (value !== null) metrics.push(row ? { label: `${label} (95% interval)`, value: withInterval(value, row.ours_lo, row.ours_hi, 2) } : { label, value: metricText(value, 3) });
  };
  withSpread('cohort AUROC', numberAt(m, 'network.cohort.auroc'), ours('truth'));
  metric(metrics, 'cohort AUPR', numberAt(m, 'network.cohort.aupr'));
  const baselines = objectAt(m, 'baselines');
  let best: { name: string; auroc: number } | null = null;
  for (const name of Object.keys(baselines).sort()) {
    const v = numberAt(baselines, `${name}.auroc`);
    if (v !== null && (best === null || v > best.auroc)) best = { name, auroc: v };
  }
  if (best) metrics.push({ label: `best baseline AUROC (${best.name.replace(/_/g, ' ')})`, value: metricText(best.auroc, 3) });
  metric(metrics, 'per-instance AUROC (mean)', numberAt(m, 'network.per_instance.auroc_mean'));
  withSpread('known-edge AUROC', numberAt(m, 'known_edges.lrp.auroc'), ours('known'));
  metric(metrics, 'test MSE (hidden)', numberAt(m, 'prediction.test_mse_hidden'));
  metric(metrics, 'median instance correlation', numberAt(m, 'prediction.median_instance_correlation'));
  const replicates = numberAt(m, 'network.replicates.count');
  if (replicates !== null && replicates > 1) metrics.push({ label: `agreement of ${replicates} replicate predictors (Spearman, mean; lowest pair)`, value: `${metricText(numberAt(m, 'network.replicates.spearman_mean') ?? NaN, 3)}; ${metricText(numberAt(m, 'network.replicates.spearman_min') ?? NaN, 3)}` });
  const aloneValues = valueAt(m, 'network.replicates.auroc');
  const alone = Array.isArray(aloneValues) ? aloneValues.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)) : [];
  if (replicates !== null && replicates > 1 && alone.length) {
    metrics.push({ label: 'cohort AUROC of each replicate alone (lowest – highest)', value: `${metricText(Math.min(...alone), 3)} – ${metricText(Math.max(...alone), 3)}` });
  }
  return { title: 'Protein networks', subtitle: 'Relevance · proteomics study: instance, class and cohort networks from LRP of a masked predictor', facts, metrics, warnings: proteomicsWarnings(m, trust.length) };
}

/** The known-edge name warning and, plainly, where baselines beat our network. */
function proteomicsWarnings(m: unknown, comparisons: number): string[] {
  const out: string[] = [];
  const known = valueAt(m, 'known_edges.match.warning');
  if (typeof known === 'string') out.push(`Known edges: ${known}`);
  const wins = baselineWinSentences(m);
  if (wins.length) {
    const clear = wins.filter((w) => w.endsWith('(beyond the spread)')).length;
    out.push(`A baseline beats our network on ${wins.length} of ${comparisons} comparisons (${clear} beyond the spread), e.g. ${wins[0]}. See “How far to trust the network”.`);
  }
  return out;
}

function influenceSummary(run: RunFolder, state: ReportState): RunSummary {
  const m = run.metrics;
  const facts = dataFacts(run);
  const rows = numberAt(m, 'data.rows');
  if (rows !== null) facts.push({ label: 'rows', value: formatCount(rows) });
  facts.push({ label: 'classes', value: state.classes.length ? `${state.classes.length} (${state.classes.join(', ')})` : 'none' });
  facts.push({ label: 'units', value: formatCount(state.order.length) });
  facts.push(...droppedFacts(valueAt(m, 'data.dropped_columns')));
  facts.push({ label: 'instances', value: formatCount(state.instances.length) });
  facts.push(...runFacts(run));
  const metrics: SummaryItem[] = [];
  metric(metrics, 'test accuracy', numberAt(m, 'classifier.test_accuracy'));
  metric(metrics, 'balanced accuracy', numberAt(m, 'classifier.balanced_accuracy'));
  metric(metrics, 'median rank correlation', numberAt(m, 'instance_vs_class.median_rank_correlation'), 2);
  metric(metrics, 'mean rank correlation', numberAt(m, 'instance_vs_class.mean_rank_correlation'), 2);
  return { title: 'Distributional influence', subtitle: 'Relevance · influence study: what drives each class, and which instances deviate from their class', facts, metrics };
}

export function runSummary(run: RunFolder, state: ReportState): RunSummary {
  return run.study === 'proteomics' ? proteomicsSummary(run, state) : influenceSummary(run, state);
}
