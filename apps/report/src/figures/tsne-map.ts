/**
 * t-SNE of the instance networks (test rows), coloured by class: instances
 * whose networks look alike sit together. The chosen instance is ringed.
 */
import * as Plot from '@observablehq/plot';
import type { InstanceRow } from '../run/table-rows.js';
import { emptyContent, plotContent, type FigureContent } from './figure-content.js';
import { CLASS_SCHEME, FIGURE_WIDTH } from './theme.js';

export interface TsneInput {
  instances: readonly InstanceRow[];
  /** Every class, in the report's order, so colours match across figures. */
  classes: readonly string[];
  selected: string | null;
}

interface MapPoint {
  instance: string;
  class: string;
  x: number;
  y: number;
}

export function tsneMap(input: TsneInput): FigureContent {
  const points: MapPoint[] = input.instances
    .filter((r) => r.tsne_x !== null && r.tsne_y !== null)
    .map((r) => ({ instance: r.instance, class: r.class ?? 'no class', x: r.tsne_x!, y: r.tsne_y! }));
  if (points.length === 0) return emptyContent('This run has no t-SNE coordinates (instances.tsne_x / tsne_y are empty).');
  const chosen = points.filter((p) => p.instance === input.selected);
  const classes = input.classes.length ? [...input.classes] : ['no class'];
  return plotContent({
    width: FIGURE_WIDTH,
    height: 420,
    x: { label: 't-SNE 1', ticks: [], tickSize: 0 },
    y: { label: 't-SNE 2', ticks: [], tickSize: 0 },
    color: { domain: classes, scheme: CLASS_SCHEME, legend: true },
    marks: [
      Plot.frame({ stroke: '#ddd' }),
      // the tip shows the instance on hover, and lets the viewer know which dot was clicked
      Plot.dot(points, { x: 'x', y: 'y', fill: 'class', r: 4.5, fillOpacity: 0.85, stroke: 'white', strokeWidth: 0.5, channels: { instance: 'instance' }, tip: { format: { x: false, y: false } } }),
      Plot.dot(chosen, { x: 'x', y: 'y', r: 9, stroke: '#111', strokeWidth: 2 }),
      Plot.text(chosen, { x: 'x', y: 'y', text: 'instance', dy: -15, fontWeight: 'bold', stroke: 'white', strokeWidth: 3, fill: '#111', paintOrder: 'stroke' }),
    ],
  });
}
