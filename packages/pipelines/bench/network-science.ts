/**
 * Network-estimator experiments (a script): trains the masked predictor once per
 * data set and seed, then scores several estimators and aggregations against
 * the known network, next to the run's own baselines.
 *   node dist/bench/network-science.js --sets a,b --seeds 1,2 --json out.json
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dataSets } from './benchmark-sets.js';
import { createBackend } from '@relevance/core-wasm';
import { lrpAllTargets, stats, type Model } from '@relevance/methods';
import { loadStudyData, type StudyData, type Transform } from '../src/studies/proteomics/data.js';
import { readEdgeList } from '../src/studies/proteomics/edge-files.js';
import { computeBaselines } from '../src/studies/proteomics/baselines.js';
import { instanceNetworkForMasks } from '../src/studies/proteomics/instance-networks.js';
import { maskedInputs, complementaryMasks, leaveOneOutMasks, partitionMasks, randomMasks, uniformVisibilityMasks, type MaskSet } from '../src/studies/proteomics/masks.js';
import { classContext, modelClasses, trainMaskedModel } from '../src/studies/proteomics/masked-model.js';
import { pairCount, symmetrize } from '../src/studies/proteomics/networks.js';
import { PROTEOMICS_DEFAULTS } from '../src/studies/proteomics/study.js';
import { Generator } from '@relevance/core-wasm';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const SHARED = new URL('../../../../../shared/data/', import.meta.url).pathname;
const seeds = (flag('seeds') ?? '1').split(',').map(Number);
const maxTest = Number(flag('max-test') ?? 300);
const transform = (flag('transform') ?? 'none') as Transform;
const epochs = Number(flag('epochs') ?? PROTEOMICS_DEFAULTS.epochs);
const classInput = (flag('class-input') ?? PROTEOMICS_DEFAULTS.classInput) as 'auto' | 'off';
const patience = Number(flag('patience') ?? PROTEOMICS_DEFAULTS.patience);
const validationFraction = Number(flag('validation') ?? PROTEOMICS_DEFAULTS.validationFraction);
const restoreBest = flag('restore-best') !== '0';
const lrSchedule = (flag('lr-schedule') ?? 'constant') as 'constant' | 'cosine';
const hidden = flag('hidden')?.split(',').map(Number) ?? [...PROTEOMICS_DEFAULTS.hidden];
const optimizer = (flag('optimizer') ?? PROTEOMICS_DEFAULTS.optimizer) as 'adam' | 'adamw' | 'sgd';
const weightDecay = Number(flag('weight-decay') ?? PROTEOMICS_DEFAULTS.weightDecay);
const averageDecay = Number(flag('average-decay') ?? PROTEOMICS_DEFAULTS.averageDecay);
const lr = Number(flag('lr') ?? PROTEOMICS_DEFAULTS.lr);
const batchSize = Number(flag('batch-size') ?? PROTEOMICS_DEFAULTS.batchSize);
/** Exploration only: --hidden-per-protein k sizes every layer k x proteins, within --hidden-min and --hidden-max. */
function hiddenFor(proteins: number): number[] {
  const perProtein = flag('hidden-per-protein');
  if (!perProtein) return hidden;
  const size = Math.min(Number(flag('hidden-max') ?? Infinity), Math.max(Number(flag('hidden-min') ?? 0), Number(perProtein) * proteins));
  return hidden.map(() => size);
}
/** Seed of the data split (and of the synthetic cohort); the model seed varies with --seeds. */
const DATA_SEED = 1;
const estimators = (flag('estimators') ?? 'keyl-gamma,loo-gamma,loo-epsilon,loo-gxi,q90-gamma').split(',');

function labels(keys: Set<string>, p: number): Uint8Array {
  const out = new Uint8Array(pairCount(p));
  let k = 0;
  for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) out[k++] = keys.has(`${a}|${b}`) ? 1 : 0;
  return out;
}

function aggregations(networks: Float32Array, n: number, P: number): Record<string, Float64Array> {
  const mean = new Float64Array(P), median = new Float64Array(P), trimmed = new Float64Array(P), rankMean = new Float64Array(P);
  const col = new Float64Array(n);
  for (let k = 0; k < P; k++) {
    for (let i = 0; i < n; i++) col[i] = networks[i * P + k]!;
    const s = Float64Array.from(col).sort();
    mean[k] = s.reduce((a, b) => a + b, 0) / n;
    median[k] = stats.median(s);
    const cut = Math.floor(n * 0.2);
    let t = 0;
    for (let i = cut; i < n - cut; i++) t += s[i]!;
    trimmed[k] = t / (n - 2 * cut);
  }
  for (let i = 0; i < n; i++) {
    const r = stats.rank(Array.from(networks.subarray(i * P, (i + 1) * P)));
    for (let k = 0; k < P; k++) rankMean[k]! += r[k]! / n;
  }
  return { mean, median, trimmed, rankMean };
}

function masksFor(name: string, p: number, missing: boolean[], seed: number, row: number): MaskSet {
  const g = new Generator((BigInt(seed) << 32n) + BigInt(row));
  if (name.startsWith('keyl')) return complementaryMasks(p, 100, missing, g);
  if (name.startsWith('loo')) return leaveOneOutMasks(p, missing);
  if (name.startsWith('q90')) return randomMasks(p, 10, 0.1, missing, g);
  if (name.startsWith('q75')) return randomMasks(p, 10, 0.25, missing, g);
  if (name.startsWith('qu')) return uniformVisibilityMasks(p, 200, missing, g);
  // h25: each protein hidden with probability 0.25, until every one is hidden in 100 masks (h25x50: in 50)
  const hide = /^h(\d+)(?:x(\d+))?-/.exec(name);
  if (hide) return randomMasks(p, Number(hide[2] ?? 100), Number(hide[1]) / 100, missing, g);
  // g4: partition masks in 4 groups, 100 rounds (each protein hidden in 100 masks; g4x50: in 50)
  const groups = /^g(\d+)(?:x(\d+))?-/.exec(name);
  if (groups) return partitionMasks(p, Number(groups[2] ?? 100), Number(groups[1]), missing, g);
  throw new Error(name);
}
function ruleFor(name: string) {
  const parts = name.split('-');
  // gamma, epsilon, gxi; a number after the rule is its parameter (keyl-gamma0.25)
  const m = /^([a-z]+)([0-9.e-]*)$/.exec(parts[1]!)!;
  const r = m[1]!;
  const value = m[2] ? Number(m[2]) : null;
  return { rule: (r === 'gxi' ? 'gradient-x-input' : r) as 'gamma' | 'epsilon' | 'gradient-x-input', gamma: r === 'gamma' && value !== null ? value : 0.01, epsilon: r === 'epsilon' && value !== null ? value : 1e-6 };
}

/** Leave-one-out occlusion: f_t(all but t visible) - f_t(all but t and s visible), for every t, s. */
async function occlusionNetwork(model: Model, x: Float64Array): Promise<Float64Array> {
  const p = x.length;
  const visible = new Uint8Array(p * p * p); // block t: row 0 = all but t, row 1 + s' = also s hidden
  for (let t = 0; t < p; t++) for (let k = 0; k < p; k++) for (let j = 0; j < p; j++) {
    const hiddenS = k === 0 ? -1 : k - 1 >= t ? k : k - 1;
    visible[(t * p + k) * p + j] = j === t || j === hiddenS || Number.isNaN(x[j]!) ? 0 : 1;
  }
  const set = { visible, count: p * p, proteins: p, hiddenCount: new Int32Array(p) };
  const inputs = maskedInputs(x, set);
  const be = model.be;
  const xt = be.tensor(inputs, [p * p, 2 * p]);
  const y = model.predict(xt);
  const out = (await y.read()) as Float32Array;
  xt.dispose();
  y.dispose();
  const d = new Float64Array(p * p);
  for (let t = 0; t < p; t++) for (let k = 1; k < p; k++) {
    const s = k - 1 >= t ? k : k - 1;
    d[t * p + s] = out[(t * p) * p + t]! - out[(t * p + k) * p + t]!;
  }
  return d;
}

/** Keyl masks; R(s -> t) accumulated overall and separately over masks where each mediator b is visible. */
async function conditionalNetwork(model: Model, x: Float64Array, seed: number, row: number): Promise<{ unconditional: Float64Array; conditional: Float64Array }> {
  const p = x.length;
  const set = complementaryMasks(p, 100, Array.from(x, Number.isNaN), new Generator((BigInt(seed) << 32n) + BigInt(row)));
  const targets: Int32Array[] = [];
  for (let k = 0; k < set.count; k++) {
    const t: number[] = [];
    for (let j = 0; j < p; j++) if (!set.visible[k * p + j]) t.push(j);
    targets.push(Int32Array.from(t));
  }
  const unc = new Float64Array(p * p), cnt = new Float64Array(p);
  const cond = new Float64Array(p * p * p), ccnt = new Float64Array(p * p); // [t][s][b], counts [t][b]
  const be = model.be;
  const xt = be.tensor(maskedInputs(x, set), [set.count, 2 * p]);
  await lrpAllTargets(model, xt, {
    rule: 'gamma',
    gamma: 0.01,
    targetsPerRow: targets,
    batchSize: set.count,
    onRow: (k, rel, list) => {
      const vis = set.visible.subarray(k * p, (k + 1) * p);
      for (let i = 0; i < list.length; i++) {
        const t = list[i]!;
        cnt[t]!++;
        for (let b = 0; b < p; b++) if (vis[b]) ccnt[t * p + b]!++;
        for (let s2 = 0; s2 < p; s2++) {
          if (!vis[s2]) continue;
          const v = rel[i * 2 * p + s2]! + rel[i * 2 * p + p + s2]!;
          unc[t * p + s2]! += v;
          for (let b = 0; b < p; b++) if (vis[b]) cond[(t * p + s2) * p + b]! += v;
        }
      }
    },
  });
  xt.dispose();
  for (let t = 0; t < p; t++) {
    for (let s2 = 0; s2 < p; s2++) {
      unc[t * p + s2] = cnt[t] ? unc[t * p + s2]! / cnt[t]! : 0;
      for (let b = 0; b < p; b++) cond[(t * p + s2) * p + b] = ccnt[t * p + b] ? cond[(t * p + s2) * p + b]! / ccnt[t * p + b]! : 0;
    }
  }
  return { unconditional: unc, conditional: cond };
}

/** Cohort scores from the conditional accumulators: unconditional mean, min over mediators, at the DPI mediator. */
function conditionalScores(unc: Float32Array, cond: Float32Array, n: number, p: number): Record<string, Float64Array> {
  const P = pairCount(p);
  const U = new Float64Array(p * p), C = new Float64Array(p * p * p);
  for (let i = 0; i < n; i++) for (let t = 0; t < p; t++) for (let s2 = 0; s2 < p; s2++) {
    U[t * p + s2]! += Math.abs(unc[i * p * p + t * p + s2]!) / n;
    for (let b = 0; b < p; b++) C[(t * p + s2) * p + b]! += Math.abs(cond[i * p * p * p + (t * p + s2) * p + b]!) / n;
  }
  const mean = new Float64Array(P), minB = new Float64Array(P), atStar = new Float64Array(P), ratio = new Float64Array(P);
  const S = (a: number, c: number): number => (U[a * p + c]! + U[c * p + a]!) / 2;
  const Cs = (a: number, c: number, b: number): number => (C[(a * p + c) * p + b]! + C[(c * p + a) * p + b]!) / 2;
  for (let a = 0, k = 0; a < p; a++) for (let c = a + 1; c < p; c++, k++) {
    mean[k] = S(a, c);
    let mn = Infinity, best = -1, bestPath = -1;
    for (let b = 0; b < p; b++) {
      if (b === a || b === c) continue;
      mn = Math.min(mn, Cs(a, c, b));
      const path = Math.min(S(a, b), S(b, c));
      if (path > bestPath) { bestPath = path; best = b; }
    }
    minB[k] = mn;
    atStar[k] = best >= 0 ? Cs(a, c, best) : S(a, c);
    ratio[k] = best >= 0 ? S(a, c) * Math.min(1, Cs(a, c, best) / Math.max(S(a, c), 1e-12)) : S(a, c);
  }
  return { mean, minB, atStar, ratio };
}

const results: Record<string, unknown>[] = [];
const be = await createBackend('wasm');
for (const ds of dataSets({ shared: SHARED, flag, dataSeed: DATA_SEED, heterogeneous: true })) {
  const data: StudyData = await loadStudyData({ source: ds.data, idColumn: ds.id, classColumn: ds.classColumn, maxMissing: 0.5, transform, testFraction: 0.3, standardize: 'global', seed: DATA_SEED });
  const truth = await readEdgeList(ds.truth, data.proteins, 'truth');
  const p = data.proteins.length, P = pairCount(p);
  const y = labels(truth.undirected, p);
  const base = Object.fromEntries([...computeBaselines(data, data.train, 1)].map(([k, v]) => [k, v.pairs]));
  const row: Record<string, unknown> = { set: ds.name, p, positives: y.reduce((a, b) => a + b, 0) };
  for (const [k, v] of Object.entries(base)) row[`base.${k}`] = stats.auroc(v, y);
  const ensemble: Record<string, Float64Array> = {};
  const dump: Record<string, number[]> = { labels: Array.from(y) };
  for (const [k, v] of Object.entries(base)) dump[`base.${k}`] = Array.from(v);
  for (const seed of seeds) {
    const t0 = performance.now();
    const { model, history } = await trainMaskedModel(be, data, { ...PROTEOMICS_DEFAULTS, lr, batchSize, hidden: hiddenFor(p), epochs, patience, validationFraction, restoreBest, lrSchedule, classInput, optimizer, weightDecay, averageDecay, seed });
    row[`train_s.${seed}`] = (performance.now() - t0) / 1000;
    row[`epochs.${seed}`] = history.epochs.length;
    row[`val.${seed}`] = history.bestLoss;
    // an evenly spaced subset of the test rows: files are often ordered (by group, by pseudotime)
    const stride = Math.max(1, data.test.length / maxTest);
    const test = data.test.length <= maxTest ? data.test : Array.from({ length: maxTest }, (_, i) => data.test[Math.floor(i * stride)]!);
    const instDir = flag('instances');
    const directedAll = instDir ? new Float32Array(test.length * p * p) : null;
    // the other estimators' directed networks, dumped as <set>.<seed>.<estimator>.f32
    const directedOthers: Record<string, Float32Array> | null = instDir ? {} : null;
    const combos: Record<string, ArrayLike<number>> = {};
    for (const est of estimators) {
      const t1 = performance.now();
      if ((est === 'cond' || est.startsWith('occ')) && modelClasses(model, data).length) throw new Error(`--estimators ${est} builds protein-only inputs; add --class-input off for data with classes`);
      const networks = new Float32Array(test.length * P);
      const condUnc = est === 'cond' ? new Float32Array(test.length * p * p) : new Float32Array(0);
      const condAll = est === 'cond' ? new Float32Array(test.length * p * p * p) : new Float32Array(0);
      const normT = new Float32Array(test.length * P);
      const normP = new Float32Array(test.length * P);
      for (let i = 0; i < test.length; i++) {
        const r = test[i]!;
        const x = Float64Array.from(data.values.subarray(r * p, (r + 1) * p));
        if (est === 'cond') {
          const c = await conditionalNetwork(model, x, seed, r);
          condUnc.set(c.unconditional, i * p * p);
          condAll.set(c.conditional, i * p * p * p);
          continue;
        }
        if (est.startsWith('occ')) {
          symmetrize(await occlusionNetwork(model, x), p, networks.subarray(i * P, (i + 1) * P));
          continue;
        }
        const set = masksFor(est, p, Array.from(x, Number.isNaN), seed, r);
        const net = await instanceNetworkForMasks(model, be, x, set, ruleFor(est), classContext(data, modelClasses(model, data), r));
        symmetrize(net.directed, p, networks.subarray(i * P, (i + 1) * P));
        if (directedAll && est === estimators[0]) directedAll.set(net.directed, i * p * p);
        if (directedOthers && est !== estimators[0]) (directedOthers[est] ??= new Float32Array(test.length * p * p)).set(net.directed, i * p * p);
        const rowNorm = Float32Array.from(net.directed);
        for (let t = 0; t < p; t++) {
          let sum = 0;
          for (let s2 = 0; s2 < p; s2++) sum += Math.abs(rowNorm[t * p + s2]!);
          for (let s2 = 0; s2 < p; s2++) rowNorm[t * p + s2] = sum > 0 ? rowNorm[t * p + s2]! / sum : 0;
        }
        symmetrize(rowNorm, p, normT.subarray(i * P, (i + 1) * P));
        let total = 0;
        for (let k = 0; k < P; k++) total += networks[i * P + k]!;
        for (let k = 0; k < P; k++) normP[i * P + k] = total > 0 ? networks[i * P + k]! / total : 0;
      }
      row[`net_s.${est}.${seed}`] = (performance.now() - t1) / 1000;
      const aggs: Record<string, Float64Array> = est === 'cond' ? conditionalScores(condUnc, condAll, test.length, p) : aggregations(networks, test.length, P);
      for (const [name, m] of [['normT', normT], ['normP', normP]] as const) {
        const a = aggregations(m, test.length, P);
        aggs[`${name}Mean`] = a.mean!;
        aggs[`${name}Median`] = a.median!;
      }
      for (const [agg, scores] of Object.entries(aggs)) {
        row[`${est}.${agg}.${seed}`] = stats.auroc(scores, y);
        dump[`${est}.${agg}.${seed}`] = Array.from(scores);
        row[`${est}.${agg}.${seed}.aupr`] = stats.aupr(scores, y);
        const key = `${est}.${agg}`;
        const rk = stats.rank(Array.from(scores));
        ensemble[key] ??= new Float64Array(P);
        for (let k = 0; k < P; k++) ensemble[key]![k]! += rk[k]!;
        if (agg === 'mean') {
          combos[est] = rk;
          const pc = stats.rank(Array.from(base.partial_correlation));
          const comb = Float64Array.from(rk, (v, k) => v + pc[k]!);
          row[`${est}.mean+pcor.${seed}`] = stats.auroc(comb, y);
        }
      }
    }
    if (instDir && directedAll) {
      mkdirSync(instDir, { recursive: true });
      writeFileSync(`${instDir}/${ds.name}.${seed}.f32`, Buffer.from(directedAll.buffer));
      for (const [est, a] of Object.entries(directedOthers ?? {})) writeFileSync(`${instDir}/${ds.name}.${seed}.${est}.f32`, Buffer.from(a.buffer));
      const trainRows = data.train;
      const trainValues = new Float32Array(trainRows.length * p);
      trainRows.forEach((r, i) => trainValues.set(data.values.subarray(r * p, (r + 1) * p), i * p));
      writeFileSync(`${instDir}/${ds.name}.${seed}.train.f32`, Buffer.from(trainValues.buffer));
      writeFileSync(`${instDir}/${ds.name}.${seed}.json`, JSON.stringify({
        p, n: test.length, proteins: data.proteins, labels: Array.from(y), directedTruth: [...truth.directed], byClass: Object.fromEntries([...truth.byClass].map(([k, v]) => [k, [...v.undirected]])),
        testClasses: data.labels ? test.map((r) => data.labels![r]) : null, trainClasses: data.labels ? trainRows.map((r) => data.labels![r]) : null,
        base, trainS: row[`train_s.${seed}`],
      }));
    }
    const names = Object.keys(combos);
    for (let a = 0; a < names.length; a++) for (let b = a + 1; b < names.length; b++) {
      const ca = combos[names[a]!]!, cb = combos[names[b]!]!;
      const comb = Float64Array.from(ca, (v, k) => v + cb[k]!);
      row[`${names[a]}+${names[b]}.mean.${seed}`] = stats.auroc(comb, y);
    }
    model.dispose();
  }
  if (seeds.length > 1) for (const [k, v] of Object.entries(ensemble)) row[`${k}.ens`] = stats.auroc(v, y);
  results.push(row);
  const dumpDir = flag('dump');
  if (dumpDir) writeFileSync(`${dumpDir}/${ds.name}.json`, JSON.stringify(dump));
  console.log(JSON.stringify(row));
}
be.destroy();
const out = flag('json');
if (out) writeFileSync(out, JSON.stringify(results, null, 1));
