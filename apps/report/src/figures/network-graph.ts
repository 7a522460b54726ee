/**
 * The top-k edges as a node-link diagram on a circle. Nodes follow the
 * clustered protein order, so clusters in the heatmap are arcs here; line
 * width follows relevance, colour the edge's truth/known status.
 */
import * as Plot from '@observablehq/plot';
import { circularLayout, type NodePosition } from '../analysis/circular-layout.js';
import type { CohortEdge } from '../run/table-rows.js';
import { emptyContent, plotContent, type FigureContent } from './figure-content.js';
import { edgeLabel, formatNumber } from './format.js';
import { edgeStatus, edgeStatusScale, labelWidth } from './theme.js';

export interface NetworkGraphInput {
  /** The edges to draw (the top k). */
  edges: readonly CohortEdge[];
  /** The clustered protein order; nodes are placed in this order. */
  order: readonly string[];
}

interface Link {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  width: number;
  status: string;
  title: string;
}

export function networkGraph(input: NetworkGraphInput): FigureContent {
  if (input.edges.length === 0) return emptyContent('No edges match the filter.');
  const used = new Set(input.edges.flatMap((e) => [e.source, e.target]));
  const ids = [...input.order.filter((p) => used.has(p)), ...[...used].filter((p) => !input.order.includes(p)).sort()];
  const nodes = circularLayout(ids);
  const at = new Map(nodes.map((n) => [n.id, n]));
  const max = Math.max(...input.edges.map((e) => e.relevance), 0);
  // strongest last, so they are drawn on top
  const links: Link[] = [...input.edges].reverse().map((e) => {
    const a = at.get(e.source)!;
    const b = at.get(e.target)!;
    return {
      x1: a.x,
      y1: a.y,
      x2: b.x,
      y2: b.y,
      width: max > 0 ? 0.8 + 4.2 * (e.relevance / max) : 1,
      status: edgeStatus(e),
      title: `${edgeLabel(e.source, e.target)}: ${formatNumber(e.relevance)}`,
    };
  });
  const status = edgeStatusScale(input.edges);
  const pad = 1 + (labelWidth(ids) + 14) / 200;
  const side = (anchor: 'start' | 'end' | 'middle') => (n: NodePosition) => (anchor === 'start' ? n.x > 0.05 : anchor === 'end' ? n.x < -0.05 : Math.abs(n.x) <= 0.05);
  const labels = (anchor: 'start' | 'end' | 'middle') =>
    Plot.text(nodes.filter(side(anchor)), {
      x: (n: NodePosition) => n.x * 1.07,
      y: (n: NodePosition) => n.y * 1.07,
      text: 'id',
      textAnchor: anchor,
      lineAnchor: 'middle',
      fontSize: 10,
    });
  return plotContent({
    width: 440,
    height: 440,
    margin: 10,
    x: { domain: [-pad, pad], axis: null },
    y: { domain: [-pad, pad], axis: null },
    color: status ? { ...status, legend: true } : { domain: ['other'], range: ['#4a6fa5'] },
    marks: [
      Plot.link(links, { x1: 'x1', y1: 'y1', x2: 'x2', y2: 'y2', stroke: 'status', strokeWidth: 'width', strokeOpacity: 0.75, title: 'title' }),
      Plot.dot(nodes, { x: 'x', y: 'y', r: 3.5, fill: '#333', title: 'id' }),
      labels('start'),
      labels('end'),
      labels('middle'),
    ],
  });
}
