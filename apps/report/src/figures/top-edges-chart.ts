/**
 * The strongest edges of the cohort network, strongest on top: the median
 * relevance as a dot, the interquartile range over test instances as a
 * line, coloured by whether the edge is in the truth or the known edges.
 */
import * as Plot from '@observablehq/plot';
import type { CohortEdge } from '../run/table-rows.js';
import { emptyContent, plotContent, type FigureContent } from './figure-content.js';
import { edgeLabel, formatNumber } from './format.js';
import { EDGE_STATUS_RANGE, FIGURE_WIDTH, MUTED_COLOR, edgeStatus, edgeStatusScale, labelWidth } from './theme.js';

export interface TopEdgesInput {
  /** Already the top k, strongest first. */
  edges: readonly CohortEdge[];
}

interface EdgeBar {
  edge: string;
  relevance: number;
  q25: number | null;
  q75: number | null;
  status: string;
}

export function topEdgesChart(input: TopEdgesInput): FigureContent {
  if (input.edges.length === 0) return emptyContent('No edges match the filter.');
  const bars: EdgeBar[] = input.edges.map((e) => ({ edge: edgeLabel(e.source, e.target), relevance: e.relevance, q25: e.q25, q75: e.q75, status: edgeStatus(e) }));
  const status = edgeStatusScale(input.edges);
  const ranges = bars.filter((b) => b.q25 !== null && b.q75 !== null);
  return plotContent({
    width: FIGURE_WIDTH,
    height: 40 + 16 * bars.length + (status ? 30 : 0),
    marginLeft: labelWidth(bars.map((b) => b.edge)) + 12,
    marginRight: 16,
    x: { label: 'network score (line: IQR of the patients\' relevance) →', grid: true, zero: true },
    y: { domain: bars.map((b) => b.edge), label: null },
    color: status ? { ...status, legend: true } : { domain: ['other'], range: [EDGE_STATUS_RANGE[2]!] },
    marks: [
      Plot.ruleY(ranges, { y: 'edge', x1: 'q25', x2: 'q75', stroke: MUTED_COLOR, strokeWidth: 2 }),
      Plot.dot(bars, {
        y: 'edge',
        x: 'relevance',
        fill: 'status',
        r: 4.5,
        title: (d: EdgeBar) => `${d.edge}\nscore ${formatNumber(d.relevance)} (patients' relevance IQR ${formatNumber(d.q25)}–${formatNumber(d.q75)})\n${d.status}`,
      }),
    ],
  });
}
