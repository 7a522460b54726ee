/**
 * The influence questions as SQL over the embedded tables in duckdb-wasm,
 * mirroring node/memory-influence-data.ts (same filters, same order).
 */
import type { AsyncDuckDBConnection } from '@duckdb/duckdb-wasm';
import type { OrientedInfluence } from '../figures/comparative-influence.js';
import type { UnitPair } from '../figures/influence-scatter.js';
import type { InfluenceData } from '../report/influence-data.js';
import type { ClassInfluence, ConfusionCell, DatasetInfluence, Deviation, TrainingRow } from '../run/table-rows.js';
import { inList, queryRows, sqlString } from './sql.js';

const unitFilter = (column: string, units: readonly string[] | null) => (units === null ? 'TRUE' : inList(column, units));

export function sqlInfluenceData(connection: AsyncDuckDBConnection): InfluenceData {
  const rows = <T>(sql: string) => queryRows<T>(connection, sql);
  let deviations: Promise<Deviation[]> | undefined;
  return {
    classInfluence: (units) => rows<ClassInfluence>(`SELECT * FROM class_influence WHERE ${inList('unit', units)} ORDER BY rowid`),
    classTopUnits: (className, k, units) =>
      rows<ClassInfluence>(
        `SELECT * FROM class_influence WHERE "class" = ${sqlString(className)} AND ${unitFilter('unit', units)}
         ORDER BY abs(distributional) DESC NULLS LAST, unit LIMIT ${Math.max(0, Math.floor(k))}`,
      ),
    datasetInfluence: (units) => rows<DatasetInfluence>(`SELECT * FROM dataset_influence WHERE ${inList('unit', units)} ORDER BY rowid`),
    comparative: (className, units) =>
      rows<OrientedInfluence>(
        `SELECT other, unit, influence FROM (
           SELECT 0 AS part, rowid AS r, class_b AS other, unit, influence FROM comparative_influence
           WHERE class_a = ${sqlString(className)} AND ${inList('unit', units)}
           UNION ALL
           SELECT 1, c.rowid, c.class_a, c.unit, -c.influence FROM comparative_influence c
           WHERE c.class_b = ${sqlString(className)} AND ${inList('c.unit', units)}
             AND NOT EXISTS (SELECT 1 FROM comparative_influence d WHERE d.class_a = c.class_b AND d.class_b = c.class_a AND d.unit = c.unit)
         ) ORDER BY part, r`,
      ),
    deviations: () => (deviations ??= rows<Deviation>('SELECT * FROM deviations ORDER BY rowid')),
    mostDeviating: (n) => rows<Deviation>(`SELECT * FROM deviations ORDER BY deviation_rank NULLS LAST, rank_correlation NULLS LAST, instance LIMIT ${Math.max(0, Math.floor(n))}`),
    instanceUnits: (instance, units) =>
      rows<UnitPair>(
        `SELECT i.unit, i.influence AS instance, c.distributional AS "class"
         FROM instance_influence i JOIN class_influence c ON c."class" = i."class" AND c.unit = i.unit
         WHERE i.instance = ${sqlString(instance)} AND ${unitFilter('i.unit', units)}
         ORDER BY i.rowid`,
      ),
    confusion: () => rows<ConfusionCell>('SELECT * FROM confusion ORDER BY rowid'),
    training: () => rows<TrainingRow>('SELECT * FROM training ORDER BY epoch NULLS LAST, rowid'),
  };
}
