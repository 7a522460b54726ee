/**
 * A network as a heatmap: proteins on both axes in the shared clustered
 * order, each cell the (symmetric) relevance of the pair. The colour domain
 * is passed in, so the cohort and every class heatmap use the same scale and
 * can be compared cell by cell.
 */
import * as Plot from '@observablehq/plot';
import type { WeightedEdge } from '../analysis/protein-order.js';
import { emptyContent, plotContent, type FigureContent } from './figure-content.js';
import { formatNumber } from './format.js';
import { FONT_SIZE, RELEVANCE_SCHEME, labelWidth } from './theme.js';

export interface NetworkHeatmapInput {
  edges: readonly WeightedEdge[];
  /** The proteins to show, in display order. */
  proteins: readonly string[];
  /** Upper end of the colour scale, shared between heatmaps. */
  colorMax: number;
  /** Legend label, e.g. "median relevance". */
  label: string;
  note?: string;
}

/** Below this cell size (px) tick labels would overlap (a label's box is about 1.25 x its font size); they are left out. */
const MIN_LABELLED_CELL = 10;
/** The matrix's side at most (px): heatmaps span the page, so 60 proteins get 15 px rows and 11 px labels. */
const MAX_SIDE = 900;

export interface HeatmapCell {
  row: string;
  column: string;
  relevance: number;
}

/** Both triangles of the symmetric matrix, restricted to the shown proteins. */
export function heatmapCells(edges: readonly WeightedEdge[], proteins: readonly string[]): HeatmapCell[] {
  const shown = new Set(proteins);
  const cells: HeatmapCell[] = [];
  for (const e of edges) {
    if (!shown.has(e.source) || !shown.has(e.target) || e.source === e.target || !Number.isFinite(e.relevance)) continue;
    cells.push({ row: e.source, column: e.target, relevance: e.relevance });
    cells.push({ row: e.target, column: e.source, relevance: e.relevance });
  }
  return cells;
}

export function networkHeatmap(input: NetworkHeatmapInput): FigureContent {
  const { proteins } = input;
  if (proteins.length < 2) return emptyContent(proteins.length === 0 ? 'No proteins match the filter.' : 'Only one protein matches the filter; a network needs two.');
  const cells = heatmapCells(input.edges, proteins);
  if (cells.length === 0) return emptyContent('No edges between the shown proteins in this network.');
  const cell = Math.max(3, Math.min(24, Math.floor(MAX_SIDE / proteins.length)));
  const labelled = cell >= MIN_LABELLED_CELL;
  // labels shrink with the cells, so neighbouring rows' label boxes never overlap
  const fontSize = Math.max(7, Math.min(FONT_SIZE, Math.floor((cell - 1) / 1.25)));
  const labelSpace = labelled ? labelWidth(proteins, fontSize) + 10 : 12;
  const side = cell * proteins.length;
  const notes = [input.note, labelled ? undefined : `${proteins.length} proteins: labels left out, hover a cell for its pair, or type names in the protein filter to zoom in.`].filter(Boolean);
  return plotContent(
    {
      width: labelSpace + side + 12,
      height: labelSpace + side + 6,
      marginLeft: labelSpace,
      marginBottom: labelSpace,
      marginTop: 6,
      marginRight: 12,
      style: { fontSize: `${fontSize}px` },
      x: { domain: [...proteins], label: null, tickRotate: -90, tickSize: 0, axis: labelled ? 'bottom' : null },
      y: { domain: [...proteins], label: null, tickSize: 0, axis: labelled ? 'left' : null },
      color: { type: 'linear', domain: [0, input.colorMax > 0 ? input.colorMax : 1], scheme: RELEVANCE_SCHEME, clamp: true, legend: true, label: input.label },
      marks: [
        Plot.frame({ fill: '#f4f4f4', stroke: null }),
        Plot.cell(cells, {
          x: 'column',
          y: 'row',
          fill: 'relevance',
          title: (d: HeatmapCell) => `${d.row} – ${d.column}: ${formatNumber(d.relevance)}`,
        }),
      ],
    },
    notes.length ? notes.join(' ') : undefined,
  );
}
