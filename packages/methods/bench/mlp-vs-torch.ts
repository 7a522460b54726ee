/**
 * The methods benchmark's forward, saliency and IG-32 rows (MLP 256 -> 512 ->
 * 512 -> 256, 1024 rows) against plain torch on the same MLP, measured in the
 * same run: torch (bench/torch-mlp.py through /usr/bin/python3) before and
 * after this process's calls, and the best of both is the peer's figure. Times
 * are process CPU time per call (all threads): on a shared machine that is the
 * steadier figure; wall times are printed too. Ratio = torch / ours (>= 1: we
 * are at least as fast).
 *
 *   node dist/bench/mlp-vs-torch.js [--threads 1] [--simd simd128|relaxed] [--repeats 5] [--python /usr/bin/python3]
 *
 * --threads sets both sides (torch.set_num_threads and OMP_NUM_THREADS).
 */
import { createBackend, enableRelaxedSimdFlag, Generator } from '@relevance/core-wasm';
import { BENCH_ROWS, benchModel, type BenchContext } from './methods-bench.js';
import { randomTensor, SIZES } from './bench-model.js';
import { PEER_ROWS, peerBest, runTorch } from './torch-peer.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const threads = Number(arg('threads') ?? 1);
  const repeats = Number(arg('repeats') ?? 5);
  const python = arg('python') ?? '/usr/bin/python3';
  const simd = arg('simd') as 'simd128' | 'relaxed' | undefined;
  enableRelaxedSimdFlag();
  const peers = [runTorch(python, threads, repeats)];
  const be = await createBackend('wasm', { threads, ...(simd ? { simd } : {}) });
  const model = benchModel(be);
  const inputs = randomTensor(be, [1024, SIZES[0]], new Generator(7), 1);
  const targets = Int32Array.from({ length: 1024 }, (_, r) => r % SIZES[SIZES.length - 1]);
  const ctx: BenchContext = { be, model, inputs, targets };
  const ours: Record<string, { cpu: number[]; wall: number[] }> = {};
  for (const row of BENCH_ROWS.filter((r) => PEER_ROWS[r.name])) {
    const t = (ours[row.name] = { cpu: [] as number[], wall: [] as number[] });
    const n = row.name.startsWith('integrated') ? Math.max(2, Math.floor(repeats / 2)) : repeats;
    await row.run(ctx); // warm-up
    for (let i = 0; i < n; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await row.run(ctx);
      t.wall.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      t.cpu.push((c.user + c.system) / 1000);
    }
  }
  inputs.dispose();
  model.dispose();
  const build = be.build;
  be.destroy();
  peers.push(runTorch(python, threads, repeats));
  console.log(`mlp-vs-torch: MLP ${SIZES.join(' -> ')}, 1024 rows, ${build}, threads=${threads} (torch: set_num_threads(${threads})); best CPU ms per call (all threads), best wall in ()`);
  for (const [name, key] of Object.entries(PEER_ROWS)) {
    const o = ours[name]!;
    const oc = Math.min(...o.cpu);
    const ow = Math.min(...o.wall);
    const best = peerBest(peers, key);
    if (!best) {
      console.log(`  ${name.padEnd(32)} ours ${oc.toFixed(1)} (${ow.toFixed(1)})`);
      continue;
    }
    const { cpu: pc, wall: pw } = best;
    console.log(`  ${name.padEnd(32)} ours ${oc.toFixed(1).padStart(8)} (${ow.toFixed(1)})  torch ${pc.toFixed(1).padStart(8)} (${pw.toFixed(1)})  torch/ours cpu ${(pc / oc).toFixed(2)}x, wall ${(pw / ow).toFixed(2)}x`);
  }
}

await main();
