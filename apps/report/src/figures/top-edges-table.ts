/** The top edges as a table: scores, spread, Kruskal–Wallis q-value across classes, truth and known flags. */
import type { CohortEdge } from '../run/table-rows.js';
import { emptyContent, tableContent, type FigureContent } from './figure-content.js';
import { cellNumber, cellP, cellYesNo, edgeLabel, formatNumber } from './format.js';
import type { TableSpec } from './table-spec.js';

export function topEdgesTable(edges: readonly CohortEdge[]): FigureContent {
  if (edges.length === 0) return emptyContent('No edges match the filter.');
  const hasTruth = edges.some((e) => e.truth !== null);
  const hasKnown = edges.some((e) => e.known !== null);
  const hasKw = edges.some((e) => e.kw_q !== null);
  // with --replicates, ranks differ between the predictors for some pair; with one predictor they are the rank itself
  const replicated = edges.some((e) => e.replicate_rank_min != null && e.replicate_rank_max != null && e.replicate_rank_min !== e.replicate_rank_max);
  const spec: TableSpec = {
    className: 'compact',
    columns: [
      { key: 'rank', label: '#', align: 'right' },
      { key: 'edge', label: 'edge' },
      { key: 'relevance', label: 'score', align: 'right', format: cellNumber, title: 'network score: sqrt(mean × median) of the patients\' relevance × |partial correlation|^(1/4) (docs/BENCHMARKS.md)' },
      { key: 'iqr', label: 'IQR', align: 'right' },
      { key: 'mean', label: 'mean', align: 'right', format: cellNumber },
      ...(hasKw
        ? [
            { key: 'kw_h', label: 'KW H', align: 'right' as const, format: cellNumber, title: 'Kruskal–Wallis statistic across classes' },
            { key: 'kw_q', label: 'KW q', align: 'right' as const, format: cellP, title: 'Benjamini–Hochberg q-value of the Kruskal–Wallis test' },
          ]
        : []),
      ...(replicated ? [{ key: 'seeds', label: 'rank by seed', align: 'right' as const, title: 'lowest–highest rank of the pair over the --replicates predictors, each alone' }] : []),
      ...(hasTruth ? [{ key: 'truth', label: 'truth', format: cellYesNo }] : []),
      ...(hasKnown ? [{ key: 'known', label: 'known', format: cellYesNo }] : []),
    ],
    rows: edges.map((e, i) => ({
      rank: i + 1,
      edge: edgeLabel(e.source, e.target),
      relevance: e.relevance,
      iqr: e.q25 === null || e.q75 === null ? null : `${formatNumber(e.q25)}–${formatNumber(e.q75)}`,
      mean: e.mean,
      kw_h: e.kw_h,
      kw_q: e.kw_q,
      seeds: e.replicate_rank_min == null || e.replicate_rank_max == null ? null : `${e.replicate_rank_min}–${e.replicate_rank_max}`,
      truth: e.truth,
      known: e.known,
    })),
  };
  return tableContent(spec);
}
