/**
 * Clicking an instance in the t-SNE map or the rank-correlation strip
 * chooses it. Plot's pointer (the figures' tips) keeps the datum under the
 * pointer in the plot's `value`.
 */
import type { Controls } from './controls.js';

const INSTANCE_FIGURES = new Set(['tsne', 'rank-correlation']);

export function attachFigureClicks(id: string, element: HTMLElement | SVGElement | null, controls: Controls): void {
  if (!element || !INSTANCE_FIGURES.has(id)) return;
  element.addEventListener('click', () => {
    const datum = (element as unknown as { value?: { instance?: unknown } }).value;
    if (datum && typeof datum.instance === 'string') controls.set('instance', datum.instance);
  });
  element.style.cursor = 'pointer';
}
