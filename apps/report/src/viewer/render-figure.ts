/** Put a figure's new content into its place on the page (same markup as the static renderer). */
import * as Plot from '@observablehq/plot';
import type { FigureContent } from '../figures/figure-content.js';
import { tableHtml } from '../figures/table-spec.js';

export function renderFigure(doc: Document, id: string, content: FigureContent): HTMLElement | SVGElement | null {
  const figure = doc.querySelector<HTMLElement>(`[data-figure="${id}"]`);
  const body = figure?.querySelector<HTMLElement>('.figure-body');
  if (!figure || !body) return null;
  let element: HTMLElement | SVGElement | null = null;
  if (content.kind === 'plot') {
    element = Plot.plot(content.plot);
    body.replaceChildren(element);
  } else if (content.kind === 'table') {
    body.innerHTML = `<div class="table-scroll">${tableHtml(content.table)}</div>`;
  } else {
    const p = doc.createElement('p');
    p.className = 'figure-empty';
    p.textContent = content.message;
    body.replaceChildren(p);
  }
  const note = figure.querySelector<HTMLElement>('.figure-note');
  if (note) {
    const text = content.kind === 'empty' ? '' : (content.note ?? '');
    note.textContent = text;
    note.hidden = text === '';
  }
  return element;
}
