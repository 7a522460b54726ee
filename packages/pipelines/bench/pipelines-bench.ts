/**
 * Proteomics benchmark (a script, not a test): seconds per instance network
 * and per training epoch for Keyl et al.'s two configurations, the projected
 * time for a TCGA-sized cohort, and how the cohort AUROC on their homogeneous
 * data depends on the masks per target and on the model size.
 *
 *   node dist/bench/pipelines-bench.js [--json out.json] [--quick] [--paper] [--baseline <checkout>] [--peer <keyl-src>] [--threads n] [--backend wasm|webgpu]
 *
 * --paper: only the paper's workload (147 proteins, hidden 1470x3, 100 masks):
 * seconds per patient network and per training epoch of 3,400 rows, and the
 * end-to-end time for 3,400 train + 3,400 test patients for several stated
 * epoch counts (the study stops early, patience 60, at most 400 epochs; how
 * many it takes at this shape is not measured here, so no single figure is
 * claimed).
 * --baseline <checkout>: with --paper, also time the patient network of another
 * built checkout (its packages' dist/, e.g. main in a git worktree after
 * `npm run build`), alternating patient by patient with this one on the same
 * inputs in this process, and say whether the networks are bit-identical.
 * --peer <dir>: also measure Keyl et al.'s PyTorch code (PhGK/ProteinNetworkLRP
 * extracted into <dir>, see ../shared/peers/README.md) on the same work in the
 * same run, through ../shared/peers/time_peer.py, and print the measured ratio.
 * Without --peer the ratio is against the figures in issue 13 (same machine,
 * measured earlier: 0.54-0.62 s and 23.5-25.9 s per patient network), which
 * are not measured now and say so.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cpus } from 'node:os';
import { createBackend, Generator, type Backend, type BackendName } from '@relevance/core-wasm';
import { mlp, train } from '@relevance/methods';
import { loadStudyData } from '../src/studies/proteomics/data.js';
import { readEdgeList } from '../src/studies/proteomics/edge-files.js';
import { finalize, type InstanceRecord } from '../src/studies/proteomics/finalize.js';
import { instanceNetwork } from '../src/studies/proteomics/instance-networks.js';
import { maskedInputTransform, trainMaskedModel } from '../src/studies/proteomics/masked-model.js';
import { PROTEOMICS_DEFAULTS } from '../src/studies/proteomics/study.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes('--quick');
const paper = args.includes('--paper');
const peerSource = flag('peer');
const baselineRoot = flag('baseline');
const PEERS = new URL('../../../../../shared/peers/', import.meta.url).pathname;
const jsonPath = flag('json');
const backendName = (flag('backend') ?? 'wasm') as BackendName;
const threads = flag('threads') ? Number(flag('threads')) : undefined;
const KEYL = new URL('../../../../../shared/data/keyl2022_proteinnetworklrp/', import.meta.url).pathname;

interface Config {
  name: string;
  proteins: number;
  hidden: number[];
  /** Keyl et al.'s seconds per patient network measured on this machine for issue 13 (not now). */
  issueRange: [number, number];
  /** time_peer.py mode that times the same work in the peer. */
  peerMode: 'lrp32' | 'lrp147';
}

/** Median seconds per patient network of Keyl et al.'s code, measured now through ../shared/peers/time_peer.py (torch 1 thread). */
function peerSeconds(c: Config, patients: number): number | null {
  if (!peerSource) return null;
  const dir = mkdtempSync(join(tmpdir(), 'relevance-peer-'));
  for (const f of ['time_peer.py', 'common.py']) copyFileSync(join(PEERS, f), join(dir, f));
  // common.py reads shared/data/... relative to the working folder: the parent of shared/
  const r = spawnSync('/usr/bin/python3', [join(dir, 'time_peer.py'), c.peerMode, '1', String(patients)], {
    cwd: join(PEERS, '..', '..'), encoding: 'utf8', env: { ...process.env, KEYL_SRC: peerSource, PYTHONPATH: `${dir}:${peerSource}` },
  });
  const line = r.stdout.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  if (r.status !== 0 || !line) throw new Error(`peer ${c.peerMode} failed (exit ${r.status}): ${r.stderr.slice(-800)}`);
  return (JSON.parse(line) as { median_s_per_patient: number }).median_s_per_patient;
}

/** Keyl et al.'s masks (half of the other proteins visible): the same work as their code and as issue 13's figures (the study's default shows three quarters, twice the passes). */
const KEYL_MASK_GROUPS = 2;

const CONFIGS: Config[] = [
  { name: 'Keyl synthetic: 32 proteins, hidden 320x3', proteins: 32, hidden: [320, 320, 320], issueRange: [0.54, 0.62], peerMode: 'lrp32' },
  { name: 'Keyl TCPA: 147 proteins, hidden 1470x3', proteins: 147, hidden: [1470, 1470, 1470], issueRange: [23.5, 25.9], peerMode: 'lrp147' },
];

async function instanceSeconds(be: Backend, c: Config): Promise<{ seconds: number; instances: number }> {
  const model = mlp(be, { inputs: 2 * c.proteins, hidden: c.hidden, outputs: c.proteins, seed: 1 });
  const g = new Generator(7);
  const reps = quick ? 1 : c.proteins > 100 ? 3 : 20;
  try {
    const x = (): Float64Array => Float64Array.from({ length: c.proteins }, () => g.normal());
    await instanceNetwork(model, be, x(), 0, { rule: 'gamma', gamma: 0.01, epsilon: 1e-6, masks: 100, maskGroups: KEYL_MASK_GROUPS, seed: 1 }); // warm-up
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) await instanceNetwork(model, be, x(), r + 1, { rule: 'gamma', gamma: 0.01, epsilon: 1e-6, masks: 100, maskGroups: KEYL_MASK_GROUPS, seed: 1 });
    return { seconds: (performance.now() - t0) / 1000 / reps, instances: reps };
  } finally {
    model.dispose();
  }
}

type InstanceNetworkFn = typeof instanceNetwork;

/** The baseline checkout's own backend, model builder and instance network (its dist/), for --baseline. */
async function loadBaseline(root: string): Promise<{ be: Backend; mlp: typeof mlp; instanceNetwork: InstanceNetworkFn }> {
  const at = (path: string): string => pathToFileURL(join(root, path)).href;
  const core = (await import(at('packages/core-wasm/dist/src/index.js'))) as { createBackend: typeof createBackend };
  const methods = (await import(at('packages/methods/dist/src/index.js'))) as { mlp: typeof mlp };
  const study = (await import(at('packages/pipelines/dist/src/studies/proteomics/instance-networks.js'))) as { instanceNetwork: InstanceNetworkFn };
  return { be: await core.createBackend(backendName, threads ? { threads } : {}), mlp: methods.mlp, instanceNetwork: study.instanceNetwork };
}

/**
 * Seconds per patient network of this checkout and of the baseline, patient by
 * patient in turn (which goes first alternates), on the same inputs and the
 * same model weights; medians, and whether every network was bit-identical.
 */
async function againstBaseline(be: Backend, c: Config, root: string, patients: number): Promise<{ seconds: number; baselineSeconds: number; cpu: number; baselineCpu: number; identical: boolean }> {
  const base = await loadBaseline(root);
  const ours = mlp(be, { inputs: 2 * c.proteins, hidden: c.hidden, outputs: c.proteins, seed: 1 });
  const theirs = base.mlp(base.be, { inputs: 2 * c.proteins, hidden: c.hidden, outputs: c.proteins, seed: 1 });
  const options = { rule: 'gamma', gamma: 0.01, epsilon: 1e-6, masks: 100, maskGroups: KEYL_MASK_GROUPS, seed: 1 };
  const g = new Generator(7);
  const times: [number[], number[]] = [[], []];
  // process CPU seconds (all threads) per patient: only the side running uses CPU, and it counts less of the load of other processes
  const cpu: [number[], number[]] = [[], []];
  let identical = true;
  try {
    for (let r = 0; r <= patients; r++) {
      const x = Float64Array.from({ length: c.proteins }, () => g.normal());
      const nets: Float32Array[] = [];
      for (const side of r % 2 ? [0, 1] : [1, 0]) {
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        const net = side === 0 ? await instanceNetwork(ours, be, x, r, options) : await base.instanceNetwork(theirs, base.be, x, r, options);
        if (r > 0) {
          // patient 0 warms both up
          times[side]!.push((performance.now() - t0) / 1000);
          const used = process.cpuUsage(c0);
          cpu[side]!.push((used.user + used.system) / 1e6);
        }
        nets[side] = net.directed;
      }
      identical &&= nets[0]!.length === nets[1]!.length && nets[0]!.every((v, i) => Object.is(v, nets[1]![i]));
    }
  } finally {
    ours.dispose();
    theirs.dispose();
    base.be.destroy();
  }
  const median = (a: number[]): number => [...a].sort((p, q) => p - q)[a.length >> 1]!;
  return { seconds: median(times[0]), baselineSeconds: median(times[1]), cpu: median(cpu[0]), baselineCpu: median(cpu[1]), identical };
}

async function epochSeconds(be: Backend, c: Config, rows: number, batchSize: number): Promise<number> {
  const p = c.proteins;
  const g = new Generator(3);
  const x = new Float32Array(rows * 2 * p);
  const y = new Float32Array(rows * p);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < p; j++) {
      const v = g.normal();
      x[r * 2 * p + j] = v;
      x[r * 2 * p + p + j] = 1;
      y[r * p + j] = v;
    }
  }
  const model = mlp(be, { inputs: 2 * p, hidden: c.hidden, outputs: p, seed: 1 });
  try {
    const epochs = quick ? 1 : 2;
    const h = await train(model, { x, y, xShape: [2 * p], mask: ({ rows: rs, generator }) => Float32Array.from({ length: rs.length * p }, () => (generator.uniform() < 0.5 ? 1 : 0)) }, {
      seed: 1, epochs, batchSize, optimizer: { type: 'sgd', momentum: 0 }, lr: 0.1, loss: 'masked_mse', inputTransform: maskedInputTransform(p),
    });
    return h.epochs.reduce((s, e) => s + e.seconds, 0) / h.epochs.length;
  } finally {
    model.dispose();
  }
}

/** Cohort AUROC on Keyl's homogeneous data for several mask counts, from one trained model. */
async function aurocVsMasks(be: Backend, hidden: number[], maskCounts: number[], shardCount: number): Promise<Array<{ masks: number; auroc_median: number; auroc_mean: number; seconds_per_instance: number }>> {
  const data = await loadStudyData({
    source: `${KEYL}artificial_homogeneous.csv`, maxMissing: 0.5, transform: 'none', testFraction: 0.5, standardize: 'global', seed: 1,
  });
  const truth = await readEdgeList(`${KEYL}artificial_ground_truth_pairs.csv`, data.proteins, 'truth');
  const { model, history } = await trainMaskedModel(be, data, { ...PROTEOMICS_DEFAULTS, hidden, seed: 1 });
  const p = data.proteins.length;
  const rows = data.test.filter((_, k) => k % shardCount === 0);
  const out = [];
  try {
    for (const masks of maskCounts) {
      const t0 = performance.now();
      const instances: InstanceRecord[] = [];
      for (const row of rows) {
        const net = await instanceNetwork(model, be, Float64Array.from(data.values.subarray(row * p, (row + 1) * p)), row, { rule: 'gamma', gamma: 0.01, epsilon: 1e-6, masks, maskGroups: KEYL_MASK_GROUPS, seed: 1 });
        instances.push({ row, directed: net.directed, mseHidden: net.mseHidden, predictionCorrelation: net.predictionCorrelation });
      }
      const seconds = (performance.now() - t0) / 1000 / rows.length;
      const r = finalize({ data, instances, truth, known: null, directed: false, topK: [], instanceTopK: 1, minInstanceCorrelation: null, training: history.epochs.map((e) => ({ epoch: e.epoch, train_loss: e.trainLoss, val_loss: e.valLoss, lr: e.lr })), embedding: null, seed: 1 });
      out.push({ masks, auroc_median: r.metrics['network.cohort.auroc'] as number, auroc_mean: r.metrics['network.cohort_mean.auroc'] as number, seconds_per_instance: seconds });
    }
  } finally {
    model.dispose();
  }
  return out;
}

const be = await createBackend(backendName, threads ? { threads } : {});
const results: Record<string, unknown> = {
  machine: `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} logical cores, Node ${process.version}`,
  backend: be.name,
  threads: be.threads,
  instance_networks: [] as unknown[],
  training_epochs: [] as unknown[],
};
console.log(`proteomics benchmark on ${results.machine}; backend ${be.name} with ${be.threads} thread(s)\n`);
console.log('seconds per instance network (100 masks per target, gamma rule):');
for (const c of paper ? CONFIGS.filter((x) => x.proteins === 147) : CONFIGS) {
  const r = await instanceSeconds(be, c);
  const peer = peerSeconds(c, c.proteins > 100 ? (quick ? 1 : 3) : 10);
  const [lo, hi] = c.issueRange;
  const against = peer !== null ? `Keyl measured now ${peer.toFixed(3)} s: ${(peer / r.seconds).toFixed(1)}x faster` : `Keyl ${lo}-${hi} s (issue 13's figures, not measured now; --peer measures): ${(lo / r.seconds).toFixed(1)}-${(hi / r.seconds).toFixed(1)}x faster`;
  (results.instance_networks as unknown[]).push({ config: c.name, seconds: r.seconds, peer_seconds: peer, issue_range_seconds: c.issueRange, ratio: peer !== null ? peer / r.seconds : [lo / r.seconds, hi / r.seconds] });
  console.log(`  ${c.name.padEnd(44)} ${r.seconds.toFixed(3)} s per patient  (${against})`);
  if (baselineRoot && c.proteins === 147) {
    const patients = quick ? 2 : 6;
    const b = await againstBaseline(be, c, baselineRoot, patients);
    results.against_baseline = {
      baseline: baselineRoot, patients, seconds: b.seconds, baseline_seconds: b.baselineSeconds, ratio: b.baselineSeconds / b.seconds,
      cpu_seconds: b.cpu, baseline_cpu_seconds: b.baselineCpu, cpu_ratio: b.baselineCpu / b.cpu, bit_identical: b.identical,
    };
    console.log(`  against the baseline ${baselineRoot} (alternating, ${patients} patients each, medians): ${b.seconds.toFixed(3)} s vs ${b.baselineSeconds.toFixed(3)} s per patient, ${(b.baselineSeconds / b.seconds).toFixed(2)}x faster;`);
    console.log(`    process CPU ${b.cpu.toFixed(3)} s vs ${b.baselineCpu.toFixed(3)} s per patient (${(b.baselineCpu / b.cpu).toFixed(2)}x less); networks ${b.identical ? 'bit-identical' : 'DIFFERENT'}`);
  }
  if (c.proteins === 147) {
    const projected = r.seconds * 3400;
    results.projected_3400_instances_147_proteins_hours = projected / 3600;
    console.log(`  projected networks for 3,400 test patients at 147 proteins: ${(projected / 3600).toFixed(2)} h on this machine (Keyl: ${(3400 * (peer ?? (lo + hi) / 2) / 3600).toFixed(1)} h); --stage networks --shard i/n over n machines: / n`);
  }
}
console.log('\nseconds per training epoch (SGD, batch 25, masked MSE):');
for (const [c, rows] of (paper ? [[CONFIGS[1]!, quick ? 500 : 3400]] : [[CONFIGS[0]!, 2000], [CONFIGS[1]!, quick ? 500 : 2000]]) as Array<[Config, number]>) {
  const s = await epochSeconds(be, c, rows, 25);
  (results.training_epochs as unknown[]).push({ config: c.name, rows, batch_size: 25, seconds: s });
  console.log(`  ${c.name.padEnd(44)} ${s.toFixed(2)} s per epoch of ${rows} rows`);
  if (paper) {
    const network = (results.instance_networks as Array<{ seconds: number }>)[0]!.seconds;
    const trainingMinutes = (epochs: number): number => (s * (3400 / rows) * epochs) / 60;
    const networkMinutes = (network * 3400) / 60;
    // the study stops early (patience PROTEOMICS_DEFAULTS.patience) and trains at most PROTEOMICS_DEFAULTS.epochs epochs;
    // how many epochs that takes at this shape is not measured here, so the total is given for stated counts
    // patience + 1: the fewest epochs early stopping allows; PROTEOMICS_DEFAULTS.epochs: the cap
    const counts = [...new Set([PROTEOMICS_DEFAULTS.patience + 1, 100, 200, PROTEOMICS_DEFAULTS.epochs])].sort((a, b) => a - b);
    results.paper_end_to_end_minutes_by_epochs = Object.fromEntries(counts.map((e) => [e, trainingMinutes(e) + networkMinutes]));
    results.paper_network_minutes = networkMinutes;
    console.log(`  paper workload end to end (3,400 patient networks: ${networkMinutes.toFixed(1)} min, plus training on 3,400 rows), for stated epoch counts`);
    console.log(`  (measured: the seconds per epoch above; not measured: how many epochs early stopping takes at this shape, patience ${PROTEOMICS_DEFAULTS.patience}, at most ${PROTEOMICS_DEFAULTS.epochs}):`);
    for (const e of counts) console.log(`    ${String(e).padStart(4)} epochs${e === PROTEOMICS_DEFAULTS.patience + 1 ? ' (the fewest early stopping allows)' : e === PROTEOMICS_DEFAULTS.epochs ? ' (the cap)' : ''}: training ${trainingMinutes(e).toFixed(1)} min + networks = ${(trainingMinutes(e) + networkMinutes).toFixed(1)} min; issue 13's goal: under 40 min`);
  }
}
if (!quick && !paper) {
  console.log("\ncohort AUROC on Keyl's homogeneous data (disjoint 50/50 split, 250 test patients) against masks per target, default model:");
  const masks = await aurocVsMasks(be, PROTEOMICS_DEFAULTS.hidden, [10, 25, 50, 100], 8);
  results.auroc_vs_masks = masks;
  for (const m of masks) console.log(`  ${String(m.masks).padStart(3)} masks: AUROC median network ${m.auroc_median.toFixed(4)}, mean network ${m.auroc_mean.toFixed(4)}; ${m.seconds_per_instance.toFixed(3)} s per instance`);
  console.log('\nmodel size (100 masks): the default against Keyl et al.\'s 10 x proteins in 3 layers:');
  const sizes = [];
  for (const hidden of [PROTEOMICS_DEFAULTS.hidden, [320, 320, 320]]) {
    const [r] = await aurocVsMasks(be, hidden, [100], 8);
    sizes.push({ hidden, ...r });
    console.log(`  hidden ${hidden.join('x').padEnd(12)} AUROC median ${r!.auroc_median.toFixed(4)}, mean ${r!.auroc_mean.toFixed(4)}; ${r!.seconds_per_instance.toFixed(3)} s per instance`);
  }
  results.model_size = sizes;
}
be.destroy();
if (jsonPath) {
  writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${jsonPath}`);
}
