/**
 * Render figure content to static markup in Node: Plot specifications become
 * SVG (through linkedom), tables become HTML, empty figures a message. The
 * page shows and prints these before any script runs. Output depends only on
 * the content (no ids or clocks), so the same run gives the same bytes.
 */
import * as Plot from '@observablehq/plot';
import { escapeHtml } from './figures/escape-html.js';
import type { FigureContent } from './figures/figure-content.js';
import { tableHtml } from './figures/table-spec.js';
import { nodeDocument } from './static/node-document.js';

export function renderPlotSvg(plot: Plot.PlotOptions): string {
  const element = Plot.plot({ ...plot, document: nodeDocument() });
  return element.outerHTML;
}

/** The markup of a figure's body (without its note). */
export function renderStatic(content: FigureContent): string {
  switch (content.kind) {
    case 'plot':
      return renderPlotSvg(content.plot);
    case 'table':
      return `<div class="table-scroll">${tableHtml(content.table)}</div>`;
    case 'empty':
      return `<p class="figure-empty">${escapeHtml(content.message)}</p>`;
  }
}

export function figureNote(content: FigureContent): string | null {
  return content.kind === 'empty' ? null : (content.note ?? null);
}
