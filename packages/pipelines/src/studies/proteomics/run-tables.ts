/**
 * The table builders of finalize: one function per table of the proteomics
 * run folder (columns as io/run-format.ts documents them). Pairs are in
 * upper-triangular protein order, as everywhere in the study.
 */
import { stats } from '@relevance/methods';
import { booleanColumn, makeTable, numberColumn, stringColumn, type Column, type Table } from '../../io/table.js';
import type { StudyData } from './data.js';
import type { EdgeList } from './edge-files.js';
import type { Aggregation, InstanceRecord } from './aggregation.js';
import { labelsFor, type RunBaselines } from './run-metrics.js';

function f32(name: string, values: ArrayLike<number>): Column {
  return numberColumn(name, Float64Array.from(values), true);
}

/** Protein names of each pair's two ends and their indices. */
export interface PairNames {
  source: string[];
  target: string[];
  a: Int32Array;
  b: Int32Array;
}

export function pairNames(names: readonly string[]): PairNames {
  const p = names.length;
  const P = (p * (p - 1)) / 2;
  const out: PairNames = { source: [], target: [], a: new Int32Array(P), b: new Int32Array(P) };
  for (let a = 0, k = 0; a < p; a++) for (let b = a + 1; b < p; b++, k++) {
    out.source.push(names[a]!);
    out.target.push(names[b]!);
    out.a[k] = a;
    out.b[k] = b;
  }
  return out;
}

/** edges_cohort; `ranks` (replicateRanks): each pair's lowest and highest rank over the predictors' own cohort networks (one predictor: its rank). */
export function edgesCohortTable(agg: Aggregation, pairs: PairNames, truth: EdgeList | null, known: EdgeList | null, ranks: { min: Int32Array; max: Int32Array }): Table {
  const { p, P, cohort, differences } = agg;
  const flags = (list: EdgeList | null): (boolean | null)[] => (list ? Array.from(labelsFor(list.undirected, p), (v) => v === 1) : new Array<boolean | null>(P).fill(null));
  const nan = (): Float64Array => new Float64Array(P).fill(NaN);
  return makeTable('edges_cohort', [
    stringColumn('source', pairs.source),
    stringColumn('target', pairs.target),
    f32('relevance', cohort.score),
    f32('median', cohort.median),
    f32('q25', cohort.q25),
    f32('q75', cohort.q75),
    f32('mean', cohort.mean),
    f32('partial_correlation', cohort.partial ?? new Float32Array(P).fill(NaN)),
    numberColumn('kw_h', differences ? Float64Array.from(differences.h) : nan()),
    numberColumn('kw_p', differences ? differences.pValue : nan()),
    numberColumn('kw_q', differences ? differences.qValue : nan()),
    booleanColumn('truth', flags(truth)),
    booleanColumn('known', flags(known)),
    numberColumn('replicate_rank_min', Float64Array.from(ranks.min)),
    numberColumn('replicate_rank_max', Float64Array.from(ranks.max)),
  ]);
}

export function edgesClassTable(agg: Aggregation, pairs: PairNames, classNames: readonly string[]): Table {
  const cls: string[] = [], src: string[] = [], tgt: string[] = [];
  const score: number[] = [], med: number[] = [], q25: number[] = [], q75: number[] = [], mean: number[] = [], count: number[] = [];
  for (const c of classNames) {
    const net = agg.perClass.get(c)!;
    for (let k = 0; k < agg.P; k++) {
      cls.push(c);
      src.push(pairs.source[k]!);
      tgt.push(pairs.target[k]!);
      score.push(net.score[k]!);
      med.push(net.median[k]!);
      q25.push(net.q25[k]!);
      q75.push(net.q75[k]!);
      mean.push(net.mean[k]!);
      count.push(net.instances);
    }
  }
  return makeTable('edges_class', [stringColumn('class', cls), stringColumn('source', src), stringColumn('target', tgt), f32('relevance', score), f32('median', med), f32('q25', q25), f32('q75', q75), f32('mean', mean), numberColumn('instances', count)]);
}

/** The pairs an instance keeps in edges_instance: all, or its k strongest (ties by pair order), in pair order. */
export function keptPairs(network: Float32Array, topK: number | null): number[] {
  const order = Array.from({ length: network.length }, (_, k) => k);
  if (topK === null) return order;
  return order.sort((x, y) => network[y]! - network[x]! || x - y).slice(0, topK).sort((x, y) => x - y);
}

export function edgesInstanceTable(data: StudyData, instances: readonly InstanceRecord[], agg: Aggregation, pairs: PairNames, topK: number | null): Table {
  const { p, P, networks } = agg;
  const inst: string[] = [], cls: (string | null)[] = [], src: string[] = [], tgt: string[] = [];
  const rel: number[] = [], st: number[] = [], ts: number[] = [];
  instances.forEach((record, i) => {
    for (const k of keptPairs(networks.subarray(i * P, (i + 1) * P), topK)) {
      const a = pairs.a[k]!;
      const b = pairs.b[k]!;
      inst.push(data.ids[record.row]!);
      cls.push(agg.labelOf(i));
      src.push(pairs.source[k]!);
      tgt.push(pairs.target[k]!);
      rel.push(networks[i * P + k]!);
      st.push(record.directed[b * p + a]!); // source a predicting target b
      ts.push(record.directed[a * p + b]!);
    }
  });
  return makeTable('edges_instance', [stringColumn('instance', inst), stringColumn('class', cls), stringColumn('source', src), stringColumn('target', tgt), f32('relevance', rel), f32('relevance_st', st), f32('relevance_ts', ts)]);
}

export function baselinesTable(baselines: RunBaselines, pairs: PairNames): Table {
  const method: string[] = [], scope: string[] = [], src: string[] = [], tgt: string[] = [], score: number[] = [];
  const add = (m: string, sc: string, values: Float32Array): void => {
    for (let k = 0; k < values.length; k++) {
      method.push(m);
      scope.push(sc);
      src.push(pairs.source[k]!);
      tgt.push(pairs.target[k]!);
      score.push(values[k]!);
    }
  };
  for (const b of baselines.names) add(b, 'cohort', baselines.cohort.get(b)!.pairs);
  for (const [c, cb] of baselines.perClass) for (const b of baselines.names) { const v = cb.get(b); if (v) add(b, c, v); }
  return makeTable('baselines', [stringColumn('method', method), stringColumn('scope', scope), stringColumn('source', src), stringColumn('target', tgt), f32('score', score)]);
}

export function instancesTable(data: StudyData, instances: readonly InstanceRecord[], agg: Aggregation, instanceAuroc: Float64Array, embedding: Float32Array | null): Table {
  const split = new Array<string>(data.rows).fill('train');
  for (const r of data.test) split[r] = 'test';
  const byRow = new Map(instances.map((inst, i) => [inst.row, i]));
  const rows = [...data.train, ...instances.map((i) => i.row)].sort((a, b) => a - b);
  const col = (f: (i: number) => number) => rows.map((r) => {
    const i = byRow.get(r);
    return i === undefined ? NaN : f(i);
  });
  return makeTable('instances', [
    stringColumn('instance', rows.map((r) => data.ids[r]!)),
    stringColumn('class', rows.map((r) => (data.labels ? data.labels[r]! : null))),
    stringColumn('split', rows.map((r) => split[r]!)),
    booleanColumn('aggregated', rows.map((r) => {
      const i = byRow.get(r);
      return i === undefined ? null : agg.included[i]!;
    })),
    numberColumn('test_mse_hidden', col((i) => instances[i]!.mseHidden)),
    numberColumn('prediction_correlation', col((i) => instances[i]!.predictionCorrelation)),
    numberColumn('auroc', col((i) => instanceAuroc[i]!)),
    f32('tsne_x', col((i) => (embedding ? embedding[2 * i]! : NaN))),
    f32('tsne_y', col((i) => (embedding ? embedding[2 * i + 1]! : NaN))),
  ]);
}

export function trainingTable(training: readonly { epoch: number; train_loss: number; val_loss: number | null; lr: number }[]): Table {
  return makeTable('training', [
    numberColumn('epoch', training.map((t) => t.epoch)),
    numberColumn('train_loss', training.map((t) => t.train_loss)),
    numberColumn('val_loss', training.map((t) => t.val_loss ?? NaN)),
    numberColumn('lr', training.map((t) => t.lr)),
  ]);
}

export function curvesTable(agg: Aggregation, baselines: RunBaselines, classNames: readonly string[], truth: EdgeList | null, known: EdgeList | null): Table {
  const method: string[] = [], kind: string[] = [], scope: string[] = [], xs: number[] = [], ys: number[] = [];
  const add = (m: string, sc: string, scores: Float32Array, labels: Uint8Array): void => {
    for (const [k, curve] of [['roc', stats.rocCurve(scores, labels)], ['pr', stats.prCurve(scores, labels)]] as const) {
      for (const pt of stats.thinCurve(curve, 200)) {
        method.push(m);
        kind.push(k);
        scope.push(sc);
        xs.push(pt.x);
        ys.push(pt.y);
      }
    }
  };
  const { p, cohort } = agg;
  if (truth) {
    const union = labelsFor(truth.undirected, p);
    add('lrp', 'cohort', cohort.score, union);
    for (const b of baselines.names) add(b, 'cohort', baselines.cohort.get(b)!.pairs, union);
    for (const c of classNames) {
      const sets = truth.byClass.get(c);
      add('lrp', `class:${c}`, agg.perClass.get(c)!.score, sets ? labelsFor(sets.undirected, p) : union);
    }
  }
  if (known) {
    const labels = labelsFor(known.undirected, p);
    add('lrp', 'known', cohort.score, labels);
    for (const b of baselines.names) add(b, 'known', baselines.cohort.get(b)!.pairs, labels);
  }
  return makeTable('curves', [stringColumn('method', method), stringColumn('kind', kind), stringColumn('scope', scope), f32('x', xs), f32('y', ys)]);
}

export function proteinsTable(data: StudyData): Table {
  const p = data.proteins.length;
  const global = data.statistics[0]!;
  const proteins = [...data.proteins, ...data.dropped.map((d) => d.protein)];
  const kept = (f: (i: number) => number) => proteins.map((_, i) => (i < p ? f(i) : NaN));
  return makeTable('proteins', [
    stringColumn('protein', proteins),
    numberColumn('index', kept((i) => i)),
    numberColumn('missing', kept((i) => data.missing[i]!)),
    numberColumn('mean', kept((i) => (data.statistics.length === 1 ? global.mean[i]! : NaN))),
    numberColumn('sd', kept((i) => (data.statistics.length === 1 ? global.sd[i]! : NaN))),
    booleanColumn('dropped', proteins.map((_, i) => i >= p)),
  ]);
}
