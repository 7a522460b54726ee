/**
 * Assemble report.html: header with the run summary, controls, sections of
 * figures (static SVG and tables), notes on what the page holds, the
 * embedded state and Arrow tables (gzip, base64), and the classic <script src> tags that
 * load the viewer and duckdb-wasm from report_files/ (allowed from file://).
 */
import { escapeHtml } from '../figures/escape-html.js';
import { sectionsOf } from '../report/figure-catalogue.js';
import type { ReportState } from '../report/report-state.js';
import type { RunFolder } from '../run/read-run-folder.js';
import { controlsHtml } from './controls-html.js';
import { figureHtml, type RenderedFigure } from './figure-html.js';
import { PAGE_STYLES } from './page-styles.js';
import type { RunSummary } from './run-summary.js';
import { assetScriptsHtml, type AssetLayout } from './asset-scripts.js';

export interface EmbeddedTable {
  name: string;
  rows: number;
  base64: string;
}

export interface PageInput {
  run: RunFolder;
  state: ReportState;
  summary: RunSummary;
  figures: Record<string, RenderedFigure>;
  tables: EmbeddedTable[];
  configJson: string;
  /** Folder of the viewer assets, relative to report.html. */
  assetsDir: string;
  /** Viewer files inside the page (default) or in assetsDir beside it. */
  layout?: AssetLayout;
  /** The viewer files (needed when embedded). */
  assets?: readonly { name: string; bytes: Uint8Array }[];
}

/** JSON inside <script>: nothing can close the tag or break the line. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function headerHtml(summary: RunSummary): string {
  const facts = summary.facts.map((f) => `<div><dt>${escapeHtml(f.label)}</dt><dd${f.title ? ` title="${escapeHtml(f.title)}"` : ''}>${escapeHtml(f.value)}</dd></div>`).join('');
  const metrics = summary.metrics.map((m) => `<li><span class="value">${escapeHtml(m.value)}</span><span class="label">${escapeHtml(m.label)}</span></li>`).join('');
  return [
    '<header class="report-header">',
    `<p class="kicker">Relevance report</p>`,
    `<h1>${escapeHtml(summary.title)}</h1>`,
    `<p class="subtitle">${escapeHtml(summary.subtitle)}</p>`,
    `<dl class="facts">${facts}</dl>`,
    metrics ? `<ul class="key-metrics" aria-label="Key metrics">${metrics}</ul>` : '',
    summary.warnings?.length ? `<ul class="header-warnings" role="note">${summary.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>` : '',
    '</header>',
  ].join('\n');
}

function notesHtml(input: PageInput): string {
  const items: string[] = [];
  for (const t of input.state.tables) {
    const rule = t.rule ? ` — ${t.rule}` : '';
    const partial = t.embeddedRows < t.rows ? `${t.embeddedRows.toLocaleString('en-US')} of ${t.rows.toLocaleString('en-US')} rows${rule}` : `all ${t.rows.toLocaleString('en-US')} rows`;
    items.push(`<li><code>${escapeHtml(t.name)}</code>: ${escapeHtml(partial)}</li>`);
  }
  const reader = input.run.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('');
  return [
    '<footer class="page-notes">',
    '<h2>About this page</h2>',
    '<p>The figures above are static SVG drawn when the report was written; they show the default choices and print as they are. ',
    (input.layout ?? 'embedded') === 'embedded'
      ? 'This file is self-contained: it holds the tables below and the data engine (DuckDB, WebAssembly), loads them in the browser and redraws the figures from SQL queries when you change the controls. Copy it alone; nothing is fetched from the network.</p>'
      : `With <code>${escapeHtml(input.assetsDir)}/</code> beside this file, the page loads the tables below into DuckDB (WebAssembly) in the browser and redraws the figures from SQL queries when you change the controls. Nothing is fetched from the network.</p>`,
    `<p>Tables held in the page:</p><ul>${items.join('')}</ul>`,
    reader ? `<p>While reading the run folder:</p><ul>${reader}</ul>` : '',
    '<p>The full tables are in the run folder as Parquet and Arrow files.</p>',
    '</footer>',
  ].join('\n');
}

function formatNumber(v: unknown, digits = 3): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toPrecision(digits) : '—';
}

/**
 * The strategies view (SpRAy, Lapuschkin et al. 2019), when the run folder
 * holds strategies/strategies.json: one row per cluster of instances with
 * its size, class shares, top and distinguishing features. Static HTML.
 */
export function strategiesHtml(strategies: RunFolder['strategies']): string {
  if (!strategies) return '';
  const clusters = (strategies.clusters as Array<Record<string, unknown>>) ?? [];
  const features = (list: unknown): string =>
    Array.isArray(list) ? list.map((f) => `${escapeHtml(String((f as { name?: unknown }).name))} <span class="muted">${formatNumber((f as { relevance?: unknown }).relevance)}</span>`).join('<br>') : '';
  const rows = clusters.map((c) => {
    const classes = c.classes && typeof c.classes === 'object'
      ? Object.entries(c.classes as Record<string, number>).map(([k, v]) => `${escapeHtml(k)} ${(100 * v).toFixed(0)}%`).join(', ')
      : '';
    return `<tr><td>${escapeHtml(String(c.cluster))}</td><td>${escapeHtml(String(c.size))}</td><td>${classes}</td><td>${features(c.top_features)}</td><td>${features(c.distinguishing_features)}</td></tr>`;
  });
  const k = typeof strategies.k === 'number' ? strategies.k : clusters.length;
  const how = strategies.chosen_by === 'fixed' ? 'a fixed number of clusters' : 'the eigengap of the normalised Laplacian';
  return [
    '<section class="report-section" id="section-strategies" data-strategies="">',
    '<h2>Strategies (SpRAy)</h2>',
    `<p class="section-intro">${escapeHtml(`Spectral relevance analysis (Lapuschkin et al. 2019) grouped the instances' explanations into ${k} strategies (${how}). ` +
      'A cluster whose top feature is an artefact, or that holds one class only, points to a "Clever Hans" strategy. Written by relevance strategies --run; the assignments are in strategies/clusters.parquet.')}</p>`,
    '<table class="data-table"><thead><tr><th>cluster</th><th>instances</th><th>classes</th><th>top features (mean relevance)</th><th>distinguishing features (difference to the rest)</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody></table>`,
    '</section>',
  ].join('\n');
}

/** A section's intro; an influence run on a tree ensemble (config influence.method tree-shap) explains with TreeSHAP, not gradients. */
function sectionIntro(s: { id: string; intro: string }, run: RunFolder): string {
  const method = (run.config.influence as { method?: unknown } | undefined)?.method;
  if (s.id !== 'classes' || typeof method !== 'string' || !method.startsWith('tree-shap')) return s.intro;
  return 'The model is a tree ensemble, which has no gradient: every influence here is its exact interventional TreeSHAP value (raw scores, against the reference rows), and a class’s profile is the mean over the class’s instances. Red pushes towards the class, blue away from it.';
}

export function pageHtml(input: PageInput): string {
  const { run, state, summary } = input;
  const sections = sectionsOf(state.study)
    .map((s) => {
      const figures = s.figures.map((f) => figureHtml(f, input.figures[f.id] ?? { body: '<p class="figure-empty">Not available.</p>', note: null })).join('\n');
      const config = s.id === 'run' || s.id === 'classifier' ? `<details class="config"><summary>config.json (the resolved options)</summary><pre>${escapeHtml(input.configJson)}</pre></details>` : '';
      return `<section class="report-section" id="section-${s.id}">\n<h2>${escapeHtml(s.title)}</h2>\n<p class="section-intro">${escapeHtml(sectionIntro(s, run))}</p>\n<div class="figure-grid">\n${figures}\n</div>\n${config}</section>`;
    })
    .join('\n');
  const tables = input.tables
    .map((t) => `<script type="application/octet-stream" data-table="${escapeHtml(t.name)}" data-rows="${t.rows}" data-encoding="gzip+base64">${t.base64}</script>`)
    .join('\n');
  const scripts = assetScriptsHtml(input.layout ?? 'embedded', input.assets ?? [], input.assetsDir);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="Relevance report">',
    `<title>${escapeHtml(`${summary.title} — Relevance ${run.study} report`)}</title>`,
    `<style>${PAGE_STYLES}</style>`,
    '</head>',
    `<body data-study="${state.study}">`,
    headerHtml(summary),
    controlsHtml(state),
    `<main>\n${sections}\n${strategiesHtml(run.strategies)}</main>`,
    notesHtml(input),
    `<script type="application/json" id="relevance-report-state">${scriptJson(state)}</script>`,
    tables,
    scripts,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
