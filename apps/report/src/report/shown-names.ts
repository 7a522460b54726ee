/** Which proteins (or units) a heatmap shows for the current filter. */
import { filterNames } from '../analysis/protein-filter.js';
import type { ReportState } from './report-state.js';

export interface ShownNames {
  names: string[];
  /** How many matched before the cap. */
  matched: number;
}

export function shownNames(state: Pick<ReportState, 'order' | 'defaultShown' | 'maxShown'>, filter: string): ShownNames {
  if (filter.trim() === '') return { names: state.defaultShown, matched: state.defaultShown.length };
  const matched = filterNames(state.order, filter);
  return { names: matched.slice(0, state.maxShown), matched: matched.length };
}

/** The names matching the filter, or null for "no filter" (so queries can skip the condition). */
export function filterSet(order: readonly string[], filter: string): string[] | null {
  return filter.trim() === '' ? null : filterNames(order, filter);
}

/**
 * The note under a capped heatmap: without a filter, that only the top `names.length`
 * of `total` are shown (`top` says top by what, e.g. "most influential units");
 * with one, how many matched when the cap cut them (`noun`: units, proteins).
 */
export function shownNote(shown: ShownNames, filter: string, total: number, noun: string, top: string): string | undefined {
  if (filter.trim() === '') return shown.names.length < total ? `Showing the ${shown.names.length} ${top} of ${total}; use the filter to pick others.` : undefined;
  return shown.matched > shown.names.length ? `${shown.matched} ${noun} match the filter; showing the first ${shown.names.length}.` : undefined;
}
