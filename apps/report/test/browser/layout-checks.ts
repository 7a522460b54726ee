/**
 * Measurements of a rendered report, so a figure that breaks on long real
 * names fails a test: text boxes in an SVG that overlap, and table cells
 * whose content is cut (wider than the cell, or beyond the figure's box).
 */
import type { Page } from 'playwright-core';

export interface FigureLayout {
  id: string;
  texts: number;
  /** Pairs of overlapping text boxes (more than 1 px both ways), as "a | b". */
  overlaps: string[];
  cells: number;
  /** Cells cut off, by their text. */
  clipped: string[];
}

export function measureFigures(page: Page): Promise<FigureLayout[]> {
  return page.evaluate(() => {
    const out: FigureLayout[] = [];
    for (const fig of Array.from(document.querySelectorAll('[data-figure]'))) {
      const texts = Array.from(fig.querySelectorAll('svg text'))
        .map((t) => ({ text: (t.textContent ?? '').trim(), box: t.getBoundingClientRect() }))
        .filter((t) => t.text !== '' && t.box.width > 0 && t.box.height > 0);
      const overlaps: string[] = [];
      for (let i = 0; i < texts.length; i++) {
        for (let j = i + 1; j < texts.length; j++) {
          const a = texts[i]!.box, b = texts[j]!.box;
          const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          if (dx > 1 && dy > 1) overlaps.push(`${texts[i]!.text} | ${texts[j]!.text}`);
        }
      }
      const body = fig.querySelector('.figure-body')!.getBoundingClientRect();
      const cells = Array.from(fig.querySelectorAll('td, th'));
      const clipped = cells
        .filter((c) => c.getBoundingClientRect().right > body.right + 1 || c.scrollWidth > c.clientWidth + 1)
        .map((c) => (c.textContent ?? '').slice(0, 40));
      out.push({ id: fig.getAttribute('data-figure')!, texts: texts.length, overlaps, cells: cells.length, clipped });
    }
    return out;
  });
}
