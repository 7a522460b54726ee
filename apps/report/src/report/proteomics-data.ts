/**
 * The questions the proteomics figures ask of the run's tables. Node answers
 * them over the rows it read (node/memory-proteomics-data.ts), the viewer
 * with SQL in duckdb-wasm (viewer/sql-proteomics-data.ts); the figures are
 * built from the answers by the same code either way.
 * `proteins` arguments are null for "no filter".
 */
import type { WeightedEdge } from '../analysis/protein-order.js';
import type { EdgePair } from '../figures/instance-comparison.js';
import type { CohortEdge, CurvePoint, InstanceRow, TrainingRow } from '../run/table-rows.js';

export interface ProteomicsData {
  /** Cohort edges with both ends among `proteins`. */
  cohortEdges(proteins: readonly string[]): Promise<WeightedEdge[]>;
  /** The class's edges with both ends among `proteins`. */
  classEdges(className: string, proteins: readonly string[]): Promise<WeightedEdge[]>;
  /** The k strongest cohort edges touching a protein in `proteins`, strongest first (ties by source, target). */
  topEdges(k: number, proteins: readonly string[] | null): Promise<CohortEdge[]>;
  /** The instance's edges touching `proteins`, each with its class median. */
  instanceEdges(instance: string, proteins: readonly string[] | null): Promise<EdgePair[]>;
  /** Test instances with t-SNE coordinates, in table order. */
  tsneInstances(): Promise<InstanceRow[]>;
  /** One kind and scope of curves, in table order. */
  curves(kind: 'roc' | 'pr', scope: string): Promise<CurvePoint[]>;
  /** The training history by epoch. */
  training(): Promise<TrainingRow[]>;
}
