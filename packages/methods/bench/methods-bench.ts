/**
 * Attribution-method benchmark: milliseconds per call on an MLP
 * 256 -> 512 -> 512 -> 256 (ReLU) with 1024 rows, per backend (reference,
 * and wasm when it starts).
 *
 *   npm run bench -w @relevance/methods [-- --json <file>] [-- --quick] [-- --backends reference,wasm]
 *
 * Backends: reference, wasm (its default build: relaxed SIMD where the
 * runtime has it; the V8 flag is turned on as the CLI does), webgpu, and
 * wasm-simd128 / wasm-relaxed for one build; with both of those the bench
 * prints each row's SIMD128 / relaxed time ratio, measured in the same run.
 *
 * Rows are a list of { name, run }: to add a method, append a row to
 * `BENCH_ROWS` (or push onto it from another module before `main` runs).
 * Each row's `run` gets the backend, the model, the inputs and fixed
 * targets, and must dispose what it creates. Timing: one warm-up call, then
 * the best of `repeats` calls (reference: a single timed call, it is slow).
 * --quick uses 128 rows.
 */
import { writeFileSync } from 'node:fs';
import { createBackend, enableRelaxedSimdFlag, Generator, type Backend, type BackendName, type Tensor } from '@relevance/core-wasm';
import { integratedGradients, saliency, sequential, type Model } from '../src/index.js';
import { buildBenchModel, randomTensor, SIZES } from './bench-model.js';
import { jsonFileArg } from './bench-args.js';

export interface BenchContext {
  be: Backend;
  model: Model;
  inputs: Tensor;
  /** One target per row (fixed, so no row pays for an argmax pass). */
  targets: Int32Array;
}

export interface BenchRow {
  name: string;
  run: (ctx: BenchContext) => Promise<void>;
}

/** Rows evaluated per internal batch by the methods below. */
export const BENCH_BATCH_SIZE = 1024;

export const BENCH_ROWS: BenchRow[] = [
  {
    name: 'forward',
    run: async ({ model, inputs }) => {
      const y = model.predict(inputs);
      await y.read();
      y.dispose();
    },
  },
  {
    name: 'saliency',
    run: async ({ model, inputs, targets }) => {
      await saliency(model, inputs, { target: targets, batchSize: BENCH_BATCH_SIZE });
    },
  },
  {
    name: 'integrated-gradients (32 steps)',
    run: async ({ model, inputs, targets }) => {
      await integratedGradients(model, inputs, { target: targets, steps: 32, batchSize: BENCH_BATCH_SIZE });
    },
  },
  {
    // ratios to a gradient pass and the proteomics-size run: bench/lrp-bench.ts
    name: 'lrp epsilon-plus-flat',
    run: async ({ model, inputs, targets }) => {
      const { lrp } = await import('../src/index.js');
      await lrp(model, inputs, { composite: 'epsilon-plus-flat', target: targets, batchSize: BENCH_BATCH_SIZE });
    },
  },
  {
    name: 'lrp all targets, epsilon (64 x 256)',
    run: async ({ be, model, inputs }) => {
      const { lrpAllTargets } = await import('../src/index.js');
      const rows = be.slice(inputs, [0, 0], [64, inputs.shape[1]!]);
      try {
        await lrpAllTargets(model, rows, { rule: 'epsilon' }); // the fused path: one gathered product per layer
      } finally {
        rows.dispose();
      }
    },
  },
  {
    name: 'lrp all targets (64 rows x 256)',
    run: async ({ be, model, inputs }) => {
      const { lrpAllTargets } = await import('../src/index.js');
      const rows = be.slice(inputs, [0, 0], [64, inputs.shape[1]!]);
      try {
        await lrpAllTargets(model, rows, { composite: 'epsilon-plus-flat' });
      } finally {
        rows.dispose();
      }
    },
  },
];

/** The benchmark MLP, with the same weights on every backend (seeded). */
export function benchModel(be: Backend): Model {
  return buildBenchModel(be, sequential, Generator);
}

interface Result {
  backend: string;
  threads: number;
  row: string;
  rows: number;
  ms: number;
  calls: number;
}

async function timeRow(row: BenchRow, ctx: BenchContext, repeats: number): Promise<{ ms: number; calls: number }> {
  if (repeats > 1) await row.run(ctx); // warm-up (JIT, wasm tier-up, allocator)
  let best = Infinity;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await row.run(ctx);
    best = Math.min(best, performance.now() - t0);
  }
  return { ms: best, calls: repeats };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const jsonFile = jsonFileArg(args, 'methods-bench');
  const quick = args.includes('--quick');
  const backendsIndex = args.indexOf('--backends');
  // the reference backend is opt-in (--backends reference,wasm): it is the oracle, and minutes slow here
  const backends = (backendsIndex >= 0 ? args[backendsIndex + 1]! : 'wasm').split(',');
  enableRelaxedSimdFlag();
  const rows = quick ? 128 : 1024;
  const results: Result[] = [];
  console.log(`methods bench: MLP ${SIZES.join(' -> ')} (ReLU), ${rows} rows, batchSize ${BENCH_BATCH_SIZE}`);
  for (const name of backends) {
    let be: Backend;
    try {
      be = name.startsWith('wasm-') ? await createBackend('wasm', { simd: name.slice(5) as 'simd128' | 'relaxed' }) : await createBackend(name as BackendName);
    } catch (e) {
      console.log(`  ${name}: not available (${(e as Error).message.split('\n')[0]})`);
      continue;
    }
    try {
      const model = benchModel(be);
      const inputs = randomTensor(be, [rows, SIZES[0]], new Generator(7), 1);
      const targets = Int32Array.from({ length: rows }, (_, r) => r % SIZES[SIZES.length - 1]);
      const ctx: BenchContext = { be, model, inputs, targets };
      const repeats = name === 'reference' ? 1 : 5;
      for (const row of BENCH_ROWS) {
        const { ms, calls } = await timeRow(row, ctx, repeats);
        results.push({ backend: name, threads: be.threads, row: row.name, rows, ms, calls });
        console.log(`  ${be.build.padEnd(13)} threads=${String(be.threads).padEnd(2)} ${row.name.padEnd(34)} ${ms.toFixed(1).padStart(10)} ms/call${calls === 1 ? ' (single call)' : ` (best of ${calls})`}`);
      }
      // the cost of a rule as a multiple of a plain gradient pass (saliency: one forward and one backward)
      const ms = (row: string): number | undefined => results.find((r) => r.backend === name && r.row === row)?.ms;
      const gradient = ms('saliency');
      if (gradient) {
        for (const row of ['lrp epsilon-plus-flat', 'lrp all targets, epsilon (64 x 256)', 'lrp all targets (64 rows x 256)']) {
          const v = ms(row);
          if (v === undefined) continue;
          const perPass = row.startsWith('lrp all') ? v / ((64 * 256) / rows) : v;
          console.log(`  ${name.padEnd(9)} ${row.padEnd(45)} ${(perPass / gradient).toFixed(2)} x a gradient pass${row.startsWith('lrp all') ? ` (per ${rows} row-targets)` : ''}`);
        }
      }
      inputs.dispose();
      model.dispose();
    } finally {
      be.destroy();
    }
  }
  for (const row of BENCH_ROWS) {
    const plain = results.find((r) => r.backend === 'wasm-simd128' && r.row === row.name)?.ms;
    const relaxed = results.find((r) => r.backend === 'wasm-relaxed' && r.row === row.name)?.ms;
    if (plain && relaxed) console.log(`  ${row.name.padEnd(45)} SIMD128 / relaxed = ${(plain / relaxed).toFixed(2)}x`);
  }
  if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify({ model: SIZES, rows, batchSize: BENCH_BATCH_SIZE, results }, null, 2)}\n`);
}

// run only as a script (bench/compare-builds.ts imports BENCH_ROWS)
if (process.argv[1]?.endsWith('methods-bench.js')) await main();
