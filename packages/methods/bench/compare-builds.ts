/**
 * Before / after in one process: the methods benchmark's forward, saliency
 * and IG-32 rows on this checkout's build and on another checkout's dist
 * (e.g. main's), alternating A B B A ... call by call so both see the same
 * machine load. Prints, per row and build, the best and the median wall time
 * of N calls and the best process CPU time per call (all threads: on a shared
 * machine the CPU time is the steadier figure), and the ratios base / this.
 *
 *   node dist/bench/compare-builds.js --base /path/to/other/checkout [--repeats 7] [--rows 1024] [--simd simd128|relaxed] [--threads n] [--torch]
 *
 * --torch (1024 rows only) also runs plain torch on the same MLP before and
 * after (bench/torch-peer.ts, torch threads = --threads, default 1) and prints
 * torch / base and torch / this (best CPU time; >= 1: as fast as torch).
 *
 * The other checkout must be built (packages/core-wasm and packages/methods dist).
 */
import { pathToFileURL } from 'node:url';
import * as thisCore from '@relevance/core-wasm';
import * as thisMethods from '../src/index.js';
import { buildBenchModel, randomTensor, SIZES } from './bench-model.js';
import { PEER_ROWS, peerBest, runTorch, type PeerTimes } from './torch-peer.js';

type Core = typeof thisCore;
type Methods = typeof thisMethods;
interface Build { label: string; core: Core; methods: Methods }
interface Ctx { be: thisCore.Backend; model: thisMethods.Model; inputs: thisCore.Tensor; targets: Int32Array; methods: Methods }

const ROWS: Array<[string, (c: Ctx) => Promise<void>]> = [
  ['forward', async ({ model, inputs }) => {
    const y = model.predict(inputs);
    await y.read();
    y.dispose();
  }],
  ['saliency', async ({ model, inputs, targets, methods }) => {
    await methods.saliency(model, inputs, { target: targets, batchSize: 1024 });
  }],
  ['integrated-gradients (32 steps)', async ({ model, inputs, targets, methods }) => {
    await methods.integratedGradients(model, inputs, { target: targets, steps: 32, batchSize: 1024 });
  }],
];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function setUp(b: Build, rows: number, simd: string | undefined, threads: number | undefined): Promise<Ctx> {
  const be = await b.core.createBackend('wasm', { ...(simd ? { simd: simd as 'simd128' } : {}), ...(threads ? { threads } : {}) });
  const model = buildBenchModel(be, b.methods.sequential, b.core.Generator);
  const inputs = randomTensor(be, [rows, SIZES[0]], new b.core.Generator(7), 1);
  const targets = Int32Array.from({ length: rows }, (_, r) => r % SIZES[SIZES.length - 1]);
  return { be, model, inputs, targets, methods: b.methods };
}

async function timed(run: () => Promise<void>): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;

async function main(): Promise<void> {
  const base = arg('base');
  if (!base) throw new Error('compare-builds: --base <checkout> is required (a built checkout, e.g. of main)');
  const repeats = Number(arg('repeats') ?? 7);
  const rows = Number(arg('rows') ?? 1024);
  const threads = arg('threads') ? Number(arg('threads')) : undefined;
  thisCore.enableRelaxedSimdFlag();
  const builds: Build[] = [
    { label: 'base', core: (await import(pathToFileURL(`${base}/packages/core-wasm/dist/src/index.js`).href)) as Core, methods: (await import(pathToFileURL(`${base}/packages/methods/dist/src/index.js`).href)) as Methods },
    { label: 'this', core: thisCore, methods: thisMethods },
  ];
  const torch = process.argv.includes('--torch');
  const peers: Array<PeerTimes | null> = torch ? [runTorch('/usr/bin/python3', threads ?? 1, repeats)] : [];
  const ctxs = await Promise.all(builds.map((b) => setUp(b, rows, arg('simd'), threads)));
  console.log(`compare-builds: MLP ${SIZES.join(' -> ')} (ReLU), ${rows} rows; base = ${base}; ${ctxs[0]!.be.build} threads=${ctxs[0]!.be.threads} vs ${ctxs[1]!.be.build} threads=${ctxs[1]!.be.threads}; ${repeats} calls each after one warm-up, alternating`);
  const best = new Map<string, [number, number]>();
  for (const [name, run] of ROWS) {
    const t = ctxs.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
    for (const c of ctxs) await run(c); // warm-up
    for (let r = 0; r < repeats; r++) {
      for (const i of r % 2 === 0 ? [0, 1] : [1, 0]) {
        const m = await timed(() => run(ctxs[i]!));
        t[i]!.wall.push(m.wall);
        t[i]!.cpu.push(m.cpu);
      }
    }
    const f = (i: number): string => `${builds[i]!.label}: best ${Math.min(...t[i]!.wall).toFixed(1)} ms, median ${median(t[i]!.wall).toFixed(1)} ms, cpu ${Math.min(...t[i]!.cpu).toFixed(1)} ms`;
    const ratio = (k: 'wall' | 'cpu'): string => (Math.min(...t[0]![k]) / Math.min(...t[1]![k])).toFixed(2);
    console.log(`  ${name.padEnd(32)} ${f(0)} | ${f(1)} | base/this: best wall ${ratio('wall')}x, median wall ${(median(t[0]!.wall) / median(t[1]!.wall)).toFixed(2)}x, cpu ${ratio('cpu')}x`);
    best.set(name, [Math.min(...t[0]!.cpu), Math.min(...t[1]!.cpu)]);
  }
  if (torch) {
    peers.push(runTorch('/usr/bin/python3', threads ?? 1, repeats));
    for (const [name, [base, ours]] of best) {
      const p = peerBest(peers, PEER_ROWS[name]!);
      if (p) console.log(`  ${name.padEnd(32)} torch ${p.cpu.toFixed(1)} ms cpu (set_num_threads(${threads ?? 1})): torch/base ${(p.cpu / base).toFixed(2)}x, torch/this ${(p.cpu / ours).toFixed(2)}x`);
    }
  }
  for (const c of ctxs) {
    c.inputs.dispose();
    c.model.dispose();
    c.be.destroy();
  }
}

await main();
