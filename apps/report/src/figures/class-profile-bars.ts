/**
 * The chosen class's strongest units: bars of distributional influence,
 * with the whole data set's influence of the same unit as a black tick, so
 * what is special to the class stands out.
 */
import * as Plot from '@observablehq/plot';
import type { ClassInfluence, DatasetInfluence } from '../run/table-rows.js';
import { emptyContent, plotContent, type FigureContent } from './figure-content.js';
import { formatNumber } from './format.js';
import { FIGURE_WIDTH, labelWidth } from './theme.js';

export interface ClassProfileInput {
  className: string | null;
  /** The class's top units, strongest (by |influence|) first. */
  rows: readonly ClassInfluence[];
  dataset: readonly DatasetInfluence[];
}

export function classProfileBars(input: ClassProfileInput): FigureContent {
  if (input.className === null) return emptyContent('No class chosen.');
  if (input.rows.length === 0) return emptyContent(`No units of class ${input.className} match the filter.`);
  const units = input.rows.map((r) => r.unit);
  const overall = new Map(input.dataset.map((d) => [d.unit, d.distributional]));
  const ticks = units.filter((u) => overall.has(u)).map((unit) => ({ unit, distributional: overall.get(unit)! }));
  const bars = input.rows.map((r) => ({ unit: r.unit, distributional: r.distributional, sign: r.distributional >= 0 ? 'positive' : 'negative' }));
  return plotContent({
    width: FIGURE_WIDTH,
    height: 50 + 17 * units.length,
    marginLeft: labelWidth(units) + 12,
    subtitle: `Class ${input.className}: ${units.length} strongest units (bars); whole data set (black ticks)`,
    x: { label: 'distributional influence →', grid: true },
    y: { domain: units, label: null },
    color: { domain: ['positive', 'negative'], range: ['#c0392b', '#2c6fbb'] },
    marks: [
      Plot.barX(bars, { y: 'unit', x: 'distributional', fill: 'sign', fillOpacity: 0.85, title: (d: { unit: string; distributional: number }) => `${d.unit}: ${formatNumber(d.distributional)}` }),
      Plot.tickX(ticks, { y: 'unit', x: 'distributional', stroke: '#111', strokeWidth: 2 }),
      Plot.ruleX([0]),
    ],
  });
}
