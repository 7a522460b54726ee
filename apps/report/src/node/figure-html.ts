/** One figure's markup: stable data-figure id, title and caption, static body, note. */
import { escapeHtml } from '../figures/escape-html.js';
import type { FigureEntry } from '../report/figure-catalogue.js';

export interface RenderedFigure {
  body: string;
  note: string | null;
}

export function figureHtml(entry: FigureEntry, rendered: RenderedFigure): string {
  const cls = entry.wide ? 'figure wide' : 'figure';
  const note = rendered.note ? escapeHtml(rendered.note) : '';
  return [
    `<figure class="${cls}" id="figure-${entry.id}" data-figure="${entry.id}">`,
    `<figcaption><h3>${escapeHtml(entry.title)}</h3><p>${escapeHtml(entry.caption)}</p></figcaption>`,
    `<div class="figure-body">${rendered.body}</div>`,
    `<p class="figure-note"${note ? '' : ' hidden'}>${note}</p>`,
    '</figure>',
  ].join('\n');
}
