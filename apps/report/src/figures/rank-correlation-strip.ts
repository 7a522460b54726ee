/**
 * How closely each instance follows its class (Spearman correlation of the
 * instance's and the class's influence), one tick per instance and a row per
 * class. Low values are the deviating instances; the chosen one is marked.
 */
import * as Plot from '@observablehq/plot';
import type { Deviation } from '../run/table-rows.js';
import { emptyContent, plotContent, type FigureContent } from './figure-content.js';
import { formatNumber } from './format.js';
import { CLASS_SCHEME, FIGURE_WIDTH, HIGHLIGHT_COLOR, labelWidth } from './theme.js';

export interface RankCorrelationInput {
  deviations: readonly Deviation[];
  classes: readonly string[];
  selected: string | null;
}

export function rankCorrelationStrip(input: RankCorrelationInput): FigureContent {
  const rows = input.deviations.filter((d) => d.rank_correlation !== null).map((d) => ({ ...d, class: d.class ?? 'no class' }));
  if (rows.length === 0) return emptyContent('No rank correlations in this run (deviations table is empty).');
  const classes = input.classes.length ? [...input.classes] : ['no class'];
  const chosen = rows.filter((d) => d.instance === input.selected);
  return plotContent({
    width: FIGURE_WIDTH,
    height: 60 + 44 * classes.length,
    marginLeft: labelWidth(classes) + 14,
    x: { label: 'rank correlation with the class →', domain: [Math.min(0, ...rows.map((r) => r.rank_correlation!)), 1], grid: true },
    y: { domain: classes, label: null },
    color: { domain: classes, scheme: CLASS_SCHEME },
    marks: [
      // the tip names the instance on hover, and lets the viewer know which tick was clicked
      Plot.tickX(rows, { x: 'rank_correlation', y: 'class', stroke: 'class', strokeOpacity: 0.7, strokeWidth: 1.5, channels: { instance: 'instance' }, tip: { format: { stroke: false, x: (v: number) => formatNumber(v, 2) } } }),
      Plot.dot(chosen, { x: 'rank_correlation', y: 'class', r: 6, fill: HIGHLIGHT_COLOR, stroke: 'white' }),
      Plot.text(chosen, { x: 'rank_correlation', y: 'class', text: 'instance', dy: -12, fontWeight: 'bold', fill: HIGHLIGHT_COLOR, stroke: 'white', strokeWidth: 3, paintOrder: 'stroke' }),
    ],
  });
}
