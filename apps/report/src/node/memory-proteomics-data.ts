/**
 * The proteomics questions answered over the rows read from the run folder,
 * in Node, for the static page. Each method mirrors one SQL query of
 * viewer/sql-proteomics-data.ts (same filters, same order).
 */
import type { WeightedEdge } from '../analysis/protein-order.js';
import type { EdgePair } from '../figures/instance-comparison.js';
import type { ProteomicsData } from '../report/proteomics-data.js';
import { rowsOf, type RunTable } from '../run/run-table.js';
import type { ClassEdge, CohortEdge, CurvePoint, InstanceEdge, InstanceRow, TrainingRow } from '../run/table-rows.js';
import { compareAscending, compareDescending, compareText } from './compare.js';

const pairKey = (cls: string | null, source: string, target: string): string => `${cls ?? ''}\u0000${source}\u0000${target}`;

export function memoryProteomicsData(tables: Record<string, RunTable>): ProteomicsData {
  const cohort = rowsOf<CohortEdge>(tables.edges_cohort);
  const classEdges = rowsOf<ClassEdge>(tables.edges_class);
  const instanceEdges = rowsOf<InstanceEdge>(tables.edges_instance);
  const instances = rowsOf<InstanceRow>(tables.instances);
  const curves = rowsOf<CurvePoint>(tables.curves);
  const training = rowsOf<TrainingRow>(tables.training);
  let classIndex: Map<string, number | null> | undefined;
  const touches = (e: { source: string; target: string }, set: Set<string> | null) => set === null || set.has(e.source) || set.has(e.target);
  const within = (e: { source: string; target: string }, set: Set<string>) => set.has(e.source) && set.has(e.target);
  const weighted = (e: WeightedEdge): WeightedEdge => ({ source: e.source, target: e.target, relevance: e.relevance });

  return {
    async cohortEdges(proteins) {
      const set = new Set(proteins);
      return cohort.filter((e) => within(e, set)).map(weighted);
    },
    async classEdges(className, proteins) {
      const set = new Set(proteins);
      return classEdges.filter((e) => e.class === className && within(e, set)).map(weighted);
    },
    async topEdges(k, proteins) {
      const set = proteins === null ? null : new Set(proteins);
      return cohort
        .filter((e) => touches(e, set))
        .sort((a, b) => compareDescending(a.relevance, b.relevance) || compareText(a.source, b.source) || compareText(a.target, b.target))
        .slice(0, k);
    },
    async instanceEdges(instance, proteins) {
      if (!classIndex) {
        classIndex = new Map();
        for (const e of classEdges) classIndex.set(pairKey(e.class, e.source, e.target), e.median);
      }
      const set = proteins === null ? null : new Set(proteins);
      return instanceEdges
        .filter((e) => e.instance === instance && touches(e, set))
        .sort((a, b) => compareDescending(a.relevance, b.relevance) || compareText(a.source, b.source) || compareText(a.target, b.target))
        .map((e): EdgePair => ({ source: e.source, target: e.target, instance: e.relevance, class: classIndex!.get(pairKey(e.class, e.source, e.target)) ?? null }));
    },
    async tsneInstances() {
      return instances.filter((r) => r.tsne_x !== null && r.tsne_y !== null);
    },
    async curves(kind, scope) {
      return curves.filter((c) => c.kind === kind && c.scope === scope);
    },
    async training() {
      return [...training].sort((a, b) => compareAscending(a.epoch, b.epoch));
    },
  };
}
