/**
 * The proteomics questions as SQL over the embedded tables in duckdb-wasm.
 * Each query mirrors node/memory-proteomics-data.ts (same filters, same
 * order), so the browser redraws what Node drew for the same choices.
 */
import type { AsyncDuckDBConnection } from '@duckdb/duckdb-wasm';
import type { WeightedEdge } from '../analysis/protein-order.js';
import type { EdgePair } from '../figures/instance-comparison.js';
import type { ProteomicsData } from '../report/proteomics-data.js';
import type { CohortEdge, CurvePoint, InstanceRow, TrainingRow } from '../run/table-rows.js';
import { inList, queryRows, sqlString } from './sql.js';

const touching = (alias: string, proteins: readonly string[] | null) => (proteins === null ? 'TRUE' : `(${inList(`${alias}.source`, proteins)} OR ${inList(`${alias}.target`, proteins)})`);
const within = (proteins: readonly string[]) => `${inList('source', proteins)} AND ${inList('target', proteins)}`;

export function sqlProteomicsData(connection: AsyncDuckDBConnection): ProteomicsData {
  const rows = <T>(sql: string) => queryRows<T>(connection, sql);
  return {
    cohortEdges: (proteins) => rows<WeightedEdge>(`SELECT source, target, relevance FROM edges_cohort WHERE ${within(proteins)}`),
    classEdges: (className, proteins) => rows<WeightedEdge>(`SELECT source, target, relevance FROM edges_class WHERE "class" = ${sqlString(className)} AND ${within(proteins)}`),
    topEdges: (k, proteins) =>
      rows<CohortEdge>(`SELECT * FROM edges_cohort e WHERE ${touching('e', proteins)} ORDER BY relevance DESC NULLS LAST, source, target LIMIT ${Math.max(0, Math.floor(k))}`),
    instanceEdges: (instance, proteins) =>
      rows<EdgePair>(
        `SELECT i.source, i.target, i.relevance AS instance, c.median AS "class"
         FROM edges_instance i LEFT JOIN edges_class c ON c."class" = i."class" AND c.source = i.source AND c.target = i.target
         WHERE i.instance = ${sqlString(instance)} AND ${touching('i', proteins)}
         ORDER BY i.relevance DESC NULLS LAST, i.source, i.target`,
      ),
    tsneInstances: () => rows<InstanceRow>('SELECT * FROM instances WHERE tsne_x IS NOT NULL AND tsne_y IS NOT NULL ORDER BY rowid'),
    curves: (kind, scope) => rows<CurvePoint>(`SELECT * FROM curves WHERE kind = ${sqlString(kind)} AND scope = ${sqlString(scope)} ORDER BY rowid`),
    training: () => rows<TrainingRow>('SELECT * FROM training ORDER BY epoch NULLS LAST, rowid'),
  };
}
