/**
 * Row shapes of the run-folder tables (docs/RUN-FOLDERS.md). Figures take
 * arrays of these plain objects, whether they were read from the Arrow files
 * in Node or returned by a duckdb-wasm query in the browser. Identifier
 * columns are always strings, numbers are numbers, missing values are null.
 */

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

/** A pair's relevance over instances: the score and its spread (the columns edges_cohort and edges_class share). */
export interface EdgeSpread {
  source: string;
  target: string;
  relevance: number;
  median: number | null;
  q25: number | null;
  q75: number | null;
  mean: number | null;
}

export interface CohortEdge extends EdgeSpread {
  kw_h: number | null;
  kw_p: number | null;
  kw_q: number | null;
  truth: boolean | null;
  known: boolean | null;
  /** The pair's lowest and highest rank over the --replicates predictors alone (one predictor: its rank; null in older runs). */
  replicate_rank_min: number | null;
  replicate_rank_max: number | null;
}

export interface ClassEdge extends EdgeSpread {
  class: string;
  instances: number | null;
}

export interface InstanceEdge {
  instance: string;
  class: string | null;
  source: string;
  target: string;
  relevance: number;
  relevance_st: number | null;
  relevance_ts: number | null;
}

export interface InstanceRow {
  instance: string;
  class: string | null;
  split: string | null;
  test_mse_hidden: number | null;
  prediction_correlation: number | null;
  auroc: number | null;
  tsne_x: number | null;
  tsne_y: number | null;
}

export interface TrainingRow {
  epoch: number;
  train_loss: number | null;
  val_loss: number | null;
  lr: number | null;
}

export interface CurvePoint {
  method: string;
  kind: string;
  scope: string;
  x: number;
  y: number;
}

export interface ProteinRow {
  protein: string;
  index: number | null;
  missing: number | null;
  mean: number | null;
  sd: number | null;
  dropped: boolean | null;
}

export interface InstanceInfluence {
  instance: string;
  class: string | null;
  predicted: string | null;
  unit: string;
  influence: number;
  attribution: number | null;
}

export interface ClassInfluence {
  class: string;
  unit: string;
  distributional: number;
  mean_attribution: number | null;
  rank: number | null;
}

export interface ComparativeInfluence {
  class_a: string;
  class_b: string;
  unit: string;
  influence: number;
}

export interface DatasetInfluence {
  unit: string;
  distributional: number;
  mean_attribution: number | null;
}

export interface Deviation {
  instance: string;
  class: string | null;
  rank_correlation: number | null;
  deviation_rank: number | null;
  instance_only_units: string | null;
  class_only_units: string | null;
}

export interface ConfusionCell {
  true_class: string;
  predicted_class: string;
  count: number;
}
