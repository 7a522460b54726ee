/**
 * t-SNE benchmark: wall-clock and CPU seconds and the final KL divergence on
 * standard-normal data, for
 *   2,000 x 50  exact gradients (n x n work on the backend's kernels)
 *   2,000 x 50  Barnes-Hut (theta 0.5)
 *  10,000 x 50  Barnes-Hut (theta 0.5)
 * with perplexity 30, 1000 iterations, PCA initialisation, seed 0, on the
 * wasm backend (reference when wasm cannot start).
 *
 *   node dist/bench/tsne-bench.js [--json <file>] [--quick] [--backend wasm|reference] [--bh-threads <n>] [--sklearn <python>]
 *                                 [--rows <n>] [--method exact|barnes-hut]
 *
 * --rows and --method keep only the configurations with that many rows or
 * that method (e.g. --rows 2000 --method barnes-hut: the issue's case alone).
 *
 * --sklearn runs scikit-learn's TSNE (bench/sklearn-tsne.py: Barnes-Hut, angle
 * 0.5, the same perplexity, iterations and PCA initialisation, learning rate
 * 'auto') on the same matrix after each of our Barnes-Hut runs at n threads,
 * and prints its time, its KL and the ratio.
 *
 * Barnes-Hut runs twice: its repulsions on 1 thread, then on n (default the
 * available cores; TsneOptions.threads), printing the speed-up and whether
 * the two embeddings are bit-identical (they must be).
 *
 * --quick runs 300 iterations (the KL is then not comparable with full runs).
 * CPU seconds count every thread of the process (the wasm workers too), so
 * they are steadier than wall time on a shared machine.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBackend, Generator, type Backend, type BackendName } from '@relevance/core-wasm';
import { tsne, type TsneMethod } from '../src/embedding/index.js';
import { jsonFileArg } from './bench-args.js';

interface Config {
  rows: number;
  features: number;
  method: Exclude<TsneMethod, 'auto'>;
}

export const TSNE_BENCH_CONFIGS: readonly Config[] = [
  { rows: 2000, features: 50, method: 'exact' },
  { rows: 2000, features: 50, method: 'barnes-hut' },
  { rows: 10000, features: 50, method: 'barnes-hut' },
];

interface Result extends Config {
  backend: string;
  threads: number;
  /** Threads of the Barnes-Hut repulsions. */
  bhThreads: number;
  iterations: number;
  perplexity: number;
  theta: number | null;
  /** Calibration, kNN / distances and initialisation. */
  setupSeconds: number;
  seconds: number;
  cpuSeconds: number;
  kl: number;
  klCurve: Array<{ iteration: number; kl: number }>;
}

/** scikit-learn's t-SNE on the same rows (null when the python or sklearn is missing). */
function runSklearn(python: string, data: Float32Array, config: Config, iterations: number, threads: number): { seconds: number; cpu_seconds: number; kl: number } | null {
  const dir = mkdtempSync(join(tmpdir(), 'tsne-bench-'));
  try {
    const file = join(dir, 'x.f32');
    writeFileSync(file, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    // the .py file sits in bench/ beside the sources; dist/bench/ holds the compiled script
    const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'sklearn-tsne.py');
    const r = spawnSync(python, [script, file, String(config.rows), String(config.features), config.method === 'exact' ? 'exact' : 'barnes_hut', String(iterations), String(threads)], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(threads) } });
    if (r.status !== 0) {
      console.log(`  scikit-learn: not run (${(r.stderr || r.error?.message || '').trim().split('\n').pop()})`);
      return null;
    }
    return JSON.parse(r.stdout) as { seconds: number; cpu_seconds: number; kl: number };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The configurations --rows and --method keep (all without them). */
function selectedConfigs(args: string[]): Config[] {
  const value = (flag: string): string | undefined => {
    const k = args.indexOf(flag);
    return k >= 0 ? args[k + 1] : undefined;
  };
  const rows = value('--rows'), method = value('--method');
  const kept = TSNE_BENCH_CONFIGS.filter((c) => (rows === undefined || c.rows === Number(rows)) && (method === undefined || c.method === method));
  if (kept.length === 0) throw new Error(`tsne-bench: no configuration has --rows ${rows ?? 'any'} and --method ${method ?? 'any'}; the configurations are ${TSNE_BENCH_CONFIGS.map((c) => `${c.rows} ${c.method}`).join(', ')}`);
  return kept;
}

async function startBackend(name: BackendName): Promise<Backend> {
  try {
    return await createBackend(name);
  } catch (e) {
    if (name === 'reference') throw e;
    console.log(`  ${name} backend not available (${(e as Error).message.split('\n')[0]}); using reference`);
    return createBackend('reference');
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const jsonFile = jsonFileArg(args, 'tsne-bench');
  const backendIndex = args.indexOf('--backend');
  const backendName = (backendIndex >= 0 ? args[backendIndex + 1] : 'wasm') as BackendName;
  const iterations = args.includes('--quick') ? 300 : 1000;
  const bhIndex = args.indexOf('--bh-threads');
  const bhThreads = bhIndex >= 0 ? Number(args[bhIndex + 1]) : availableParallelism();
  const perplexity = 30;
  const sklearnIndex = args.indexOf('--sklearn');
  const sklearn = sklearnIndex >= 0 ? args[sklearnIndex + 1]! : null;
  const be = await startBackend(backendName);
  const results: Result[] = [];
  console.log(`tsne bench: standard-normal rows, perplexity ${perplexity}, ${iterations} iterations, PCA init, seed 0; ${be.name} backend, ${be.threads} threads; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`);
  try {
    const runs = selectedConfigs(args).flatMap((c) => (c.method === 'barnes-hut' && bhThreads > 1 ? [{ c, t: 1 }, { c, t: bhThreads }] : [{ c, t: 1 }]));
    let previous: { config: Config; seconds: number; embedding: Float32Array } | undefined;
    for (const { c: config, t: threads } of runs) {
      const g = new Generator(config.rows);
      const x = be.randomNormal([config.rows, config.features], g);
      const rowsForPeer = sklearn && config.method === 'barnes-hut' && threads === bhThreads ? Float32Array.from(await x.read()) : null;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      let firstIteration = 0;
      const r = await tsne(x, {
        method: config.method,
        perplexity,
        iterations,
        seed: 0,
        threads,
        onIteration: (i) => {
          if (i === 1) firstIteration = performance.now();
        },
      });
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      x.dispose();
      const result: Result = {
        ...config,
        backend: be.name,
        threads: be.threads,
        bhThreads: threads,
        iterations,
        perplexity,
        theta: config.method === 'barnes-hut' ? 0.5 : null,
        setupSeconds: (firstIteration - t0) / 1000,
        seconds,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        kl: r.kl,
        klCurve: r.klCurve,
      };
      results.push(result);
      const label = `${config.rows} x ${config.features} ${config.method}${config.method === 'barnes-hut' ? `, ${threads} thr` : ''}`;
      let versus = '';
      if (previous?.config === config) {
        const same = previous.embedding.every((v, i) => Object.is(v, r.embedding[i]));
        versus = `   x${(previous.seconds / seconds).toFixed(2)} vs 1 thread, ${same ? 'identical embedding' : 'EMBEDDING DIFFERS'}`;
        if (!same) process.exitCode = 1;
      }
      previous = { config, seconds, embedding: r.embedding };
      console.log(`  ${label.padEnd(32)} ${seconds.toFixed(1).padStart(7)} s (setup ${result.setupSeconds.toFixed(1)} s, cpu ${result.cpuSeconds.toFixed(1)} s)   KL ${r.kl.toFixed(4)}${versus}`);
      if (rowsForPeer) {
        const peer = runSklearn(sklearn!, rowsForPeer, config, iterations, threads);
        if (peer) console.log(`  ${`  scikit-learn, ${threads} thr`.padEnd(32)} ${peer.seconds.toFixed(1).padStart(7)} s (cpu ${peer.cpu_seconds.toFixed(1)} s)   KL ${peer.kl.toFixed(4)}   ours x${(peer.seconds / seconds).toFixed(2)} faster (wall), x${(peer.cpu_seconds / result.cpuSeconds).toFixed(2)} (cpu)`);
      }
    }
  } finally {
    be.destroy();
  }
  if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify({ bench: 'tsne', loadAverage: loadavg()[0], cores: availableParallelism(), results }, null, 2)}\n`);
}

await main();
