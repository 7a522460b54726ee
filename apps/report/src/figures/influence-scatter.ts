/**
 * One instance's influence against its class's: a dot per unit, the class's
 * distributional influence across, the instance's influence up. A high rank
 * correlation means the instance is explained like its class; the units
 * furthest from the trend are labelled.
 */
import * as Plot from '@observablehq/plot';
import { emptyContent, plotContent, type FigureContent } from './figure-content.js';
import { formatNumber } from './format.js';
import { FIGURE_WIDTH, HIGHLIGHT_COLOR } from './theme.js';

export interface UnitPair {
  unit: string;
  instance: number;
  class: number;
}

export interface InfluenceScatterInput {
  instance: string;
  className: string | null;
  predicted: string | null;
  rankCorrelation: number | null;
  points: readonly UnitPair[];
}

const LABELLED = 6;

export function influenceScatter(input: InfluenceScatterInput): FigureContent {
  if (input.className === null) return emptyContent(`Instance ${input.instance} has no class.`);
  const points = input.points.filter((p) => Number.isFinite(p.instance) && Number.isFinite(p.class));
  if (points.length === 0) return emptyContent(`No units of instance ${input.instance} match the filter.`);
  // label the units whose scaled influences differ most (scales differ between an instance and a class mean)
  const sx = Math.max(...points.map((p) => Math.abs(p.class))) || 1;
  const sy = Math.max(...points.map((p) => Math.abs(p.instance))) || 1;
  const labelled = [...points].sort((a, b) => Math.abs(b.instance / sy - b.class / sx) - Math.abs(a.instance / sy - a.class / sx) || (a.unit < b.unit ? -1 : 1)).slice(0, LABELLED);
  const predicted = input.predicted !== null && input.predicted !== input.className ? `, predicted ${input.predicted}` : '';
  return plotContent({
    width: FIGURE_WIDTH,
    height: 400,
    marginLeft: 60,
    subtitle: `Instance ${input.instance} (class ${input.className}${predicted}), rank correlation ${formatNumber(input.rankCorrelation, 2)}`,
    x: { label: `class ${input.className}: distributional influence →`, grid: true },
    y: { label: `↑ instance ${input.instance}: influence`, grid: true },
    marks: [
      Plot.ruleX([0], { stroke: '#bbb' }),
      Plot.ruleY([0], { stroke: '#bbb' }),
      Plot.dot(points, { x: 'class', y: 'instance', r: 3.5, fill: '#4a6fa5', fillOpacity: 0.75, title: (d: UnitPair) => `${d.unit}\ninstance ${formatNumber(d.instance)}, class ${formatNumber(d.class)}` }),
      Plot.dot(labelled, { x: 'class', y: 'instance', r: 4.5, stroke: HIGHLIGHT_COLOR, strokeWidth: 1.5 }),
      Plot.text(labelled, { x: 'class', y: 'instance', text: 'unit', dy: -9, fontSize: 9.5, stroke: 'white', strokeWidth: 3, fill: '#222', paintOrder: 'stroke' }),
    ],
  });
}
