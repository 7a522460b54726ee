/**
 * Network-inference baselines benchmark: wall-clock and CPU seconds of
 * GENIE3, GRNBoost2, PIDC and CLR (defaults of `stats`) at
 *   p = 20 genes  x n = 2,000 samples
 *   p = 147 genes x n = 3,400 samples (the proteomics study's size)
 * on synthetic data (each gene = 0.6 x an earlier gene + noise, seed 0).
 *
 *   node dist/bench/network-baselines.js [--json <file>] [--quick] [--trees <n>]
 *
 * --quick fits the tree methods on 10 target genes only at p = 147 and
 * scales their times by p / 10 (marked "extrapolated"); PIDC and CLR, and
 * everything at p = 20, always run in full. --trees sets GENIE3's trees.
 * CPU seconds are steadier than wall time on a shared machine.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { Generator } from '@relevance/core-wasm';
import { stats } from '../src/index.js';

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
  genes: number;
  samples: number;
  seconds: number;
  cpuSeconds: number;
  extrapolated: boolean;
}

function time(method: string, d: stats.DataMatrix, scale: number, run: () => unknown): Result {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  run();
  const cpu = process.cpuUsage(cpu0);
  return { method, genes: d.cols, samples: d.rows, seconds: ((performance.now() - t0) / 1000) * scale, cpuSeconds: ((cpu.user + cpu.system) / 1e6) * scale, extrapolated: scale !== 1 };
}

function main(): void {
  const args = process.argv.slice(2);
  const jsonIndex = args.indexOf('--json');
  const jsonFile = jsonIndex >= 0 ? args[jsonIndex + 1] : undefined;
  if (jsonIndex >= 0 && !jsonFile) throw new Error('network-baselines bench: --json needs a file name');
  const treesIndex = args.indexOf('--trees');
  const trees = treesIndex >= 0 ? Number(args[treesIndex + 1]) : stats.GENIE3_DEFAULT_TREES;
  const quick = args.includes('--quick');
  console.log(`network baselines bench: GENIE3 ${trees} trees, GRNBoost2 / PIDC / CLR defaults, seed 0${quick ? ', --quick (tree methods at p = 147 on 10 targets, scaled)' : ''}; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`);
  const results: Result[] = [];
  for (const c of NETWORK_BENCH_CONFIGS) {
    const d = synthetic(c.samples, c.genes);
    const targets = quick && c.genes > 20 ? Array.from({ length: 10 }, (_, k) => k) : undefined;
    const scale = targets ? c.genes / targets.length : 1;
    const rs = [
      time('GENIE3', d, scale, () => stats.genie3(d, { trees, targets })),
      time('GRNBoost2', d, scale, () => stats.grnboost2(d, { targets })),
      time('PIDC', d, 1, () => stats.pidc(d)),
      time('CLR', d, 1, () => stats.clr(d)),
    ];
    const total = rs.reduce((a, r) => a + r.seconds, 0), totalCpu = rs.reduce((a, r) => a + r.cpuSeconds, 0);
    for (const r of rs) console.log(`  p=${c.genes} n=${c.samples} ${r.method.padEnd(10)} ${r.seconds.toFixed(1).padStart(8)} s  (cpu ${r.cpuSeconds.toFixed(1)} s)${r.extrapolated ? '  extrapolated' : ''}`);
    console.log(`  p=${c.genes} n=${c.samples} all four   ${total.toFixed(1).padStart(8)} s  (cpu ${totalCpu.toFixed(1)} s)`);
    results.push(...rs);
  }
  if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify({ bench: 'network-baselines', trees, quick, loadAverage: loadavg()[0], cores: availableParallelism(), results }, null, 2)}\n`);
}

main();
