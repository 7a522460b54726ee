/**
 * The benchmark's report page: one self-contained HTML file (no script, no
 * external asset) with the leaderboards, the per-set AUROC table and how far
 * our network is above or below the best baseline of each run.
 */
import { BEHIND_HEAD, formatScore, type LeaderRow, type SetSummary } from './leaderboard.js';

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function boardTable(rows: readonly LeaderRow[], caption: string): string {
  const metrics = ['auroc', 'aupr', 'aupr_ratio', 'epr', 'auroc_directed'] as const;
  const head = `<tr><th>rank</th><th>method</th><th>kind</th>${metrics.map((m) => `<th>${escape(m.replace('_', ' '))}</th>`).join('')}<th>${escape(BEHIND_HEAD)}</th></tr>`;
  const body = rows
    .map((r) => `<tr class="${r.kind}"><td>${r.rank}</td><td>${escape(r.method)}</td><td>${r.kind}</td>${metrics.map((m) => `<td data-metric="${escape(`leaderboard.${r.method}.${m}`)}">${escape(formatScore(r.mean[m], r.sd[m]))}</td>`).join('')}<td title="${escape(r.behind.join(', '))}">${r.behind.length} of ${r.sets}</td></tr>`)
    .join('\n');
  return `<table><caption>${escape(caption)}</caption>${head}\n${body}</table>`;
}

export interface BenchmarkPage {
  overall: LeaderRow[];
  published: LeaderRow[];
  publishedSets: string[];
  summaries: SetSummary[];
  margins: { set: string; ours: number; best: string; bestAuroc: number; margin: number }[];
  sets: string[];
  seeds: number[];
}

export function benchmarkReportHtml(page: BenchmarkPage): string {
  const methods = [...new Set(page.summaries.map((s) => s.method))];
  const perSet = `<table><caption>AUROC per data set (mean ± sd over seeds; published rankings: ± bootstrap sd over pairs)</caption><tr><th>data set</th>${methods.map((m) => `<th>${escape(m)}</th>`).join('')}</tr>\n${page.sets
    .map((set) => `<tr><td>${escape(set)}</td>${methods.map((m) => {
      const s = page.summaries.find((x) => x.set === set && x.method === m);
      return `<td>${s ? escape(formatScore(s.mean.auroc, s.sd.auroc)) : '–'}</td>`;
    }).join('')}</tr>`)
    .join('\n')}</table>`;
  const margins = `<table><caption>Our AUROC minus the best baseline computed in the same run</caption><tr><th>data set</th><th>ours</th><th>best baseline</th><th>its AUROC</th><th>margin</th></tr>\n${page.margins
    .map((m) => `<tr class="${m.margin < -0.02 ? 'loss' : ''}"><td>${escape(m.set)}</td><td>${m.ours.toFixed(3)}</td><td>${escape(m.best)}</td><td>${m.bestAuroc.toFixed(3)}</td><td>${(m.margin >= 0 ? '+' : '') + m.margin.toFixed(3)}</td></tr>`)
    .join('\n')}</table>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Network benchmark</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:1.2rem 0;width:100%}caption{text-align:left;font-weight:600;margin-bottom:.4rem}
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:right;white-space:nowrap}th:nth-child(-n+3),td:nth-child(-n+3){text-align:left}
tr.ours{background:#eef6ff;font-weight:600}tr.published td:nth-child(3){color:#777}tr.loss{background:#fff1f0}
.scroll{overflow-x:auto}
</style></head><body data-run-state="done">
<h1>Network discovery benchmark</h1>
<p>${page.sets.length} data sets with a known network, seeds ${escape(page.seeds.join(', '))}. Undirected scores drop self-loops and score a pair by the larger of its two directions; AUPR ratio and EPR are over the density of true edges (BEELINE's definitions).</p>
<div class="scroll">${boardTable(page.overall, 'Leaderboard over every data set (methods computed in each run)')}</div>
${page.published.length ? `<div class="scroll">${boardTable(page.published, `Leaderboard over the ${page.publishedSets.length} data sets with published rankings`)}</div>` : ''}
<div class="scroll">${margins}</div>
<div class="scroll">${perSet}</div>
</body></html>
`;
}
