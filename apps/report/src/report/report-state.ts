/**
 * Everything the page knows besides the tables: computed once in Node
 * (clustering, defaults, limits), embedded as JSON, read by the viewer.
 */
import type { Study } from '../run/study.js';
import type { Selection } from './selection.js';

export interface InstanceChoice {
  id: string;
  class: string | null;
  /** Predicted class (influence runs). */
  predicted?: string | null;
}

export interface EmbeddedTableInfo {
  name: string;
  /** Rows in the run folder. */
  rows: number;
  /** Rows embedded in the page. */
  embeddedRows: number;
  /** How the embedded rows were chosen, when not all are there. */
  rule?: string;
}

export interface ReportState {
  study: Study;
  classes: string[];
  instances: InstanceChoice[];
  /** Proteomics: the curve scopes; influence: empty. */
  scopes: string[];
  /** All proteins (proteomics) or units (influence) in the shared clustered order. */
  order: string[];
  /** The names shown in heatmaps when the filter is empty (a subset of `order`, in that order). */
  defaultShown: string[];
  /** Most names a heatmap shows for a filter. */
  maxShown: number;
  /** Upper end of the shared relevance colour scale (proteomics). */
  colorMax: number;
  /** Edges per instance held in the page (proteomics), or null when all are. */
  instanceTopK: number | null;
  /** Fraction of true pairs among all pairs, for the PR chance line (proteomics), or null. */
  prevalence: number | null;
  kMax: number;
  defaults: Selection;
  tables: EmbeddedTableInfo[];
}
