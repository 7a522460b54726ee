/**
 * Proteomics benchmark (a script, not a test): seconds per instance network
 * and per training epoch for Keyl et al.'s two configurations, the projected
 * time for a TCGA-sized cohort, and how the cohort AUROC on their homogeneous
 * data depends on the masks per target and on the model size.
 *
 *   node dist/bench/pipelines-bench.js [--json out.json] [--quick] [--threads n] [--backend wasm|webgpu]
 *
 * Reference (Keyl et al.'s PyTorch code, same 2-core machine class, 1 thread):
 * 0.57 s and 20.7 s per instance network; the target is 10x faster.
 */
import { writeFileSync } from 'node:fs';
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
const jsonPath = flag('json');
const backendName = (flag('backend') ?? 'wasm') as BackendName;
const threads = flag('threads') ? Number(flag('threads')) : undefined;
const KEYL = new URL('../../../../../shared/data/keyl2022_proteinnetworklrp/', import.meta.url).pathname;

interface Config {
  name: string;
  proteins: number;
  hidden: number[];
  referenceSeconds: number;
}

const CONFIGS: Config[] = [
  { name: 'Keyl synthetic: 32 proteins, hidden 320x3', proteins: 32, hidden: [320, 320, 320], referenceSeconds: 0.57 },
  { name: 'Keyl TCPA: 147 proteins, hidden 1470x3', proteins: 147, hidden: [1470, 1470, 1470], referenceSeconds: 20.7 },
];

async function instanceSeconds(be: Backend, c: Config): Promise<{ seconds: number; instances: number }> {
  const model = mlp(be, { inputs: 2 * c.proteins, hidden: c.hidden, outputs: c.proteins, seed: 1 });
  const g = new Generator(7);
  const reps = quick ? 1 : c.proteins > 100 ? 3 : 20;
  try {
    const x = (): Float64Array => Float64Array.from({ length: c.proteins }, () => g.normal());
    await instanceNetwork(model, be, x(), 0, { rule: 'gamma', gamma: 0.01, epsilon: 1e-6, masks: 100, seed: 1 }); // warm-up
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) await instanceNetwork(model, be, x(), r + 1, { rule: 'gamma', gamma: 0.01, epsilon: 1e-6, masks: 100, seed: 1 });
    return { seconds: (performance.now() - t0) / 1000 / reps, instances: reps };
  } finally {
    model.dispose();
  }
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
        const net = await instanceNetwork(model, be, Float64Array.from(data.values.subarray(row * p, (row + 1) * p)), row, { rule: 'gamma', gamma: 0.01, epsilon: 1e-6, masks, seed: 1 });
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
for (const c of CONFIGS) {
  const r = await instanceSeconds(be, c);
  const speedup = c.referenceSeconds / r.seconds;
  (results.instance_networks as unknown[]).push({ config: c.name, seconds: r.seconds, reference_seconds: c.referenceSeconds, speedup, target_seconds: c.referenceSeconds / 10, meets_target: r.seconds <= c.referenceSeconds / 10 });
  console.log(`  ${c.name.padEnd(44)} ${r.seconds.toFixed(3)} s  (reference ${c.referenceSeconds} s: ${speedup.toFixed(1)}x faster; target <= ${(c.referenceSeconds / 10).toFixed(3)} s)`);
  if (c.proteins === 147) {
    const projected = r.seconds * 3400;
    results.projected_3400_instances_147_proteins_hours = projected / 3600;
    console.log(`  projected for 3,400 test instances at 147 proteins: ${(projected / 3600).toFixed(2)} h on this machine (${(3400 * c.referenceSeconds / 3600).toFixed(1)} h for the reference); with --shard i/n over n machines: / n`);
  }
}
console.log('\nseconds per training epoch (SGD, batch 25, masked MSE):');
for (const [c, rows] of [[CONFIGS[0]!, 2000], [CONFIGS[1]!, quick ? 500 : 2000]] as const) {
  const s = await epochSeconds(be, c, rows, 25);
  (results.training_epochs as unknown[]).push({ config: c.name, rows, batch_size: 25, seconds: s });
  console.log(`  ${c.name.padEnd(44)} ${s.toFixed(2)} s per epoch of ${rows} rows`);
}
if (!quick) {
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
