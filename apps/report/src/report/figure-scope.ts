/** What every report's figure builder starts from, for one selection. */
import type { FigureContent } from '../figures/figure-content.js';
import type { ReportState } from './report-state.js';
import type { Selection } from './selection.js';
import { filterSet, shownNames, type ShownNames } from './shown-names.js';

export interface FigureScope {
  /** Whether figure `id` is to be built (`ids` absent: every figure). */
  want: (id: string) => boolean;
  /** The figures built, by id. */
  out: Record<string, FigureContent>;
  /** The names the capped heatmaps show for the filter. */
  shown: ShownNames;
  /** The names matching the filter, or null without one. */
  filter: string[] | null;
}

export function figureScope(state: ReportState, selection: Selection, ids?: ReadonlySet<string>): FigureScope {
  return {
    want: (id) => !ids || ids.has(id),
    out: {},
    shown: shownNames(state, selection.filter),
    filter: filterSet(state.order, selection.filter),
  };
}
