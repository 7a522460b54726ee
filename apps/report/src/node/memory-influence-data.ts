/**
 * The influence questions answered over the rows read from the run folder,
 * in Node, for the static page. Each method mirrors one SQL query of
 * viewer/sql-influence-data.ts (same filters, same order).
 */
import type { OrientedInfluence } from '../figures/comparative-influence.js';
import type { UnitPair } from '../figures/influence-scatter.js';
import type { InfluenceData } from '../report/influence-data.js';
import { rowsOf, type RunTable } from '../run/run-table.js';
import type { ClassInfluence, ComparativeInfluence, ConfusionCell, DatasetInfluence, Deviation, InstanceInfluence, TrainingRow } from '../run/table-rows.js';
import { compareAscending, compareDescending, compareText } from './compare.js';

export function memoryInfluenceData(tables: Record<string, RunTable>): InfluenceData {
  const classInfluence = rowsOf<ClassInfluence>(tables.class_influence);
  const dataset = rowsOf<DatasetInfluence>(tables.dataset_influence);
  const comparative = rowsOf<ComparativeInfluence>(tables.comparative_influence);
  const deviations = rowsOf<Deviation>(tables.deviations);
  const instanceInfluence = rowsOf<InstanceInfluence>(tables.instance_influence);
  const confusion = rowsOf<ConfusionCell>(tables.confusion);
  const training = rowsOf<TrainingRow>(tables.training);
  const absolute = (v: number | null) => (v === null ? null : Math.abs(v));

  return {
    async classInfluence(units) {
      const set = new Set(units);
      return classInfluence.filter((r) => set.has(r.unit));
    },
    async classTopUnits(className, k, units) {
      const set = units === null ? null : new Set(units);
      return classInfluence
        .filter((r) => r.class === className && (set === null || set.has(r.unit)))
        .sort((a, b) => compareDescending(absolute(a.distributional), absolute(b.distributional)) || compareText(a.unit, b.unit))
        .slice(0, k);
    },
    async datasetInfluence(units) {
      const set = new Set(units);
      return dataset.filter((r) => set.has(r.unit));
    },
    async comparative(className, units) {
      const set = new Set(units);
      const stored = new Set(comparative.map((r) => `${r.class_a}\u0000${r.class_b}\u0000${r.unit}`));
      const out: OrientedInfluence[] = [];
      for (const r of comparative) if (r.class_a === className && set.has(r.unit)) out.push({ other: r.class_b, unit: r.unit, influence: r.influence });
      for (const r of comparative) {
        if (r.class_b === className && set.has(r.unit) && !stored.has(`${r.class_b}\u0000${r.class_a}\u0000${r.unit}`)) out.push({ other: r.class_a, unit: r.unit, influence: -r.influence });
      }
      return out;
    },
    async deviations() {
      return deviations;
    },
    async mostDeviating(n) {
      return [...deviations]
        .sort((a, b) => compareAscending(a.deviation_rank, b.deviation_rank) || compareAscending(a.rank_correlation, b.rank_correlation) || compareText(a.instance, b.instance))
        .slice(0, n);
    },
    async instanceUnits(instance, units) {
      const set = units === null ? null : new Set(units);
      const profile = new Map(classInfluence.map((r) => [`${r.class}\u0000${r.unit}`, r.distributional]));
      const out: UnitPair[] = [];
      for (const r of instanceInfluence) {
        if (r.instance !== instance || (set !== null && !set.has(r.unit))) continue;
        const c = profile.get(`${r.class}\u0000${r.unit}`);
        if (c !== undefined) out.push({ unit: r.unit, instance: r.influence, class: c });
      }
      return out;
    },
    async confusion() {
      return confusion;
    },
    async training() {
      return [...training].sort((a, b) => compareAscending(a.epoch, b.epoch));
    },
  };
}
