/**
 * Exploration (issue 10): how the network depends on where training stops.
 *
 * Default mode: early stopping per target instead of on the mean
 * validation loss. Trains the masked predictor for every epoch on 90 % of the
 * training rows, records each target's validation MSE on the other 10 % (fixed
 * masks) at checkpoints, and writes the patients' directed networks of several
 * stopping rules in network-science.ts's dump layout (one folder per rule):
 *   global   the default: best mean validation loss, patience 60
 *   target   each target from the checkpoint of its own best validation MSE,
 *            searched with the same patience per target
 *   last     the weights after every epoch
 *   node dist/bench/training-trajectory.js --out DIR [--sets a,b] [--seeds 1] [--classed DIR] [--extra d1,d2]
 *
 * --curve: the network along training instead. Every `--every` epochs it prints
 * the validation MSE, the AUROC of the mean |relevance| network of `--probe`
 * test patients (`--masks` per target) and its Spearman correlation with the
 * previous checkpoint's, for the raw weights and for their moving average
 * over epochs (`--ema` decay, default 0.9).
 *   node dist/bench/training-trajectory.js --curve --sets HSC,synthetic --classed DIR --masks 20 --probe 40 --every 20
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { createBackend, Generator } from '@relevance/core-wasm';
import { lrpAllTargets, stats, type Model } from '@relevance/methods';
import { dataSets } from './benchmark-sets.js';
import { loadStudyData, type StudyData } from '../src/studies/proteomics/data.js';
import { readEdgeList } from '../src/studies/proteomics/edge-files.js';
import { computeBaselines } from '../src/studies/proteomics/baselines.js';
import { maskedInputs, complementaryMasks } from '../src/studies/proteomics/masks.js';
import { instanceGenerator } from '../src/studies/proteomics/instance-networks.js';
import { classContext, inputClasses, trainMaskedModel } from '../src/studies/proteomics/masked-model.js';
import { PROTEOMICS_DEFAULTS } from '../src/studies/proteomics/study.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const SHARED = new URL('../../../../../shared/data/', import.meta.url).pathname;
const OUT = flag('out') ?? '/tmp/per-target';
const seeds = (flag('seeds') ?? '1').split(',').map(Number);
const maxTest = Number(flag('max-test') ?? 200);
const every = Number(flag('every') ?? 10);
const epochs = Number(flag('epochs') ?? PROTEOMICS_DEFAULTS.epochs);
const patience = PROTEOMICS_DEFAULTS.patience;
const valMasks = Number(flag('val-masks') ?? 4);
const maskCount = Number(flag('masks') ?? PROTEOMICS_DEFAULTS.masks);
const DATA_SEED = 1;

/** Fixed validation inputs: `valMasks` masks per held-out row, visibility q ~ U(0.01, 0.99) as in training. */
function validationInputs(data: StudyData, rows: number[], classes: string[], g: Generator) {
  const p = data.proteins.length;
  const width = 2 * p + classes.length;
  const n = rows.length * valMasks;
  const x = new Float32Array(n * width), y = new Float32Array(n * p), m = new Uint8Array(n * p);
  let k = 0;
  for (const r of rows) {
    const ctx = classContext(data, classes, r);
    for (let v = 0; v < valMasks; v++, k++) {
      const q = 0.01 + 0.98 * g.uniform();
      for (let j = 0; j < p; j++) {
        const val = data.values[r * p + j]!;
        const ok = !Number.isNaN(val);
        const vis = ok && g.uniform() < q;
        x[k * width + j] = vis ? val : 0;
        x[k * width + p + j] = vis ? 1 - val : 0;
        y[k * p + j] = ok ? val : 0;
        m[k * p + j] = ok && !vis ? 1 : 0;
      }
      x.set(ctx, k * width + 2 * p);
    }
  }
  return { x, y, m, n, width };
}

async function readWeights(model: Model): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const t of model.parameters().values()) out.push(Float32Array.from(await model.be.readFloat(t)));
  return out;
}
function writeWeights(model: Model, w: Float32Array[]): void {
  let i = 0;
  for (const t of model.parameters().values()) model.be.write(t, w[i++]!);
}

/** Directed networks of the test rows; target t from snapshot `epochOf[t]`. */
async function networks(model: Model, data: StudyData, test: number[], classes: string[], seed: number, epochOf: Int32Array, snaps: Map<number, Float32Array[]>): Promise<Float32Array> {
  const p = data.proteins.length;
  const width = 2 * p + classes.length;
  const out = new Float32Array(test.length * p * p);
  const groups = new Map<number, Set<number>>();
  epochOf.forEach((e, t) => { if (!groups.has(e)) groups.set(e, new Set()); groups.get(e)!.add(t); });
  for (const [e, group] of groups) {
    writeWeights(model, snaps.get(e)!);
    for (let i = 0; i < test.length; i++) {
      const r = test[i]!;
      const x = Float64Array.from(data.values.subarray(r * p, (r + 1) * p));
      const set = complementaryMasks(p, maskCount, Array.from(x, Number.isNaN), instanceGenerator(seed, r));
      const targets: Int32Array[] = [];
      for (let k = 0; k < set.count; k++) {
        const t: number[] = [];
        for (let j = 0; j < p; j++) if (!set.visible[k * p + j] && group.has(j)) t.push(j);
        targets.push(Int32Array.from(t));
      }
      const xt = model.be.tensor(maskedInputs(x, set, undefined, classContext(data, classes, r)), [set.count, width]);
      const directed = out.subarray(i * p * p, (i + 1) * p * p);
      try {
        await lrpAllTargets(model, xt, {
          rule: PROTEOMICS_DEFAULTS.rule, gamma: PROTEOMICS_DEFAULTS.gamma, epsilon: PROTEOMICS_DEFAULTS.epsilon, targetsPerRow: targets, batchSize: set.count,
          onRow: (k, rel, list) => {
            for (let a = 0; a < list.length; a++) {
              const t = list[a]!;
              const scale = 1 / set.hiddenCount[t]!;
              for (let s = 0; s < p; s++) if (set.visible[k * p + s]) directed[t * p + s]! += (rel[a * width + s]! + rel[a * width + p + s]!) * scale;
            }
          },
        });
      } finally {
        xt.dispose();
      }
    }
  }
  return out;
}

function labels(keys: Set<string>, p: number): number[] {
  const out: number[] = [];
  for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) out.push(keys.has(`${a}|${b}`) ? 1 : 0);
  return out;
}


/** 90 / 10 split of the training rows (the default validation fraction), seeded by the model seed. */
function splitTrain(data: StudyData, seed: number): { fitRows: number[]; valRows: number[]; g: Generator } {
  const g = new Generator(BigInt(seed) * 7919n + 17n);
  const order = [...data.train];
  for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(g.uniform() * (i + 1)); [order[i], order[j]] = [order[j]!, order[i]!]; }
  const held = Math.max(1, Math.round(order.length * PROTEOMICS_DEFAULTS.validationFraction));
  return { valRows: order.slice(0, held).sort((a, b) => a - b), fitRows: order.slice(held).sort((a, b) => a - b), g };
}
async function perTargetStop(): Promise<void> {
for (const ds of dataSets({ shared: SHARED, flag, dataSeed: DATA_SEED, heterogeneous: false })) {
  const data = await loadStudyData({ source: ds.data, idColumn: ds.id, classColumn: ds.classColumn, maxMissing: 0.5, transform: 'none', testFraction: 0.3, standardize: 'global', seed: DATA_SEED });
  const truth = await readEdgeList(ds.truth, data.proteins, 'truth');
  const p = data.proteins.length;
  const base = Object.fromEntries([...computeBaselines(data, data.train, 1)].map(([k, v]) => [k, Array.from(v.pairs)]));
  const stride = Math.max(1, data.test.length / maxTest);
  const test = data.test.length <= maxTest ? [...data.test] : Array.from({ length: maxTest }, (_, i) => data.test[Math.floor(i * stride)]!);
  const classes = inputClasses(data, PROTEOMICS_DEFAULTS.classInput);
  for (const seed of seeds) {
    const { fitRows, valRows, g } = splitTrain(data, seed);
    const v = validationInputs(data, valRows, classes, g);
    const snaps = new Map<number, Float32Array[]>();
    const perTarget: Array<{ epoch: number; mse: Float64Array }> = [];
    const globalCurve: number[] = [];
    let gBest = Infinity, gBestEpoch = -1, gStop = -1;
    const t0 = performance.now();
    const { model } = await trainMaskedModel(be, { ...data, train: fitRows }, { ...PROTEOMICS_DEFAULTS, epochs, validationFraction: 0, seed }, async (e, m) => {
      const xt = m.be.tensor(v.x, [v.n, v.width]);
      const pred = m.predict(xt);
      const out = (await pred.read()) as Float32Array;
      xt.dispose();
      pred.dispose();
      const se = new Float64Array(p), cnt = new Float64Array(p);
      for (let k = 0; k < v.n; k++) for (let j = 0; j < p; j++) if (v.m[k * p + j]) { se[j]! += (out[k * p + j]! - v.y[k * p + j]!) ** 2; cnt[j]!++; }
      const total = se.reduce((a, b) => a + b, 0) / cnt.reduce((a, b) => a + b, 0);
      globalCurve.push(total);
      if (gStop < 0) {
        if (total < gBest) { gBest = total; gBestEpoch = e.epoch; snaps.set(-1, await readWeights(m)); } else if (e.epoch - gBestEpoch >= patience) gStop = e.epoch;
      }
      if ((e.epoch + 1) % every === 0) {
        perTarget.push({ epoch: e.epoch, mse: Float64Array.from(se, (s, j) => (cnt[j] ? s / cnt[j]! : Infinity)) });
        snaps.set(e.epoch, await readWeights(m));
      }
    });
    const trainS = (performance.now() - t0) / 1000;
    // each target's best checkpoint, searched with the default patience per target
    const epochOf = new Int32Array(p), bestAll = new Int32Array(p);
    let allStop = 0;
    for (let t = 0; t < p; t++) {
      let best = Infinity, be2 = perTarget[0]!.epoch, stopped = false, bestA = Infinity;
      for (const c of perTarget) {
        if (c.mse[t]! < bestA) { bestA = c.mse[t]!; bestAll[t] = c.epoch; }
        if (stopped) continue;
        if (c.mse[t]! < best) { best = c.mse[t]!; be2 = c.epoch; } else if (c.epoch - be2 >= patience) { stopped = true; allStop = Math.max(allStop, c.epoch); }
      }
      if (!stopped) allStop = epochs - 1;
      epochOf[t] = be2;
    }
    console.log(JSON.stringify({ set: ds.name, seed, p, trainS, globalBest: gBestEpoch, globalStop: gStop, targetStop: allStop, epochOf: Array.from(epochOf), bestAll: Array.from(bestAll), proteins: data.proteins }));
    const rules: Record<string, Int32Array> = { global: new Int32Array(p).fill(-1), target: epochOf, targetAll: bestAll, last: new Int32Array(p).fill(perTarget[perTarget.length - 1]!.epoch) };
    for (const [rule, eo] of Object.entries(rules)) {
      const t1 = performance.now();
      const nets = await networks(model, data, test, classes, seed, eo, snaps);
      const dir = `${OUT}/${rule}`;
      mkdirSync(dir, { recursive: true });
      writeFileSync(`${dir}/${ds.name}.${seed}.f32`, Buffer.from(nets.buffer));
      const trainValues = new Float32Array(data.train.length * p);
      data.train.forEach((r, i) => trainValues.set(data.values.subarray(r * p, (r + 1) * p), i * p));
      writeFileSync(`${dir}/${ds.name}.${seed}.train.f32`, Buffer.from(trainValues.buffer));
      writeFileSync(`${dir}/${ds.name}.${seed}.json`, JSON.stringify({
        p, n: test.length, proteins: data.proteins, labels: labels(truth.undirected, p), base,
        testClasses: data.labels ? test.map((r) => data.labels![r]) : null, trainClasses: data.labels ? data.train.map((r) => data.labels![r]) : null,
        netS: (performance.now() - t1) / 1000, curve: rule === 'global' ? globalCurve : undefined,
      }));
    }
    model.dispose();
  }
}
}

const probeN = Number(flag('probe') ?? 40);
const emaDecay = Number(flag('ema') ?? 0.9);
function scoreOf(nets: Float32Array, n: number, p: number): Float64Array {
  const out = new Float64Array((p * (p - 1)) / 2);
  for (let i = 0; i < n; i++) {
    const A = nets.subarray(i * p * p, (i + 1) * p * p);
    let k = 0;
    for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) out[k++]! += (Math.abs(A[a * p + b]!) + Math.abs(A[b * p + a]!)) / 2;
  }
  return out;
}
async function trainingCurve(): Promise<void> {
for (const ds of dataSets({ shared: SHARED, flag, dataSeed: DATA_SEED, heterogeneous: false })) {
  const data = await loadStudyData({ source: ds.data, idColumn: ds.id, classColumn: ds.classColumn, maxMissing: 0.5, transform: 'none', testFraction: 0.3, standardize: 'global', seed: DATA_SEED });
  const truth = await readEdgeList(ds.truth, data.proteins, 'truth');
  const p = data.proteins.length;
  const y = labels(truth.undirected, p);
  const stride = Math.max(1, data.test.length / probeN);
  const probe = Array.from({ length: Math.min(probeN, data.test.length) }, (_, i) => data.test[Math.floor(i * stride)]!);
  const classes = inputClasses(data, PROTEOMICS_DEFAULTS.classInput);
  for (const seed of seeds) {
    const { fitRows, valRows, g } = splitTrain(data, seed);
    const v = validationInputs(data, valRows, classes, g);
    const curve: Array<Record<string, number>> = [];
    const prev = new Map<string, Float64Array>();
    let ema: Float32Array[] | null = null;
    const all = new Int32Array(p);
    await trainMaskedModel(be, { ...data, train: fitRows }, { ...PROTEOMICS_DEFAULTS, epochs, validationFraction: 0, seed }, async (e, m) => {
      const w = await readWeights(m);
      if (!ema) ema = w.map((a) => Float32Array.from(a));
      else ema.forEach((a, i) => { const b = w[i]!; for (let k = 0; k < a.length; k++) a[k] = emaDecay * a[k]! + (1 - emaDecay) * b[k]!; });
      if ((e.epoch + 1) % every !== 0) return;
      const point: Record<string, number> = { epoch: e.epoch };
      for (const [tag, weights] of [['', w], ['ema_', ema]] as const) {
      writeWeights(m, weights);
      const xt = m.be.tensor(v.x, [v.n, v.width]);
      const pred = m.predict(xt);
      const out = (await pred.read()) as Float32Array;
      xt.dispose();
      pred.dispose();
      let se = 0, cnt = 0;
      for (let k = 0; k < v.n * p; k++) if (v.m[k]) { se += (out[k]! - v.y[k]!) ** 2; cnt++; }
      const snaps = new Map([[0, weights]]);
      const nets = await networks(m, data, probe, classes, seed, all, snaps);
      const sc = scoreOf(nets, probe.length, p);
      const pv = prev.get(tag);
      point[`${tag}rho`] = pv ? stats.spearman(Array.from(pv), Array.from(sc)) : NaN;
      prev.set(tag, sc);
      point[`${tag}val`] = se / cnt;
      point[`${tag}auroc`] = stats.auroc(sc, Uint8Array.from(y));
      }
      writeWeights(m, w);
      curve.push(point);
    });
    console.log(JSON.stringify({ set: ds.name, seed, curve }));
  }
}
}

const be = await createBackend('wasm');
if (args.includes('--curve')) await trainingCurve();
else await perTargetStop();
be.destroy();
