/**
 * One instance's network against its class network: a dot per edge, the
 * class median relevance across, the instance's relevance up. Edges above
 * the diagonal are stronger in this instance than in its class; the most
 * deviating ones are labelled. The subtitle gives the rank correlation.
 */
import * as Plot from '@observablehq/plot';
import { spearman } from '../analysis/rank-correlation.js';
import { emptyContent, plotContent, type FigureContent } from './figure-content.js';
import { edgeLabel, formatNumber } from './format.js';
import { FIGURE_WIDTH, HIGHLIGHT_COLOR, labelWidth } from './theme.js';
import { nudgeApart } from '../analysis/label-nudge.js';

export interface EdgePair {
  source: string;
  target: string;
  /** The instance's (symmetrised) relevance. */
  instance: number;
  /** The class median; null when the class network lacks the edge. */
  class: number | null;
}

export interface InstanceComparisonInput {
  instance: string;
  className: string | null;
  points: readonly EdgePair[];
  /** How many edges per instance the page holds (for the note), or null when all. */
  instanceTopK: number | null;
}

interface Point {
  edge: string;
  instance: number;
  class: number;
  side: string;
}

const LABELLED = 6;
const HEIGHT = 420;
const MARGIN_TOP = 30;
const MARGIN_BOTTOM = 36;
const LABEL_FONT = 9.5;

export function instanceComparison(input: InstanceComparisonInput): FigureContent {
  if (input.className === null) return emptyContent('This run has no classes, so there is no class network to compare with.');
  const points: Point[] = input.points
    .filter((p): p is EdgePair & { class: number } => p.class !== null && Number.isFinite(p.class) && Number.isFinite(p.instance))
    .map((p) => ({ edge: edgeLabel(p.source, p.target), instance: p.instance, class: p.class, side: p.instance >= p.class ? 'stronger in the instance' : 'weaker in the instance' }));
  if (points.length === 0) return emptyContent(`No edges of instance ${input.instance} match the filter.`);
  const rho = spearman(
    points.map((p) => p.class),
    points.map((p) => p.instance),
  );
  const top = Math.max(...points.map((p) => Math.max(p.instance, p.class)), 0) || 1;
  const labelled = [...points].sort((a, b) => Math.abs(b.instance - b.class) - Math.abs(a.instance - a.class) || (a.edge < b.edge ? -1 : 1)).slice(0, LABELLED);
  const note = input.instanceTopK === null ? undefined : `Edges: the instance's ${input.instanceTopK} strongest pairs (the page holds only these per instance).`;
  // the most deviating edges are named in the right margin, nudged apart, with leader lines to their dots
  const domainTop = top * 1.05;
  const plotHeight = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM;
  const gap = (LABEL_FONT * 1.35 * domainTop) / plotHeight;
  const ys = nudgeApart(labelled.map((p) => p.instance), gap, gap / 2, domainTop - gap / 2);
  const tags = labelled.map((p, i) => ({ ...p, labelY: ys[i]! }));
  const marginRight = labelWidth(labelled.map((p) => p.edge), LABEL_FONT) + 14;
  return plotContent(
    {
      width: FIGURE_WIDTH,
      height: HEIGHT,
      marginLeft: 56,
      marginTop: MARGIN_TOP,
      marginBottom: MARGIN_BOTTOM,
      marginRight,
      subtitle: `Instance ${input.instance} (class ${input.className}), ${points.length} edges, Spearman ρ = ${formatNumber(rho, 2)}`,
      x: { domain: [0, top * 1.05], label: `relevance in class ${input.className} (median) →`, grid: true },
      y: { domain: [0, top * 1.05], label: `↑ relevance in instance ${input.instance}`, grid: true },
      color: { domain: ['stronger in the instance', 'weaker in the instance'], range: [HIGHLIGHT_COLOR, '#4a6fa5'], legend: true },
      marks: [
        Plot.line(
          [
            [0, 0],
            [top * 1.05, top * 1.05],
          ],
          { stroke: '#999', strokeDasharray: '4 3' },
        ),
        Plot.dot(points, {
          x: 'class',
          y: 'instance',
          fill: 'side',
          fillOpacity: 0.75,
          r: 3.5,
          title: (d: Point) => `${d.edge}\ninstance ${formatNumber(d.instance)}, class ${formatNumber(d.class)}`,
        }),
        Plot.link(tags, { x1: 'class', y1: 'instance', x2: () => domainTop, y2: 'labelY', stroke: '#aaa', strokeWidth: 0.7 }),
        Plot.text(tags, { x: () => domainTop, y: 'labelY', text: 'edge', dx: 6, textAnchor: 'start', lineAnchor: 'middle', fontSize: LABEL_FONT, fill: '#222' }),
      ],
    },
    note,
  );
}
