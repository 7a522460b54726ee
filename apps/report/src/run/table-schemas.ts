/**
 * The documented columns of every table (docs/RUN-FOLDERS.md) with the kind
 * the report reads them as. A table missing from the run folder becomes an
 * empty table with these columns, and a documented column missing from a
 * table becomes a column of nulls, so every figure and every SQL query in
 * the viewer can rely on the same schema.
 */
import type { ColumnKind, RunColumn } from './run-table.js';

const n = 'number' as const;
const b = 'boolean' as const;
const s = 'string' as const;

const SCHEMAS: Record<string, Record<string, ColumnKind>> = {
  edges_cohort: { source: s, target: s, relevance: n, median: n, q25: n, q75: n, mean: n, partial_correlation: n, kw_h: n, kw_p: n, kw_q: n, truth: b, known: b },
  edges_class: { class: s, source: s, target: s, relevance: n, median: n, q25: n, q75: n, mean: n, instances: n },
  edges_instance: { instance: s, class: s, source: s, target: s, relevance: n, relevance_st: n, relevance_ts: n },
  baselines: { method: s, scope: s, source: s, target: s, score: n },
  instances: { instance: s, class: s, split: s, test_mse_hidden: n, prediction_correlation: n, auroc: n, tsne_x: n, tsne_y: n },
  training: { epoch: n, train_loss: n, val_loss: n, lr: n },
  curves: { method: s, kind: s, scope: s, x: n, y: n },
  proteins: { protein: s, index: n, missing: n, mean: n, sd: n, dropped: b },
  instance_influence: { instance: s, class: s, predicted: s, unit: s, influence: n, attribution: n },
  class_influence: { class: s, unit: s, distributional: n, mean_attribution: n, rank: n },
  comparative_influence: { class_a: s, class_b: s, unit: s, influence: n },
  dataset_influence: { unit: s, distributional: n, mean_attribution: n },
  deviations: { instance: s, class: s, rank_correlation: n, deviation_rank: n, instance_only_units: s, class_only_units: s },
  confusion: { true_class: s, predicted_class: s, count: n },
};

export function documentedColumns(table: string): RunColumn[] {
  const schema = SCHEMAS[table];
  if (!schema) throw new Error(`no documented schema for table '${table}'`);
  return Object.entries(schema).map(([name, kind]) => ({ name, kind }));
}
