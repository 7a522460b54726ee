/**
 * Class influence profiles: the distributional influence of every shown unit
 * (columns) for every class (rows), on a diverging scale centred at zero.
 * The chosen class's row is outlined.
 */
import * as Plot from '@observablehq/plot';
import type { ClassInfluence } from '../run/table-rows.js';
import { emptyContent, plotContent, type FigureContent } from './figure-content.js';
import { formatNumber } from './format.js';
import { DIVERGING_SCHEME, WIDE_FIGURE_WIDTH, labelWidth } from './theme.js';

export interface ClassInfluenceInput {
  rows: readonly ClassInfluence[];
  classes: readonly string[];
  /** Units to show, in display order. */
  units: readonly string[];
  selectedClass: string | null;
  note?: string;
}

/** Symmetric domain around zero, so white means no influence. */
export function symmetricExtent(values: readonly number[]): number {
  let m = 0;
  for (const v of values) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  return m > 0 ? m : 1;
}

export function classInfluenceHeatmap(input: ClassInfluenceInput): FigureContent {
  const shown = new Set(input.units);
  const rows = input.rows.filter((r) => shown.has(r.unit));
  if (rows.length === 0) return emptyContent('No units match the filter.');
  const m = symmetricExtent(rows.map((r) => r.distributional));
  const labelled = input.units.length <= 60;
  const marginLeft = labelWidth(input.classes) + 14;
  // a full-width figure: few units get wide cells, many get narrow ones
  const cell = Math.max(6, Math.min(56, Math.floor((WIDE_FIGURE_WIDTH - marginLeft - 16) / input.units.length)));
  const marginBottom = labelled ? labelWidth(input.units, 10) + 12 : 20;
  const selected = input.selectedClass !== null && input.classes.includes(input.selectedClass) ? input.units.map((unit) => ({ unit, class: input.selectedClass })) : [];
  return plotContent(
    {
      width: marginLeft + cell * input.units.length + 16,
      height: 8 + Math.max(22, Math.min(34, 260 / input.classes.length)) * input.classes.length + marginBottom,
      marginLeft,
      marginBottom,
      marginTop: 8,
      marginRight: 16,
      x: { domain: [...input.units], label: null, tickRotate: -90, tickSize: 0, axis: labelled ? 'bottom' : null },
      y: { domain: [...input.classes], label: null, tickSize: 0 },
      style: { fontSize: '10px' },
      color: { type: 'linear', domain: [-m, m], scheme: DIVERGING_SCHEME, reverse: true, legend: true, label: 'distributional influence' },
      marks: [
        Plot.cell(rows, { x: 'unit', y: 'class', fill: 'distributional', inset: 0.5, title: (d: ClassInfluence) => `${d.class}, ${d.unit}: ${formatNumber(d.distributional)}` }),
        Plot.cell(selected, { x: 'unit', y: 'class', fill: null, stroke: '#111', strokeWidth: 1.5, inset: 0 }),
      ],
    },
    [input.note, labelled ? undefined : `${input.units.length} units: labels left out, hover a cell.`].filter(Boolean).join(' ') || undefined,
  );
}
