/**
 * From instance networks to the run's tables and metrics: aggregation (class
 * and cohort networks: mean and median over instances, weighted by partial
 * correlation), baselines, evaluation against the truth and known edges,
 * class differences, and writing. Both the unsharded study and
 * `relevance merge` end here with the same inputs, so a merged run equals the
 * unsharded one byte for byte.
 */
import { stats } from '@relevance/methods';
import { writeTable } from '../../io/write-table.js';
import { booleanColumn, makeTable, numberColumn, stringColumn, type Column, type Table } from '../../io/table.js';
import type { StudyData } from './data.js';
import type { EdgeList } from './edge-files.js';
import { classDifferences, rankingQuality, topKEnrichment } from './evaluation.js';
import { aggregate, LionessPearson, pairCount, symmetrize, targetNormalizedNetwork, type AggregateNetwork } from './networks.js';
import { computeBaselines, partialCorrelationPairs, rowsMatrix } from './baselines.js';
import { knownEdgeMatchMetrics } from './known-edge-match.js';
import { trustPanel } from './trust.js';
import type { Progress } from '../../progress/progress.js';

export interface InstanceRecord {
  /** Row index into the study data. */
  row: number;
  directed: Float32Array;
  mseHidden: number;
  predictionCorrelation: number;
}

export interface FinalizeInputs {
  data: StudyData;
  instances: InstanceRecord[];
  truth: EdgeList | null;
  known: EdgeList | null;
  directed: boolean;
  topK: number[];
  instanceTopK: number | null;
  minInstanceCorrelation: number | null;
  /** Training curve rows. */
  training: { epoch: number; train_loss: number; val_loss: number | null; lr: number }[];
  /** 2-D embedding of the instance networks (one [x, y] per instance record), if computed. */
  embedding: Float32Array | null;
  /** Baselines to compute (default all, BASELINE_NAMES). */
  baselines?: readonly string[];
  /** Seed of the random baselines (the run's seed). */
  seed: number;
  /** Called after each baseline with its time (progress). */
  onBaseline?: (name: string, scope: string, seconds: number) => void;
  /** Threads for the baselines (default 1; the same bytes for any count). */
  threads?: number;
  /** Progress of the phases after the baselines (the trust panel). */
  progress?: Progress;
}

export interface FinalizeResult {
  metrics: Record<string, unknown>;
  tables: Map<string, Table>;
}

function labelsFor(keys: ReadonlySet<string>, p: number): Uint8Array {
  const out = new Uint8Array(pairCount(p));
  let k = 0;
  for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) out[k++] = keys.has(`${a}|${b}`) ? 1 : 0;
  return out;
}

/** Directed scores (row = target, column = source, diagonal left out) from undirected pair scores. */
function directedFromPairs(pairs: Float32Array, p: number): Float32Array {
  const out = new Float32Array(p * (p - 1));
  let k = 0;
  for (let t = 0; t < p; t++) for (let s = 0; s < p; s++) {
    if (s === t) continue;
    const a = Math.min(s, t), b = Math.max(s, t);
    out[k++] = pairs[a * p - (a * (a + 1)) / 2 + (b - a - 1)]!;
  }
  return out;
}

function directedLabelsFor(keys: ReadonlySet<string>, p: number): Uint8Array {
  const out = new Uint8Array(p * (p - 1));
  let k = 0;
  for (let t = 0; t < p; t++) for (let s = 0; s < p; s++) if (s !== t) out[k++] = keys.has(`${s}>${t}`) ? 1 : 0;
  return out;
}

type ScoredNetwork = AggregateNetwork & { score: Float32Array; directed: Float32Array; partial: Float32Array | null };

/** Directed scores (row = target, column = source, diagonal left out) from a p x p matrix [target * p + source]. */
function directedScores(matrix: ArrayLike<number>, p: number): Float32Array {
  const out = new Float32Array(p * (p - 1));
  let k = 0;
  for (let t = 0; t < p; t++) for (let s = 0; s < p; s++) if (s !== t) out[k++] = Math.abs(matrix[t * p + s]!);
  return out;
}

/** BEELINE's ratios (AUPR and early precision over the density of true edges) and the directed AUROC/AUPR, as metrics under `prefix`. */
function scoreMetrics(prefix: string, pairs: ArrayLike<number>, pairLabels: Uint8Array, directed: ArrayLike<number>, directedLabels: Uint8Array): Record<string, number> {
  const out: Record<string, number> = {};
  const positives = pairLabels.reduce((a, b) => a + b, 0);
  if (positives > 0 && positives < pairLabels.length) {
    const density = positives / pairLabels.length;
    out[`${prefix}.aupr_ratio`] = round(stats.aupr(pairs, pairLabels) / density);
    out[`${prefix}.epr`] = round(stats.earlyPrecision(pairs, pairLabels, positives) / density);
  }
  const dPositives = directedLabels.reduce((a, b) => a + b, 0);
  if (dPositives > 0 && dPositives < directedLabels.length) {
    out[`${prefix}.auroc_directed`] = round(stats.auroc(directed, directedLabels));
    out[`${prefix}.aupr_directed`] = round(stats.aupr(directed, directedLabels));
  }
  return out;
}

function round(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(10)) : x;
}

function f32(name: string, values: ArrayLike<number>): Column {
  return numberColumn(name, Float64Array.from(values), true);
}

export function finalize(inputs: FinalizeInputs): FinalizeResult {
  const { data, instances, truth, known } = inputs;
  const p = data.proteins.length;
  const P = pairCount(p);
  const names = data.proteins;
  const tables = new Map<string, Table>();
  const metrics: Record<string, unknown> = {};

  // ---- instance networks (undirected) and which instances are aggregated
  const n = instances.length;
  const networks = new Float32Array(n * P);
  instances.forEach((inst, i) => symmetrize(inst.directed, p, networks.subarray(i * P, (i + 1) * P)));
  const included = instances.map((inst) => inputs.minInstanceCorrelation === null || inst.predictionCorrelation >= inputs.minInstanceCorrelation);
  const includedRows = instances.map((_, i) => i).filter((i) => included[i]);
  const labelOf = (i: number): string | null => (data.labels ? data.labels[instances[i]!.row]! : null);
  const classRows = data.classNames.map((c) => includedRows.filter((i) => labelOf(i) === c));

  // class and cohort networks: mean and median over instances, weighted by the partial correlation of the scope's training rows
  const scored = (rows: readonly number[], trainRows: readonly number[]): ScoredNetwork => {
    const agg = aggregate(networks, P, rows);
    const partial = partialCorrelationPairs(data, trainRows);
    const network = targetNormalizedNetwork((i) => instances[i]!.directed, rows, p, partial);
    return { ...agg, partial, score: network.pairs, directed: network.directed };
  };
  const cohort = scored(includedRows, data.train);
  const perClass = new Map<string, ScoredNetwork>();
  data.classNames.forEach((c, k) => perClass.set(c, scored(classRows[k]!, data.train.filter((r) => data.labels![r] === c))));
  const directedScore = cohort.directed;

  // ---- class differences
  const differences = data.classNames.length >= 2 ? classDifferences(networks, P, classRows) : null;

  // ---- baselines on the training split (cohort, and per class)
  const baselineRuns = computeBaselines(data, data.train, inputs.seed, { methods: inputs.baselines, threads: inputs.threads, onMethod: (name, s) => inputs.onBaseline?.(name, 'cohort', s) });
  const baselines = new Map([...baselineRuns].map(([name, b]) => [name, b.pairs]));
  for (const [name, b] of baselineRuns) metrics[`timing_s.methods.${name}`] = Number(b.seconds.toFixed(3));
  const classBaselines = new Map<string, Map<string, Float32Array>>();
  for (const c of data.classNames) {
    const rows = data.train.filter((r) => data.labels![r] === c);
    if (rows.length > p + 2) {
      const runs = computeBaselines(data, rows, inputs.seed, { methods: inputs.baselines, perClassOnly: true, threads: inputs.threads, onMethod: (name, s) => inputs.onBaseline?.(name, c, s) });
      classBaselines.set(c, new Map([...runs].map(([name, b]) => [name, b.pairs])));
    }
  }
  const BASELINES = [...baselineRuns.keys()];

  // ---- evaluation against the truth
  const instanceAuroc = new Float64Array(n).fill(NaN);
  if (truth) {
    const union = inputs.directed ? directedLabelsFor(truth.directed, p) : labelsFor(truth.undirected, p);
    const lrpCohort = inputs.directed ? directedScore : cohort.score;
    const undirectedUnion = labelsFor(truth.undirected, p);
    const directedUnion = directedLabelsFor(truth.directed, p);
    metrics['network.cohort.auroc'] = round(stats.auroc(lrpCohort, union));
    metrics['network.cohort.aupr'] = round(stats.aupr(lrpCohort, union));
    Object.assign(metrics, scoreMetrics('network.cohort', cohort.score, undirectedUnion, directedScore, directedUnion));
    // the plain mean (Keyl et al.'s "average network") and the median, without the indirect-path correction
    if (!inputs.directed) {
      metrics['network.cohort_mean.auroc'] = round(stats.auroc(cohort.mean, union));
      metrics['network.cohort_mean.aupr'] = round(stats.aupr(cohort.mean, union));
      metrics['network.cohort_median.auroc'] = round(stats.auroc(cohort.median, union));
      metrics['network.cohort_median.aupr'] = round(stats.aupr(cohort.median, union));
    }
    const classTruth = (c: string): Uint8Array => {
      const sets = truth.byClass.get(c);
      if (!sets) return union;
      return inputs.directed ? directedLabelsFor(sets.directed, p) : labelsFor(sets.undirected, p);
    };
    for (const c of data.classNames) {
      const agg = perClass.get(c)!;
      const scores = inputs.directed ? agg.directed : agg.score;
      const q = rankingQuality(scores, classTruth(c));
      metrics[`network.per_class.${c}.auroc`] = round(q.auroc);
      metrics[`network.per_class.${c}.aupr`] = round(q.aupr);
    }
    const lioness = new LionessPearson(rowsMatrix(data, data.train).values, data.train.length, p);
    const lionessAuroc: number[] = [];
    instances.forEach((inst, i) => {
      const label = labelOf(i);
      const y = label !== null ? classTruth(label) : union;
      const scores = inputs.directed ? Float32Array.from({ length: p * (p - 1) }, (_, k) => {
        const t = Math.floor(k / (p - 1));
        const sIdx = k % (p - 1);
        const s = sIdx >= t ? sIdx + 1 : sIdx;
        return Math.abs(inst.directed[t * p + s]!);
      }) : networks.subarray(i * P, (i + 1) * P);
      instanceAuroc[i] = stats.auroc(scores, y);
      const lio = lioness.instance(Float64Array.from(data.values.subarray(inst.row * p, (inst.row + 1) * p)));
      lionessAuroc.push(stats.auroc(inputs.directed ? directedFromPairs(lio, p) : lio, y));
    });
    const valid = Array.from(instanceAuroc).filter((v, i) => included[i] && !Number.isNaN(v));
    metrics['network.per_instance.auroc_mean'] = round(stats.mean(valid));
    metrics['network.per_instance.auroc_median'] = round(stats.median(valid));
    metrics['network.per_instance.instances'] = valid.length;
    for (const b of BASELINES) {
      const run = baselineRuns.get(b)!;
      const scores = inputs.directed ? directedScores(run.matrix, p) : run.pairs;
      metrics[`baselines.${b}.auroc`] = round(stats.auroc(scores, union));
      metrics[`baselines.${b}.aupr`] = round(stats.aupr(scores, union));
      Object.assign(metrics, scoreMetrics(`baselines.${b}`, run.pairs, undirectedUnion, directedScores(run.matrix, p), directedUnion));
      for (const [c, cb] of classBaselines) {
        const pairScores = cb.get(b);
        if (!pairScores) continue;
        const s = inputs.directed ? directedFromPairs(pairScores, p) : pairScores;
        metrics[`baselines.${b}.per_class.${c}.auroc`] = round(stats.auroc(s, classTruth(c)));
      }
    }
    const lio = lionessAuroc.filter((v) => !Number.isNaN(v));
    metrics['baselines.lioness_pearson.per_instance.auroc_mean'] = round(stats.mean(lio));
    metrics['baselines.lioness_pearson.per_instance.auroc_median'] = round(stats.median(lio));
  }

  // ---- known edges (prior knowledge): top-k enrichment and AUROC
  if (known) {
    const labels = labelsFor(known.undirected, p);
    const methods: Array<[string, Float32Array]> = [['lrp', cohort.score], ...BASELINES.map((b) => [b, baselines.get(b)!] as [string, Float32Array])];
    for (const [m, scores] of methods) {
      for (const k of inputs.topK) {
        const e = topKEnrichment(scores, labels, k);
        metrics[`known_edges.${m}.top_${k}.k`] = e.k;
        metrics[`known_edges.${m}.top_${k}.hits`] = e.hits;
        metrics[`known_edges.${m}.top_${k}.expected`] = round(e.expected);
        metrics[`known_edges.${m}.top_${k}.p_value`] = round(e.p_value);
      }
      metrics[`known_edges.${m}.auroc`] = round(stats.auroc(scores, labels));
    }
    metrics['known_edges.pairs_in_data'] = known.undirected.size;
    Object.assign(metrics, knownEdgeMatchMetrics(known.match));
  }

  // ---- prediction quality
  const mse = instances.map((i) => i.mseHidden).filter((v) => !Number.isNaN(v));
  const corr = instances.map((i) => i.predictionCorrelation).filter((v) => !Number.isNaN(v));
  metrics['prediction.test_mse_hidden'] = round(stats.mean(mse));
  metrics['prediction.median_instance_correlation'] = round(stats.median(corr));
  metrics['data.rows'] = data.rows;
  metrics['data.proteins'] = p;
  metrics['data.classes'] = data.classNames.length;
  metrics['data.train'] = data.train.length;
  metrics['data.test'] = data.test.length;
  metrics['data.instances'] = n;
  metrics['data.instances_aggregated'] = includedRows.length;
  metrics['data.dropped_columns'] = [...data.dropped.map((d) => ({ column: d.protein, reason: d.reason })), ...data.skipped];

  // ---- tables
  const pairSource: string[] = [];
  const pairTarget: string[] = [];
  const pairA = new Int32Array(P);
  const pairB = new Int32Array(P);
  for (let a = 0, k = 0; a < p; a++) for (let b = a + 1; b < p; b++, k++) {
    pairSource.push(names[a]!);
    pairTarget.push(names[b]!);
    pairA[k] = a;
    pairB[k] = b;
  }
  const truthFlag = truth ? Array.from(labelsFor(truth.undirected, p), (v) => v === 1) : new Array<boolean | null>(P).fill(null);
  const knownFlag = known ? Array.from(labelsFor(known.undirected, p), (v) => v === 1) : new Array<boolean | null>(P).fill(null);
  tables.set('edges_cohort', makeTable('edges_cohort', [
    stringColumn('source', pairSource),
    stringColumn('target', pairTarget),
    f32('relevance', cohort.score),
    f32('median', cohort.median),
    f32('q25', cohort.q25),
    f32('q75', cohort.q75),
    f32('mean', cohort.mean),
    f32('partial_correlation', cohort.partial ?? new Float32Array(P).fill(NaN)),
    numberColumn('kw_h', differences ? Float64Array.from(differences.h) : new Float64Array(P).fill(NaN)),
    numberColumn('kw_p', differences ? differences.pValue : new Float64Array(P).fill(NaN)),
    numberColumn('kw_q', differences ? differences.qValue : new Float64Array(P).fill(NaN)),
    booleanColumn('truth', truthFlag),
    booleanColumn('known', knownFlag),
  ]));
  {
    const cls: string[] = [], src: string[] = [], tgt: string[] = [];
    const score: number[] = [], med: number[] = [], q25: number[] = [], q75: number[] = [], mean: number[] = [], count: number[] = [];
    for (const c of data.classNames) {
      const agg = perClass.get(c)!;
      for (let k = 0; k < P; k++) {
        cls.push(c);
        src.push(pairSource[k]!);
        tgt.push(pairTarget[k]!);
        score.push(agg.score[k]!);
        med.push(agg.median[k]!);
        q25.push(agg.q25[k]!);
        q75.push(agg.q75[k]!);
        mean.push(agg.mean[k]!);
        count.push(agg.instances);
      }
    }
    tables.set('edges_class', makeTable('edges_class', [stringColumn('class', cls), stringColumn('source', src), stringColumn('target', tgt), f32('relevance', score), f32('median', med), f32('q25', q25), f32('q75', q75), f32('mean', mean), numberColumn('instances', count)]));
  }
  {
    const inst: string[] = [], cls: (string | null)[] = [], src: string[] = [], tgt: string[] = [];
    const rel: number[] = [], st: number[] = [], ts: number[] = [];
    instances.forEach((record, i) => {
      let order = Array.from({ length: P }, (_, k) => k);
      if (inputs.instanceTopK !== null) {
        const net = networks.subarray(i * P, (i + 1) * P);
        order = order.sort((x, y) => net[y]! - net[x]! || x - y).slice(0, inputs.instanceTopK).sort((x, y) => x - y);
      }
      for (const k of order) {
        const a = pairA[k]!;
        const b = pairB[k]!;
        inst.push(data.ids[record.row]!);
        cls.push(labelOf(i));
        src.push(pairSource[k]!);
        tgt.push(pairTarget[k]!);
        rel.push(networks[i * P + k]!);
        st.push(record.directed[b * p + a]!); // source a predicting target b
        ts.push(record.directed[a * p + b]!);
      }
    });
    tables.set('edges_instance', makeTable('edges_instance', [stringColumn('instance', inst), stringColumn('class', cls), stringColumn('source', src), stringColumn('target', tgt), f32('relevance', rel), f32('relevance_st', st), f32('relevance_ts', ts)]));
  }
  {
    const method: string[] = [], scope: string[] = [], src: string[] = [], tgt: string[] = [], score: number[] = [];
    const add = (m: string, sc: string, values: Float32Array): void => {
      for (let k = 0; k < P; k++) {
        method.push(m);
        scope.push(sc);
        src.push(pairSource[k]!);
        tgt.push(pairTarget[k]!);
        score.push(values[k]!);
      }
    };
    for (const b of BASELINES) add(b, 'cohort', baselines.get(b)!);
    for (const [c, cb] of classBaselines) for (const b of BASELINES) { const v = cb.get(b); if (v) add(b, c, v); }
    tables.set('baselines', makeTable('baselines', [stringColumn('method', method), stringColumn('scope', scope), stringColumn('source', src), stringColumn('target', tgt), f32('score', score)]));
  }
  {
    const split = new Array<string>(data.rows).fill('train');
    for (const r of data.test) split[r] = 'test';
    const byRow = new Map(instances.map((inst, i) => [inst.row, i]));
    const rows = [...data.train, ...instances.map((i) => i.row)].sort((a, b) => a - b);
    const col = (f: (i: number | undefined) => number) => rows.map((r) => f(byRow.get(r)));
    tables.set('instances', makeTable('instances', [
      stringColumn('instance', rows.map((r) => data.ids[r]!)),
      stringColumn('class', rows.map((r) => (data.labels ? data.labels[r]! : null))),
      stringColumn('split', rows.map((r) => split[r]!)),
      booleanColumn('aggregated', col((i) => (i === undefined ? NaN : included[i] ? 1 : 0)).map((v) => (Number.isNaN(v) ? null : v === 1))),
      numberColumn('test_mse_hidden', col((i) => (i === undefined ? NaN : instances[i]!.mseHidden))),
      numberColumn('prediction_correlation', col((i) => (i === undefined ? NaN : instances[i]!.predictionCorrelation))),
      numberColumn('auroc', col((i) => (i === undefined ? NaN : instanceAuroc[i]!))),
      f32('tsne_x', col((i) => (i === undefined || !inputs.embedding ? NaN : inputs.embedding[2 * i]!))),
      f32('tsne_y', col((i) => (i === undefined || !inputs.embedding ? NaN : inputs.embedding[2 * i + 1]!))),
    ]));
  }
  tables.set('training', makeTable('training', [
    numberColumn('epoch', inputs.training.map((t) => t.epoch)),
    numberColumn('train_loss', inputs.training.map((t) => t.train_loss)),
    numberColumn('val_loss', inputs.training.map((t) => t.val_loss ?? NaN)),
    numberColumn('lr', inputs.training.map((t) => t.lr)),
  ]));
  {
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
    if (truth) {
      const union = labelsFor(truth.undirected, p);
      add('lrp', 'cohort', cohort.score, union);
      for (const b of BASELINES) add(b, 'cohort', baselines.get(b)!, union);
      for (const c of data.classNames) {
        const sets = truth.byClass.get(c);
        add('lrp', `class:${c}`, perClass.get(c)!.score, sets ? labelsFor(sets.undirected, p) : union);
      }
    }
    if (known) {
      const labels = labelsFor(known.undirected, p);
      add('lrp', 'known', cohort.score, labels);
      for (const b of BASELINES) add(b, 'known', baselines.get(b)!, labels);
    }
    tables.set('curves', makeTable('curves', [stringColumn('method', method), stringColumn('kind', kind), stringColumn('scope', scope), f32('x', xs), f32('y', ys)]));
  }
  {
    const global = data.statistics[0]!;
    const proteins = [...names, ...data.dropped.map((d) => d.protein)];
    tables.set('proteins', makeTable('proteins', [
      stringColumn('protein', proteins),
      numberColumn('index', proteins.map((_, i) => (i < p ? i : NaN))),
      numberColumn('missing', proteins.map((_, i) => (i < p ? data.missing[i]! : NaN))),
      numberColumn('mean', proteins.map((_, i) => (i < p && data.statistics.length === 1 ? global.mean[i]! : NaN))),
      numberColumn('sd', proteins.map((_, i) => (i < p && data.statistics.length === 1 ? global.sd[i]! : NaN))),
      booleanColumn('dropped', proteins.map((_, i) => i >= p)),
    ]));
  }
  const trust = trustPanel({ data, networks, pairs: P, directedOf: (i) => instances[i]!.directed, instanceRows: instances.map((i) => i.row), included: includedRows, partial: { cohort: cohort.partial, byClass: new Map([...perClass].map(([c, s]) => [c, s.partial])) }, baselines, classBaselines, truth: truth ? { union: labelsFor(truth.undirected, p), byClass: (c) => labelsFor((truth.byClass.get(c) ?? truth).undirected, p) } : null, known: known ? labelsFor(known.undirected, p) : null, seed: inputs.seed, progress: inputs.progress });
  if (trust) (Object.assign(metrics, trust.metrics), tables.set('trust', trust.table));
  return { metrics, tables };
}

/** Write every table as Parquet and Arrow IPC into `dir`. Returns the file names. */
export async function writeTables(dir: string, tables: Map<string, Table>, onFile?: (file: string) => void): Promise<string[]> {
  const files: string[] = [];
  for (const [name, table] of tables) {
    await writeTable(`${dir}/${name}.parquet`, table);
    await writeTable(`${dir}/${name}.arrow`, table);
    files.push(`${name}.parquet`, `${name}.arrow`);
    onFile?.(name);
  }
  return files;
}
