/**
 * Network-inference baselines benchmark: wall-clock and CPU seconds of
 * GENIE3, GRNBoost2, PIDC and CLR (defaults of `stats`) at
 *   p = 20 genes  x n = 2,000 samples
 *   p = 147 genes x n = 3,400 samples (the proteomics study's size)
 * on synthetic data (each gene = 0.6 x an earlier gene + noise, seed 0).
 *
 *   node dist/bench/network-baselines.js [--json <file>] [--quick] [--trees <n>] [--threads <n>] [--study-size]
 *
 * --quick fits the tree methods on 10 target genes only at p = 147 and
 * scales their times by p / 10 (marked "extrapolated"); PIDC and CLR, and
 * everything at p = 20, always run in full. --trees sets GENIE3's trees.
 * --study-size runs only p = 147 x n = 3,400.
 * --threads n (default: the available cores) runs every method on one
 * thread and then on n, printing both times, the speed-up, and whether the
 * two results are byte-identical (they must be).
 * CPU seconds are steadier than wall time on a shared machine.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { Generator } from '@relevance/core-wasm';
import { stats } from '../src/index.js';
import { jsonFileArg } from './bench-args.js';

export const NETWORK_BENCH_CONFIGS = [
  { genes: 20, samples: 2000 },
  { genes: 147, samples: 3400 },
] as const;

function synthetic(n: number, p: number): stats.DataMatrix {
  const g = new Generator(0);
  const parent = Int32Array.from({ length: p }, (_, j) => (j === 0 ? -1 : g.int(j)));
  const values = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) values[i * p + j] = (parent[j]! >= 0 ? 0.6 * values[i * p + parent[j]!]! : 0) + g.normal();
  }
  return { values, rows: n, cols: p };
}

interface Result {
  method: string;
  threads: number;
  genes: number;
  samples: number;
  seconds: number;
  cpuSeconds: number;
  extrapolated: boolean;
}

function time(method: string, threads: number, d: stats.DataMatrix, scale: number, run: (threads: number) => Float64Array): { result: Result; scores: Float64Array } {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const scores = run(threads);
  const cpu = process.cpuUsage(cpu0);
  const result = { method, threads, genes: d.cols, samples: d.rows, seconds: ((performance.now() - t0) / 1000) * scale, cpuSeconds: ((cpu.user + cpu.system) / 1e6) * scale, extrapolated: scale !== 1 };
  return { result, scores };
}

function sameBytes(a: Float64Array, b: Float64Array): boolean {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength), y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** One method on 1 thread and on `threads`: both results, and a line with the times, the speed-up and the byte check. */
function timeBoth(method: string, threads: number, d: stats.DataMatrix, scale: number, run: (threads: number) => Float64Array): Result[] {
  const one = time(method, 1, d, scale, run);
  if (threads === 1) return [one.result];
  const many = time(method, threads, d, scale, run);
  const same = sameBytes(one.scores, many.scores);
  const f = (r: Result): string => `${r.seconds.toFixed(1).padStart(7)} s (cpu ${r.cpuSeconds.toFixed(1)} s)`;
  console.log(`  p=${d.cols} n=${d.rows} ${method.padEnd(10)} 1 thread ${f(one.result)}  ${threads} threads ${f(many.result)}  x${(one.result.seconds / many.result.seconds).toFixed(2)}  ${same ? 'identical bytes' : 'BYTES DIFFER'}${scale !== 1 ? '  extrapolated' : ''}`);
  if (!same) process.exitCode = 1;
  return [one.result, many.result];
}

function main(): void {
  const args = process.argv.slice(2);
  const jsonFile = jsonFileArg(args, 'network-baselines bench');
  const treesIndex = args.indexOf('--trees');
  const trees = treesIndex >= 0 ? Number(args[treesIndex + 1]) : stats.GENIE3_DEFAULT_TREES;
  const quick = args.includes('--quick');
  const threadsIndex = args.indexOf('--threads');
  const threads = threadsIndex >= 0 ? Number(args[threadsIndex + 1]) : availableParallelism();
  if (!(Number.isInteger(threads) && threads >= 1)) throw new Error(`network-baselines bench: --threads must be a positive integer, got ${args[threadsIndex + 1]}`);
  console.log(`network baselines bench: GENIE3 ${trees} trees, GRNBoost2 / PIDC / CLR defaults, seed 0, 1 and ${threads} threads${quick ? ', --quick (tree methods at p = 147 on 10 targets, scaled)' : ''}; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`);
  const results: Result[] = [];
  const configs = args.includes('--study-size') ? NETWORK_BENCH_CONFIGS.filter((c) => c.genes === 147) : NETWORK_BENCH_CONFIGS;
  for (const c of configs) {
    const d = synthetic(c.samples, c.genes);
    const targets = quick && c.genes > 20 ? Array.from({ length: 10 }, (_, k) => k) : undefined;
    const scale = targets ? c.genes / targets.length : 1;
    const rs = [
      ...timeBoth('GENIE3', threads, d, scale, (t) => stats.genie3(d, { trees, targets, threads: t })),
      ...timeBoth('GRNBoost2', threads, d, scale, (t) => stats.grnboost2(d, { targets, threads: t })),
      ...timeBoth('PIDC', threads, d, 1, (t) => stats.pidc(d, { threads: t }).scores),
      ...timeBoth('CLR', threads, d, 1, (t) => stats.clr(d, { threads: t })),
    ];
    for (const t of threads === 1 ? [1] : [1, threads]) {
      const sel = rs.filter((r) => r.threads === t);
      const total = sel.reduce((a, r) => a + r.seconds, 0), totalCpu = sel.reduce((a, r) => a + r.cpuSeconds, 0);
      if (threads === 1) for (const r of sel) console.log(`  p=${c.genes} n=${c.samples} ${r.method.padEnd(10)} ${r.seconds.toFixed(1).padStart(8)} s  (cpu ${r.cpuSeconds.toFixed(1)} s)${r.extrapolated ? '  extrapolated' : ''}`);
      console.log(`  p=${c.genes} n=${c.samples} all four, ${t} thread${t === 1 ? ' ' : 's'} ${total.toFixed(1).padStart(8)} s  (cpu ${totalCpu.toFixed(1)} s)`);
    }
    results.push(...rs);
  }
  if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify({ bench: 'network-baselines', trees, quick, threads, loadAverage: loadavg()[0], cores: availableParallelism(), results }, null, 2)}\n`);
}

main();
