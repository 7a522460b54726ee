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
import { nudgeApart } from '../analysis/label-nudge.js';

const SIZE = 440;
const MARGIN = 10;
const LABEL_FONT = 10;

interface PlacedLabel {
  node: NodePosition;
  x: number;
  y: number;
  anchor: 'start' | 'end';
}

/**
 * Labels beside their nodes, right half anchored at the start and left half at
 * the end, each half nudged apart vertically by a line height so no two
 * labels overlap (leader lines show where they moved).
 */
function placeLabels(nodes: readonly NodePosition[], pad: number): PlacedLabel[] {
  const unitsPerPixel = (2 * pad) / (SIZE - 2 * MARGIN);
  const gap = LABEL_FONT * 1.3 * unitsPerPixel;
  const out: PlacedLabel[] = [];
  for (const anchor of ['start', 'end'] as const) {
    const half = nodes.filter((n) => (anchor === 'start' ? n.x >= 0 : n.x < 0));
    const ys = nudgeApart(half.map((n) => n.y * 1.07), gap, -pad + gap / 2, pad - gap / 2);
    half.forEach((node, i) => out.push({ node, x: node.x * 1.07, y: ys[i]!, anchor }));
  }
  return out;
}

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
  const pad = 1 + (labelWidth(ids, LABEL_FONT) + 14) / 200;
  const labels = placeLabels(nodes, pad);
  const moved = labels.filter((l) => Math.abs(l.y - l.node.y * 1.07) > 1e-9);
  return plotContent({
    width: SIZE,
    height: SIZE,
    margin: MARGIN,
    x: { domain: [-pad, pad], axis: null },
    y: { domain: [-pad, pad], axis: null },
    color: status ? { ...status, legend: true } : { domain: ['other'], range: ['#4a6fa5'] },
    marks: [
      Plot.link(links, { x1: 'x1', y1: 'y1', x2: 'x2', y2: 'y2', stroke: 'status', strokeWidth: 'width', strokeOpacity: 0.75, title: 'title' }),
      Plot.dot(nodes, { x: 'x', y: 'y', r: 3.5, fill: '#333', title: 'id' }),
      // leader lines from a node to its label where the label had to move
      Plot.link(moved, { x1: (l: PlacedLabel) => l.node.x * 1.02, y1: (l: PlacedLabel) => l.node.y * 1.02, x2: 'x', y2: 'y', stroke: '#bbb', strokeWidth: 0.6 }),
      Plot.text(labels.filter((l) => l.anchor === 'start'), { x: 'x', y: 'y', text: (l: PlacedLabel) => l.node.id, textAnchor: 'start', lineAnchor: 'middle', fontSize: LABEL_FONT, dx: 2 }),
      Plot.text(labels.filter((l) => l.anchor === 'end'), { x: 'x', y: 'y', text: (l: PlacedLabel) => l.node.id, textAnchor: 'end', lineAnchor: 'middle', fontSize: LABEL_FONT, dx: -2 }),
    ],
  });
}
