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
 *                                 [--rows <n>] [--method exact|barnes-hut] [--fair-seeds <n>] [--fair-only]
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
 * Then the fair comparison (--fair-seeds, default 5; 0 skips it; --fair-only
 * runs it alone): for seeds 0..n-1, a standard-normal 2,000 x 50 matrix
 * (Generator(2000 + seed)) and 2,000 rows (Generator(seed)) of the pan-cancer
 * RPPA table's 122 antibodies measured in every sample (skipped, with a line
 * saying so, without <shared>/data), our Barnes-Hut t-SNE and scikit-learn's
 * (--sklearn, else /usr/bin/python3 when it exists; said when neither) on the
 * same matrix with random_state = seed, on --bh-threads threads each. Both
 * final embeddings are scored by one function, exactKlDivergence, against
 * one P: tsneAffinities with method 'exact' (our calibration over all
 * points, not either program's k-nearest-neighbour P) and the exact Z. It
 * prints each run and a table of mean +- sd (time, exact KL, and the paired
 * KL difference).
 *
 * --quick runs 300 iterations (the KL is then not comparable with full runs).
 * CPU seconds count every thread of the process (the wasm workers too), so
 * they are steadier than wall time on a shared machine.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBackend, Generator, type Backend, type BackendName } from '@relevance/core-wasm';
import { exactKlDivergence, tsne, tsneAffinities, type TsneMethod } from '../src/embedding/index.js';
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

interface PeerRun { seconds: number; cpu_seconds: number; kl: number; iterations: number; embedding?: Float32Array }

/** scikit-learn's t-SNE on the same rows (null when the python or sklearn is missing); `embedding`: read its coordinates back. */
function runSklearn(python: string, data: Float32Array, config: Config, iterations: number, threads: number, seed = 0, embedding = false): PeerRun | null {
  const dir = mkdtempSync(join(tmpdir(), 'tsne-bench-'));
  try {
    const file = join(dir, 'x.f32');
    const out = join(dir, 'y.f32');
    writeFileSync(file, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    // the .py file sits in bench/ beside the sources; dist/bench/ holds the compiled script
    const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'sklearn-tsne.py');
    const args = [script, file, String(config.rows), String(config.features), config.method === 'exact' ? 'exact' : 'barnes_hut', String(iterations), String(threads), String(seed), ...(embedding ? [out] : [])];
    const r = spawnSync(python, args, { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(threads) } });
    if (r.status !== 0) {
      console.log(`  scikit-learn: not run (${(r.stderr || r.error?.message || '').trim().split('\n').pop()})`);
      return null;
    }
    const run = JSON.parse(r.stdout) as PeerRun;
    if (embedding) {
      const bytes = readFileSync(out);
      run.embedding = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    }
    return run;
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

/** One input of the fair comparison: a float32 matrix both programs embed. */
interface FairInput { name: string; data: Float32Array; rows: number; features: number }

const FAIR_ROWS = 2000;
const PAN_CANCER = 'data/tcga_rppa_firehose_pancan/rppa_pancan_level3.csv';

function sharedDataFile(relative: string): string {
  const shared = process.env.RELEVANCE_SHARED_DIR ? resolve(process.env.RELEVANCE_SHARED_DIR) : fileURLToPath(new URL('../../../../../shared', import.meta.url));
  return join(shared, relative);
}

/** The pan-cancer RPPA table's antibodies measured in every row (6,777 x 122), or null without the file. */
function panCancerCompleteColumns(): { values: Float32Array; rows: number; cols: number } | null {
  const file = sharedDataFile(PAN_CANCER);
  if (!existsSync(file)) return null;
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const header = lines[0]!.split(',');
  const first = header.indexOf('cancer_type') + 1;
  const cells = lines.slice(1).map((l) => l.split(','));
  const keep: number[] = [];
  for (let j = first; j < header.length; j++) if (cells.every((r) => r[j] !== '' && r[j] !== 'NA')) keep.push(j);
  const values = new Float32Array(cells.length * keep.length);
  cells.forEach((r, i) => keep.forEach((j, c) => { values[i * keep.length + c] = Number(r[j]); }));
  return { values, rows: cells.length, cols: keep.length };
}

/** Seed s's inputs: standard-normal 2,000 x 50 (Generator(2000 + s); s = 0 is the timing runs' matrix) and 2,000 rows of the table drawn by Generator(s). */
function fairInputs(be: Backend, seed: number, table: ReturnType<typeof panCancerCompleteColumns>): Promise<FairInput[]> {
  const x = be.randomNormal([FAIR_ROWS, 50], new Generator(FAIR_ROWS + seed));
  return x.read().then((d) => {
    x.dispose();
    const inputs: FairInput[] = [{ name: `standard normal ${FAIR_ROWS} x 50`, data: Float32Array.from(d as Float32Array), rows: FAIR_ROWS, features: 50 }];
    if (table) {
      const rows = new Generator(seed).permutation(table.rows).slice(0, FAIR_ROWS);
      const data = new Float32Array(FAIR_ROWS * table.cols);
      rows.forEach((r, i) => data.set(table.values.subarray(r * table.cols, (r + 1) * table.cols), i * table.cols));
      inputs.push({ name: `pan-cancer RPPA ${FAIR_ROWS} x ${table.cols}`, data, rows: FAIR_ROWS, features: table.cols });
    }
    return inputs;
  });
}

interface FairRun { input: string; seed: number; seconds: number; cpuSeconds: number; kl: number; reportedKl: number; peer: { seconds: number; cpuSeconds: number; kl: number; reportedKl: number } | null }

const meanSd = (v: number[], digits: number): string => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : 0;
  return `${m.toFixed(digits)} \u00b1 ${sd.toFixed(digits)}`;
};

/** One input and seed: both programs' Barnes-Hut embeddings, each scored by exactKlDivergence against the same exact P. */
async function fairRun(be: Backend, input: FairInput, seed: number, python: string | null, threads: number, iterations: number, perplexity: number): Promise<FairRun> {
  const x = be.tensor(input.data, [input.rows, input.features]);
  try {
    const p = await tsneAffinities(x, { method: 'exact', perplexity });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await tsne(x, { method: 'barnes-hut', perplexity, iterations, seed, threads });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const config: Config = { rows: input.rows, features: input.features, method: 'barnes-hut' };
    const peer = python ? runSklearn(python, input.data, config, iterations, threads, seed, true) : null;
    return {
      input: input.name, seed, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, kl: exactKlDivergence(p, r.embedding, 2), reportedKl: r.kl,
      peer: peer && { seconds: peer.seconds, cpuSeconds: peer.cpu_seconds, kl: exactKlDivergence(p, peer.embedding!, 2), reportedKl: peer.kl },
    };
  } finally {
    x.dispose();
  }
}

/**
 * The fair comparison: for `seeds` seeds and both inputs, time and exact KL
 * (exactKlDivergence, one P: tsneAffinities with method 'exact', i.e. the
 * perplexity calibrated over all points) of our Barnes-Hut t-SNE and
 * scikit-learn's on the same matrix, one after the other; mean +- sd.
 */
async function fairComparison(be: Backend, python: string | null, seeds: number, threads: number, iterations: number, perplexity: number): Promise<FairRun[]> {
  const table = panCancerCompleteColumns();
  console.log(`fair KL: exact KL(P || Q) of both final embeddings against one P (ours, perplexity ${perplexity} calibrated over all points, exact Z); seeds 0..${seeds - 1}, ${threads} threads each`);
  if (!table) console.log(`  pan-cancer input skipped: ${sharedDataFile(PAN_CANCER)} not found (set RELEVANCE_SHARED_DIR)`);
  if (!python) console.log('  scikit-learn: not run (no /usr/bin/python3; pass --sklearn <python with scikit-learn>)');
  const runs: FairRun[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    for (const input of await fairInputs(be, seed, table)) {
      const r = await fairRun(be, input, seed, python, threads, iterations, perplexity);
      runs.push(r);
      const peer = r.peer ? `   scikit-learn ${r.peer.seconds.toFixed(1)} s, KL ${r.peer.kl.toFixed(4)} (its estimate ${r.peer.reportedKl.toFixed(4)})` : '';
      console.log(`  ${r.input.padEnd(30)} seed ${seed}: ours ${r.seconds.toFixed(1)} s, KL ${r.kl.toFixed(4)} (its estimate ${r.reportedKl.toFixed(4)})${peer}`);
    }
  }
  console.log('\n| input | seeds | ours: time | scikit-learn: time | ours faster (wall) | ours: exact KL | scikit-learn: exact KL | KL ours \u2212 scikit-learn |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const name of [...new Set(runs.map((r) => r.input))]) {
    const rs = runs.filter((r) => r.input === name);
    const peers = rs.filter((r) => r.peer);
    const ratio = peers.length ? `${(peers.reduce((a, r) => a + r.peer!.seconds, 0) / peers.reduce((a, r) => a + r.seconds, 0)).toFixed(2)}\u00d7` : '\u2013';
    const peerCol = (f: (r: FairRun) => number, d: number): string => (peers.length ? meanSd(peers.map(f), d) : '\u2013');
    console.log(`| ${name} | ${rs.length} | ${meanSd(rs.map((r) => r.seconds), 2)} s | ${peerCol((r) => r.peer!.seconds, 2)} s | ${ratio} | ${meanSd(rs.map((r) => r.kl), 4)} | ${peerCol((r) => r.peer!.kl, 4)} | ${peerCol((r) => r.kl - r.peer!.kl, 4)} |`);
  }
  return runs;
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

/** The timing runs of the selected configurations (each Barnes-Hut one on 1 and on bhThreads threads), with scikit-learn after the latter when `sklearn` is set. */
async function timingRuns(be: Backend, args: string[], iterations: number, perplexity: number, bhThreads: number, sklearn: string | null): Promise<Result[]> {
  const results: Result[] = [];
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
  return results;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const jsonFile = jsonFileArg(args, 'tsne-bench');
  const value = (flag: string): string | undefined => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  const backendName = (value('--backend') ?? 'wasm') as BackendName;
  const iterations = args.includes('--quick') ? 300 : 1000;
  const bhThreads = value('--bh-threads') !== undefined ? Number(value('--bh-threads')) : availableParallelism();
  const perplexity = 30;
  const sklearn = value('--sklearn') ?? null;
  const fairSeeds = Number(value('--fair-seeds') ?? 5);
  const fairOnly = args.includes('--fair-only');
  const be = await startBackend(backendName);
  let results: Result[] = [];
  let fair: FairRun[] = [];
  console.log(`tsne bench: standard-normal rows, perplexity ${perplexity}, ${iterations} iterations, PCA init, seed 0; ${be.name} backend, ${be.threads} threads; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`);
  try {
    if (!fairOnly) results = await timingRuns(be, args, iterations, perplexity, bhThreads, sklearn);
    if (fairSeeds > 0) fair = await fairComparison(be, sklearn ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : null), fairSeeds, bhThreads, iterations, perplexity);
  } finally {
    be.destroy();
  }
  console.log(`load average at the end ${loadavg()[0]!.toFixed(1)}`);
  if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify({ bench: 'tsne', loadAverage: loadavg()[0], cores: availableParallelism(), results, fair }, null, 2)}\n`);
}

await main();
