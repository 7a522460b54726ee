/**
 * Comparative influence of the chosen class against each other class: the
 * influence of q = y_chosen − y_other per unit, red where the unit pushes
 * towards the chosen class. Rows stored as (other, chosen) are negated
 * (q is linear, so swapping the classes flips the sign).
 */
import * as Plot from '@observablehq/plot';
import { emptyContent, plotContent, type FigureContent } from './figure-content.js';
import { formatNumber } from './format.js';
import { symmetricExtent } from './class-influence-heatmap.js';
import { DIVERGING_SCHEME, FIGURE_WIDTH, labelWidth } from './theme.js';

export interface OrientedInfluence {
  /** The class compared against. */
  other: string;
  unit: string;
  /** Influence of y_chosen − y_other. */
  influence: number;
}

export interface ComparativeInput {
  selectedClass: string | null;
  rows: readonly OrientedInfluence[];
  units: readonly string[];
  /** Every class in the report's order; rows follow it. */
  classes: readonly string[];
}

export function comparativeInfluence(input: ComparativeInput): FigureContent {
  if (input.selectedClass === null) return emptyContent('No class chosen.');
  const shown = new Set(input.units);
  const rows = input.rows.filter((r) => shown.has(r.unit));
  if (rows.length === 0) return emptyContent(`No comparisons with class ${input.selectedClass} for the shown units.`);
  const present = new Set(rows.map((r) => r.other));
  const others = [...input.classes.filter((c) => present.has(c)), ...[...present].filter((c) => !input.classes.includes(c)).sort()];
  const labels = others.map((o) => `${input.selectedClass} vs ${o}`);
  const m = symmetricExtent(rows.map((r) => r.influence));
  const labelled = input.units.length <= 60;
  const marginLeft = labelWidth(labels, 10) + 14;
  const cell = Math.max(6, Math.min(48, Math.floor((FIGURE_WIDTH - marginLeft - 16) / input.units.length)));
  const marginBottom = labelled ? labelWidth(input.units, 10) + 12 : 20;
  const data = rows.map((r) => ({ pair: `${input.selectedClass} vs ${r.other}`, unit: r.unit, influence: r.influence }));
  return plotContent({
    width: marginLeft + cell * input.units.length + 16,
    height: 8 + 28 * others.length + marginBottom,
    marginLeft,
    marginBottom,
    marginTop: 8,
    marginRight: 16,
    style: { fontSize: '10px' },
    x: { domain: [...input.units], label: null, tickRotate: -90, tickSize: 0, axis: labelled ? 'bottom' : null },
    y: { domain: labels, label: null, tickSize: 0 },
    color: { type: 'linear', domain: [-m, m], scheme: DIVERGING_SCHEME, reverse: true, legend: true, label: `influence towards ${input.selectedClass}` },
    marks: [Plot.cell(data, { x: 'unit', y: 'pair', fill: 'influence', inset: 0.5, title: (d: { pair: string; unit: string; influence: number }) => `${d.pair}, ${d.unit}: ${formatNumber(d.influence)}` })],
  });
}
