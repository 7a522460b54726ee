/**
 * The study's tables, with exactly the columns docs/RUN-FOLDERS.md lists, in
 * a fixed row order (instances, classes and units in their input order), so
 * the same run gives the same bytes. Influence values are float32 columns.
 */
import { makeTable, numberColumn, stringColumn, type Column, type Table } from '../../io/table.js';
import type { ClassificationMetrics } from './classification-metrics.js';
import type { Deviation } from './deviations.js';
import type { InfluenceAnalysis } from './influence-analysis.js';

export interface TableInputs {
  analysis: InfluenceAnalysis;
  classes: readonly string[];
  /** Per analysed instance. */
  ids: ReadonlyArray<string | number>;
  labels: Int32Array;
  deviations: Deviation[];
  confusion: ClassificationMetrics;
  training: Array<{ epoch: number; train_loss: number; val_loss: number | null; lr: number }> | null;
}

/** Ids as a number column when every id is a number, else as text. */
function idColumn(name: string, ids: ReadonlyArray<string | number>): Column {
  return ids.every((v) => typeof v === 'number') ? numberColumn(name, ids as number[]) : stringColumn(name, ids.map(String));
}

/** Rank of each unit by |value|, 1 = largest; ties by unit order. */
function magnitudeRanks(values: Float32Array): Float64Array {
  const order = Array.from(values.keys()).sort((a, b) => Math.abs(values[b]!) - Math.abs(values[a]!) || a - b);
  const ranks = new Float64Array(values.length);
  order.forEach((u, r) => (ranks[u] = r + 1));
  return ranks;
}

/** instance_influence: one row per (instance, unit). */
function instanceTable(t: TableInputs): Table {
  const { analysis, classes } = t;
  const units = analysis.units;
  const u = units.length;
  const n = t.ids.length;
  const repeatIds: (string | number)[] = [];
  const instClass: string[] = [];
  const instPredicted: string[] = [];
  const instUnit: string[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < u; j++) {
      repeatIds.push(t.ids[i]!);
      instClass.push(classes[t.labels[i]!]!);
      instPredicted.push(classes[analysis.predicted[i]!]!);
      instUnit.push(units[j]!);
    }
  }
  return makeTable('instance_influence', [
    idColumn('instance', repeatIds),
    stringColumn('class', instClass),
    stringColumn('predicted', instPredicted),
    stringColumn('unit', instUnit),
    numberColumn('influence', Float64Array.from(analysis.instanceInfluence), true),
    numberColumn('attribution', Float64Array.from(analysis.instanceAttribution), true),
  ]);
}

/** class_influence: one row per (class, unit), with the unit's magnitude rank in the class. */
function classTable(t: TableInputs): Table {
  const { analysis, classes } = t;
  const units = analysis.units;
  const u = units.length;
  const cc: string[] = [], cu: string[] = [];
  const cd: number[] = [], ca: number[] = [], cr: number[] = [];
  for (const c of analysis.perClass) {
    const ranks = magnitudeRanks(c.distributional);
    for (let j = 0; j < u; j++) {
      cc.push(classes[c.class]!);
      cu.push(units[j]!);
      cd.push(c.distributional[j]!);
      ca.push(c.meanAttribution[j]!);
      cr.push(ranks[j]!);
    }
  }
  return makeTable('class_influence', [
    stringColumn('class', cc), stringColumn('unit', cu), numberColumn('distributional', cd, true), numberColumn('mean_attribution', ca, true), numberColumn('rank', cr),
  ]);
}

export function buildTables(t: TableInputs): Map<string, Table> {
  const { analysis, classes } = t;
  const units = analysis.units;
  const u = units.length;
  const tables = new Map<string, Table>();

  tables.set('instance_influence', instanceTable(t));
  tables.set('class_influence', classTable(t));

  // comparative_influence: one row per (pair, unit)
  const pa: string[] = [], pb: string[] = [], pu: string[] = [];
  const pv: number[] = [];
  for (const p of analysis.comparative) {
    for (let j = 0; j < u; j++) {
      pa.push(classes[p.a]!);
      pb.push(classes[p.b]!);
      pu.push(units[j]!);
      pv.push(p.influence[j]!);
    }
  }
  tables.set('comparative_influence', makeTable('comparative_influence', [
    stringColumn('class_a', pa), stringColumn('class_b', pb), stringColumn('unit', pu), numberColumn('influence', pv, true),
  ]));

  tables.set('dataset_influence', makeTable('dataset_influence', [
    stringColumn('unit', [...units]),
    numberColumn('distributional', Float64Array.from(analysis.dataset.distributional), true),
    numberColumn('mean_attribution', Float64Array.from(analysis.dataset.meanAttribution), true),
  ]));

  tables.set('deviations', makeTable('deviations', [
    idColumn('instance', t.deviations.map((d) => t.ids[d.instance]!)),
    stringColumn('class', t.deviations.map((d) => classes[t.labels[d.instance]!]!)),
    numberColumn('rank_correlation', t.deviations.map((d) => d.rankCorrelation)),
    numberColumn('deviation_rank', t.deviations.map((d) => d.deviationRank)),
    stringColumn('instance_only_units', t.deviations.map((d) => d.instanceOnly.map((j) => units[j]!).join(';'))),
    stringColumn('class_only_units', t.deviations.map((d) => d.classOnly.map((j) => units[j]!).join(';'))),
  ]));

  const tc: string[] = [], pc: string[] = [], counts: number[] = [];
  classes.forEach((a, i) => classes.forEach((b, j) => {
    tc.push(a);
    pc.push(b);
    counts.push(t.confusion.confusion[i]![j]!);
  }));
  tables.set('confusion', makeTable('confusion', [stringColumn('true_class', tc), stringColumn('predicted_class', pc), numberColumn('count', counts)]));

  if (t.training) {
    tables.set('training', makeTable('training', [
      numberColumn('epoch', t.training.map((e) => e.epoch)),
      numberColumn('train_loss', t.training.map((e) => e.train_loss)),
      numberColumn('val_loss', t.training.map((e) => e.val_loss ?? NaN)),
      numberColumn('lr', t.training.map((e) => e.lr)),
    ]));
  }
  return tables;
}
