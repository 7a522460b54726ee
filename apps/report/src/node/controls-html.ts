/**
 * The controls bar. Controls start disabled and show the defaults the static
 * figures were drawn with; the viewer enables them once duckdb-wasm holds
 * the tables. Without scripts the bar says the figures show the defaults.
 */
import { escapeHtml } from '../figures/escape-html.js';
import { scopeLabel } from '../figures/evaluation-curves.js';
import type { ReportState } from '../report/report-state.js';

/** Instance menus longer than this get a search box. */
export const SEARCH_ABOVE = 20;

function option(value: string, label: string, selected: boolean): string {
  return `<option value="${escapeHtml(value)}"${selected ? ' selected' : ''}>${escapeHtml(label)}</option>`;
}

export function controlsHtml(state: ReportState): string {
  const d = state.defaults;
  const parts: string[] = [];
  const noun = state.study === 'proteomics' ? 'proteins' : 'units';
  if (state.classes.length) {
    parts.push(`<label class="control">Class <select id="control-class" data-control="className" disabled>${state.classes.map((c) => option(c, c, c === d.className)).join('')}</select></label>`);
  }
  if (state.instances.length) {
    const label = (i: ReportState['instances'][number]) => (i.class === null ? i.id : `${i.id} (${i.class}${i.predicted && i.predicted !== i.class ? ` → ${i.predicted}` : ''})`);
    // many instances: a search box narrows the menu (the viewer filters its options as you type)
    const search = state.instances.length > SEARCH_ABOVE ? `<input id="control-instance-search" class="control-search" type="search" placeholder="search ${state.instances.length} instances" aria-label="Search instances by id or class" autocomplete="off" spellcheck="false" disabled>` : '';
    parts.push(`<label class="control">Instance ${search}<select id="control-instance" data-control="instance" disabled>${state.instances.map((i) => option(i.id, label(i), i.id === d.instance)).join('')}</select></label>`);
  }
  parts.push(
    `<label class="control">${state.study === 'proteomics' ? 'Top edges' : 'Top units'} <input id="control-k" data-control="k" type="number" min="1" max="${state.kMax}" step="1" value="${d.k}" disabled></label>`,
  );
  parts.push(
    `<label class="control control-filter">Filter ${noun} <input id="control-filter" data-control="filter" type="search" list="filter-names" placeholder="names or parts, comma-separated" autocomplete="off" spellcheck="false" value="${escapeHtml(d.filter)}" disabled></label>`,
  );
  if (state.scopes.length) {
    parts.push(`<label class="control">Curves <select id="control-scope" data-control="scope" disabled>${state.scopes.map((s) => option(s, scopeLabel(s), s === d.scope)).join('')}</select></label>`);
  }
  const names = `<datalist id="filter-names">${state.order.map((n) => `<option value="${escapeHtml(n)}"></option>`).join('')}</datalist>`;
  const status =
    '<output id="viewer-status" class="viewer-status" data-state="static">Static figures with the defaults; loading the interactive view…</output>' +
    '<noscript><span class="viewer-status">Scripts are off: the figures show the defaults.</span></noscript>';
  return `<div class="controls" role="toolbar" aria-label="Choose what the figures show">${parts.join('')}${status}${names}</div>`;
}
