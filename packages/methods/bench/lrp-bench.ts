/**
 * LRP benchmark: milliseconds per call and the ratio to a plain gradient
 * pass (forward + backward, one target per row) on the methods-bench MLP
 * 256 -> 512 -> 512 -> 256 (ReLU); all-targets LRP (every input's relevance
 * for each of the 256 outputs, 64 rows) on its three paths; and the
 * proteomics-size run: MLP 294 -> 1470 -> 1470 -> 1470 -> 147, 200 masked
 * rows x 75 targets ("one patient"), wall and CPU time.
 *
 *   node dist/bench/lrp-bench.js [--backend wasm|reference] [--threads N] [--quick] [--json <file>]
 *
 * --quick skips the generic all-targets path and runs 40 of the 200 proteomics
 * rows (the figure is scaled to 200). CPU time counts every thread of the
 * process (kernel workers included), so on a busy machine it shows what the
 * work costs when wall time does not.
 */
import { writeFileSync } from 'node:fs';
import { createBackend, Generator, type Backend, type BackendName, type Tensor } from '@relevance/core-wasm';
import { lrp, lrpAllTargets, sequential, targetGradient, type LrpAllTargetsOptions, type Model } from '../src/index.js';

interface Row {
  name: string;
  ms: number;
  cpuMs: number;
  ratio?: number;
  note?: string;
}

function mlp(be: Backend, widths: readonly number[], seed: number): Model {
  const g = new Generator(seed);
  const layers = [];
  for (let i = 0; i + 1 < widths.length; i++) {
    const [inW, outW] = [widths[i]!, widths[i + 1]!];
    layers.push({ type: 'Dense', name: `fc${i + 1}`, params: { weight: be.randomNormal([outW, inW], g, 0, Math.sqrt(2 / inW)), bias: be.randomNormal([outW], g, 0, 0.1) } });
    if (i + 2 < widths.length) layers.push({ type: 'ReLU', name: `relu${i + 1}` });
  }
  return sequential(be, [-1, widths[0]!], layers);
}

const cpuNow = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

/** Best wall time of `repeats` calls after one warm-up, with the CPU time of that call. */
async function time(repeats: number, run: () => Promise<unknown>): Promise<{ ms: number; cpuMs: number }> {
  await run();
  let best = { ms: Infinity, cpuMs: 0 };
  for (let i = 0; i < repeats; i++) {
    const c0 = cpuNow();
    const t0 = performance.now();
    await run();
    const ms = performance.now() - t0;
    if (ms < best.ms) best = { ms, cpuMs: cpuNow() - c0 };
  }
  return best;
}

async function gradientPass(model: Model, x: Tensor, targets: Int32Array): Promise<void> {
  await targetGradient(model, x, targets);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const value = (flag: string): string | undefined => {
    const i = args.indexOf(flag);
    if (i < 0) return undefined;
    const v = args[i + 1];
    if (v === undefined) throw new Error(`lrp-bench: ${flag} needs a value`);
    return v;
  };
  const backendName = (value('--backend') ?? 'wasm') as BackendName;
  const threads = value('--threads') ? Number(value('--threads')) : undefined;
  const quick = args.includes('--quick');
  const jsonFile = value('--json');
  const be = await createBackend(backendName, threads ? { threads } : {});
  const repeats = backendName === 'reference' ? 1 : 3;
  const rows: Row[] = [];
  const print = (r: Row): void => {
    rows.push(r);
    const ratio = r.ratio === undefined ? '' : `  ${r.ratio.toFixed(2).padStart(7)}x gradient`;
    console.log(`  ${r.name.padEnd(58)} ${r.ms.toFixed(1).padStart(9)} ms  (cpu ${r.cpuMs.toFixed(0).padStart(6)} ms)${ratio}${r.note ? `  ${r.note}` : ''}`);
  };
  try {
    // ---------------------------------------------------------------- methods-bench MLP
    const model = mlp(be, [256, 512, 512, 256], 20240601);
    const inputs = be.randomNormal([1024, 256], new Generator(7));
    const targets = Int32Array.from({ length: 1024 }, (_, r) => r % 256);
    console.log(`lrp bench on ${backendName} (threads=${be.threads}): MLP 256 -> 512 -> 512 -> 256 (ReLU)`);
    const grad = await time(repeats, () => gradientPass(model, inputs, targets));
    print({ name: 'gradient pass, 1024 rows (one target each)', ...grad, ratio: 1 });
    const one = await time(repeats, () => lrp(model, inputs, { composite: 'epsilon-plus-flat', target: targets }));
    print({ name: 'lrp epsilon-plus-flat, 1024 rows (one target each)', ...one, ratio: one.ms / grad.ms });

    const x64 = be.slice(inputs, [0, 0], [64, 256]);
    const grad64 = await time(repeats, () => gradientPass(model, x64, targets.subarray(0, 64)));
    print({ name: 'gradient pass, 64 rows (one target each)', ...grad64, ratio: 1 });
    const allTargets = async (options: LrpAllTargetsOptions) => time(repeats, () => lrpAllTargets(model, x64, { composite: 'epsilon-plus-flat', ...options }));
    const skip = await allTargets({ path: 'skip-inactive' });
    print({ name: 'all-targets lrp, 64 rows x 256 outputs, skip-inactive', ...skip, ratio: skip.ms / grad64.ms, note: `${(skip.ms / (64 * 256) * 1000).toFixed(1)} us per (row, target)` });
    const dense = await allTargets({ path: 'dense' });
    print({ name: 'all-targets lrp, 64 rows x 256 outputs, dense blocks', ...dense, ratio: dense.ms / grad64.ms });
    if (!quick) {
      const generic = await time(1, () => lrpAllTargets(model, x64, { composite: 'epsilon-plus-flat', path: 'generic', batchSize: 1024 }));
      print({ name: 'all-targets lrp, 64 rows x 256 outputs, generic (256 passes)', ...generic, ratio: generic.ms / grad64.ms });
    }
    x64.dispose();
    inputs.dispose();
    model.dispose();

    // ---------------------------------------------------------------- proteomics size
    const big = mlp(be, [294, 1470, 1470, 1470, 147], 3);
    const patientRows = quick ? 40 : 200;
    // masks: each row keeps a random ~70% of the patient's features (exact zeros elsewhere)
    const patient = be.randomNormal([1, 294], new Generator(4));
    const masks = be.scope(() => be.greater(be.randomUniform([patientRows, 294], new Generator(5)), be.full([1], 0.3)));
    const masked = be.mul(patient, masks);
    const proteomicsTargets = Array.from({ length: 75 }, (_, i) => Math.floor((i * 147) / 75));
    console.log(`proteomics size: MLP 294 -> 1470 -> 1470 -> 1470 -> 147, ${patientRows} masked rows x 75 targets, epsilon-plus-flat`);
    for (const rule of ['epsilon-plus-flat', 'epsilon'] as const) {
      const options: LrpAllTargetsOptions = rule === 'epsilon' ? { rule: 'epsilon' } : { composite: rule };
      let compaction = '';
      const r = await time(1, async () => {
        const result = await lrpAllTargets(big, masked, { ...options, targetsPerRow: proteomicsTargets, onRow: () => undefined });
        compaction = String(result.params.compaction);
      });
      const scale = 200 / patientRows;
      print({ name: `one patient (200 x 75), ${rule}`, ms: r.ms * scale, cpuMs: r.cpuMs * scale, note: `compaction=${compaction}${scale !== 1 ? ` (measured ${patientRows} rows, scaled)` : ''}` });
    }
    masked.dispose();
    masks.dispose();
    patient.dispose();
    big.dispose();
    if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify({ backend: backendName, threads: be.threads, rows }, null, 2)}\n`);
  } finally {
    be.destroy();
  }
}

await main();
