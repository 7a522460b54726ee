/**
 * The questions the influence figures ask of the run's tables, answered in
 * Node over rows (node/memory-influence-data.ts) or in the browser with SQL
 * (viewer/sql-influence-data.ts). `units` arguments are null for "no filter".
 */
import type { OrientedInfluence } from '../figures/comparative-influence.js';
import type { UnitPair } from '../figures/influence-scatter.js';
import type { ClassInfluence, ConfusionCell, DatasetInfluence, Deviation, TrainingRow } from '../run/table-rows.js';

export interface InfluenceData {
  /** Class influence of the given units, every class. */
  classInfluence(units: readonly string[]): Promise<ClassInfluence[]>;
  /** The class's k units of largest |distributional| among `units`, strongest first (ties by unit). */
  classTopUnits(className: string, k: number, units: readonly string[] | null): Promise<ClassInfluence[]>;
  datasetInfluence(units: readonly string[]): Promise<DatasetInfluence[]>;
  /** Comparative influence oriented as chosen − other (rows stored the other way round are negated). */
  comparative(className: string, units: readonly string[]): Promise<OrientedInfluence[]>;
  /** Every instance's rank correlation with its class. */
  deviations(): Promise<Deviation[]>;
  /** The n most deviating instances (by deviation_rank, then rank correlation). */
  mostDeviating(n: number): Promise<Deviation[]>;
  /** The instance's influence per unit against its class's distributional influence. */
  instanceUnits(instance: string, units: readonly string[] | null): Promise<UnitPair[]>;
  confusion(): Promise<ConfusionCell[]>;
  training(): Promise<TrainingRow[]>;
}
