/**
 * Shared visual choices, so every figure reads the same way: one sequential
 * scheme for relevance (non-negative), one diverging scheme for signed
 * influence (red positive, blue negative, as in LRP heatmaps), one palette for
 * classes, and sizes that fit the report's two-column grid.
 */

export const RELEVANCE_SCHEME = 'ylgnbu';
export const DIVERGING_SCHEME = 'rdbu';
export const CLASS_SCHEME = 'tableau10';
/** The method of interest stands out from its baselines. */
export const LRP_COLOR = '#d62728';
export const HIGHLIGHT_COLOR = '#d62728';
export const MUTED_COLOR = '#8c8c8c';
export const FIGURE_WIDTH = 560;
/** Figures that span both columns. */
export const WIDE_FIGURE_WIDTH = 1120;
export const FONT_SIZE = 11;

/** Approximate rendered width of a label at the figure font (Plot's axes do not measure text). */
export function labelWidth(labels: readonly string[], fontSize = FONT_SIZE): number {
  let longest = 0;
  for (const l of labels) longest = Math.max(longest, l.length);
  // 0.7 em per character covers capitals and digits in the usual sans-serif fonts
  return Math.ceil(longest * fontSize * 0.7);
}

/** The status of an edge against the truth and the known edges, for colour. */
export type EdgeStatus = 'true edge' | 'known edge' | 'other';
export const EDGE_STATUS_DOMAIN: EdgeStatus[] = ['true edge', 'known edge', 'other'];
export const EDGE_STATUS_RANGE = ['#1b9e77', '#7570b3', '#9a9a9a'];

/**
 * The status colours for a set of edges: 'true edge' only when the run had a
 * truth, 'known edge' only with known edges; null when it had neither.
 */
export function edgeStatusScale(edges: readonly { truth: boolean | null; known: boolean | null }[]): { domain: EdgeStatus[]; range: string[] } | null {
  const truth = edges.some((e) => e.truth !== null);
  const known = edges.some((e) => e.known !== null);
  if (!truth && !known) return null;
  const keep = EDGE_STATUS_DOMAIN.map((s, i) => ({ s, c: EDGE_STATUS_RANGE[i]! })).filter(({ s }) => s === 'other' || (s === 'true edge' ? truth : known));
  return { domain: keep.map((k) => k.s), range: keep.map((k) => k.c) };
}

export function edgeStatus(edge: { truth: boolean | null; known: boolean | null }): EdgeStatus {
  if (edge.truth) return 'true edge';
  if (edge.known) return 'known edge';
  return 'other';
}
