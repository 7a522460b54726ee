import { describe, expect, it } from 'vitest';
import { sectionsOf } from '../../src/report/figure-catalogue.js';
import type { Selection } from '../../src/report/selection.js';
import { figuresToRedraw, redrawQueue } from '../../src/viewer/redraw-queue.js';

const base: Selection = { className: 'a', instance: 'i1', k: 10, filter: '', scope: 'cohort' };

describe('redraw queue', () => {
  it('redraws only the figures that follow the changed control', () => {
    const sections = sectionsOf('proteomics');
    expect([...figuresToRedraw(sections, base, { ...base, className: 'b' })]).toEqual(['class-heatmap']);
    expect([...figuresToRedraw(sections, base, { ...base, instance: 'i2' })].sort()).toEqual(['instance-comparison', 'tsne']);
    expect([...figuresToRedraw(sections, base, { ...base, scope: 'known' })].sort()).toEqual(['pr-curves', 'roc-curves']);
    expect(figuresToRedraw(sections, base, base).size).toBe(0);
  });

  it('collapses changes made during a redraw into the latest, and survives a failed redraw', async () => {
    const drawn: Selection[] = [];
    let release: () => void = () => undefined;
    const request = redrawQueue(base, sectionsOf('proteomics'), async (selection) => {
      drawn.push(selection);
      if (drawn.length === 1) await new Promise<void>((r) => (release = r));
      if (drawn.length === 2) throw new Error('query failed');
    });
    request({ ...base, className: 'b' });
    request({ ...base, className: 'c' });
    request({ ...base, className: 'd' });
    release();
    await new Promise((r) => setTimeout(r, 10));
    expect(drawn.map((s) => s.className)).toEqual(['b', 'd']);
    request({ ...base, className: 'e' });
    await new Promise((r) => setTimeout(r, 10));
    expect(drawn.map((s) => s.className)).toEqual(['b', 'd', 'e']);
  });
});
