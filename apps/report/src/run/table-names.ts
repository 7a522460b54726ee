/**
 * Which tables the report reads for each study, which of them it cannot do
 * without, and which columns hold identifiers. The proteomics `baselines`
 * table is not read: the baselines appear through `curves` and metrics.json.
 * Identifier columns are read as strings everywhere (an instance id stored as
 * a number 7 becomes '7'), so Node and SQL agree.
 */
import { REPORT_TABLES } from '@relevance/pipelines';
import type { Study } from './study.js';

/** From the run-format module: the tables that get an Arrow copy are exactly these. */
export const PROTEOMICS_TABLES = REPORT_TABLES.proteomics;
export const INFLUENCE_TABLES = REPORT_TABLES.influence;

/** Without these the report has nothing to show. */
export const REQUIRED_TABLES: Record<Study, readonly string[]> = {
  proteomics: ['edges_cohort'],
  influence: ['class_influence'],
};

export const IDENTIFIER_COLUMNS: ReadonlySet<string> = new Set([
  'source',
  'target',
  'class',
  'instance',
  'protein',
  'unit',
  'predicted',
  'class_a',
  'class_b',
  'true_class',
  'predicted_class',
  'method',
  'scope',
  'kind',
  'split',
]);

export function tablesOf(study: Study): readonly string[] {
  return study === 'proteomics' ? PROTEOMICS_TABLES : INFLUENCE_TABLES;
}
