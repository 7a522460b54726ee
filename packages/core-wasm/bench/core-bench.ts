/**
 * Core benchmark: the machine's measured WebAssembly SIMD peak, GEMM and
 * conv2d throughput per backend (reference, wasm on 1 thread and on all
 * threads, webgpu when it starts), and the GEMM size from which splitting
 * across threads pays off. wasm runs in both instruction-set builds:
 * 'wasm' (plain SIMD128) and 'wasm-relaxed' (relaxed SIMD, fused multiply-add;
 * enabled on Node 20 through the V8 flag, as the CLI does), each with its own
 * measured peak; fractions are of the build's own peak.
 *
 *   npm run bench -w @relevance/core-wasm [-- --json <file>] [-- --quick]
 *
 * Prints a table; --json writes
 *   { simd_peak_gflops, gemm: [{backend, threads, m, n, k, gflops}], conv2d: [...], ... }.
 * Timings are the best of several short rounds after warm-up (V8 tiers wasm
 * functions up from its baseline compiler after a few calls; on a shared
 * machine the best round is the least disturbed), for the SIMD peak and the
 * kernels alike. Reference runs are single shots.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { Backend, createBackend, Generator, type Conv2dOptions, type Tensor } from '../src/index.js';
import { createWasmImpl, type WasmImpl } from '../src/backends/wasm/index.js';
import { relaxedSimdSupported } from '../src/backends/wasm/module.js';
import { enableRelaxedSimdFlag } from '../src/backends/wasm/relaxed-flag.js';

interface GemmResult { backend: string; threads: number; m: number; n: number; k: number; gflops: number; fraction_of_peak?: number }
interface ConvResult {
  backend: string; threads: number; kernel: 'forward' | 'backwardInput';
  n: number; cIn: number; cOut: number; h: number; w: number; kernelSize: number; padding: number; gflops: number; fraction_of_peak?: number;
}
interface ThresholdResult { size: number; single_us: number; split_us: number }

const args = process.argv.slice(2);
const jsonIndex = args.indexOf('--json');
const jsonFile = jsonIndex >= 0 ? args[jsonIndex + 1] : undefined;
if (jsonIndex >= 0 && !jsonFile) throw new Error('core-bench: --json needs a file name');
const quick = args.includes('--quick');

const GEMM_SHAPES: Array<[number, number, number]> = [[64, 64, 64], [128, 128, 128], [256, 256, 256], [512, 512, 512], [1024, 1024, 1024], [8192, 256, 256]];
const CONV = { n: 32, cIn: 32, cOut: 64, h: 32, w: 32, kernelSize: 3, padding: 1 };

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1]!.trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown CPU';
}

const now = (): number => performance.now() / 1000;

/**
 * Best seconds per call of each of `runs`: `rounds` rounds of at least
 * `minSeconds` each, after `warmSeconds` of warm-up per run. Rounds of the
 * runs alternate, so a burst of load from other processes hits them alike
 * (a ratio of two runs is then fair even on a busy machine).
 */
function measureEach(runs: ReadonlyArray<() => void>, opts: { warmSeconds: number; minSeconds: number; rounds: number }): number[] {
  for (const run of runs) {
    const warmEnd = now() + opts.warmSeconds;
    do run(); while (now() < warmEnd);
  }
  const best = runs.map(() => Infinity);
  for (let r = 0; r < opts.rounds; r++) {
    runs.forEach((run, i) => {
      let reps = 0;
      const t0 = now();
      let elapsed = 0;
      do {
        run();
        reps++;
        elapsed = now() - t0;
      } while (elapsed < opts.minSeconds);
      best[i] = Math.min(best[i]!, elapsed / reps);
    });
  }
  return best;
}

function measure(run: () => void, opts: { warmSeconds: number; minSeconds: number; rounds: number }): number {
  return measureEach([run], opts)[0]!;
}

async function measureAsync(run: () => Promise<void>, opts: { warmSeconds: number; minSeconds: number; rounds: number }): Promise<number> {
  const warmEnd = now() + opts.warmSeconds;
  do await run(); while (now() < warmEnd);
  let best = Infinity;
  for (let r = 0; r < opts.rounds; r++) {
    let reps = 0;
    const t0 = now();
    let elapsed = 0;
    do {
      await run();
      reps++;
      elapsed = now() - t0;
    } while (elapsed < opts.minSeconds);
    best = Math.min(best, elapsed / reps);
  }
  return best;
}

/** Many short rounds, best kept: on a shared machine the best round is the one least disturbed by other processes. */
const FAST = quick ? { warmSeconds: 0.1, minSeconds: 0.03, rounds: 5 } : { warmSeconds: 0.3, minSeconds: 0.03, rounds: 15 };
const ONCE = { warmSeconds: 0, minSeconds: 0, rounds: 1 };

function randomTensor(be: Backend, shape: number[], seed: number): Tensor {
  return be.randomUniform(shape, new Generator(seed), -1, 1);
}

/** Accumulator chain counts of the peak loop (assembly/peak.ts); the fastest one on this CPU sets the peak. */
const PEAK_CHAINS = [8, 10, 11, 12];

/**
 * GFLOP/s of the SIMD peak loop on the main thread: for each chain count the
 * best of many short rounds (one call of a few milliseconds each, so one calm
 * moment suffices); the best chain count wins.
 */
function simdPeak(impl: WasmImpl): { gflops: number; chains: number } {
  const iterations = 2_000_000;
  let best = { gflops: 0, chains: 0 };
  for (const chains of PEAK_CHAINS) {
    const flops = impl.core.simdPeakFlops(chains, iterations);
    const seconds = measure(() => void impl.core.simdPeak(chains, iterations, 0.9999, 1e-4), { warmSeconds: 0.1, minSeconds: 0, rounds: quick ? 10 : 30 });
    const gflops = flops / seconds / 1e9;
    if (gflops > best.gflops) best = { gflops, chains };
  }
  return best;
}

/** Seconds per C = A B (m x k times k x n) on each backend, measured alternately. */
function gemmSeconds(backends: readonly Backend[], m: number, n: number, k: number, opts: typeof FAST): number[] {
  const operands = backends.map((be) => [randomTensor(be, [m, k], 1), randomTensor(be, [k, n], 2)] as const);
  try {
    return measureEach(backends.map((be, i) => () => be.gemm(operands[i]![0], operands[i]![1]).dispose()), opts);
  } finally {
    for (const [a, b] of operands) {
      a.dispose();
      b.dispose();
    }
  }
}

async function gemmSecondsAsync(be: Backend, m: number, n: number, k: number): Promise<number> {
  const a = randomTensor(be, [m, k], 1);
  const b = randomTensor(be, [k, n], 2);
  try {
    return await measureAsync(async () => {
      const c = be.gemm(a, b);
      await be.sync();
      c.dispose();
    }, FAST);
  } finally {
    a.dispose();
    b.dispose();
  }
}

const convOptions: Conv2dOptions = { padding: CONV.padding };
const convShapes = {
  x: [CONV.n, CONV.cIn, CONV.h, CONV.w],
  w: [CONV.cOut, CONV.cIn, CONV.kernelSize, CONV.kernelSize],
  y: [CONV.n, CONV.cOut, CONV.h, CONV.w],
};
const convFlops = 2 * CONV.n * CONV.cOut * CONV.h * CONV.w * CONV.cIn * CONV.kernelSize * CONV.kernelSize;

/** Seconds per conv2d forward or input-gradient call on each backend, measured alternately. */
function convSeconds(backends: readonly Backend[], kernel: 'forward' | 'backwardInput', opts: typeof FAST): number[] {
  const operands = backends.map((be) => ({ x: randomTensor(be, convShapes.x, 3), w: randomTensor(be, convShapes.w, 4), dy: randomTensor(be, convShapes.y, 5) }));
  try {
    return measureEach(backends.map((be, i) => {
      const { x, w, dy } = operands[i]!;
      return kernel === 'forward'
        ? () => be.conv2d(x, w, null, convOptions).dispose()
        : () => be.conv2dBackwardInput(dy, w, convShapes.x, convOptions).dispose();
    }), opts);
  } finally {
    for (const o of operands) for (const t of [o.x, o.w, o.dy]) t.dispose();
  }
}

async function convSecondsAsync(be: Backend, kernel: 'forward' | 'backwardInput'): Promise<number> {
  const x = randomTensor(be, convShapes.x, 3);
  const w = randomTensor(be, convShapes.w, 4);
  const dy = randomTensor(be, convShapes.y, 5);
  try {
    return await measureAsync(async () => {
      const out = kernel === 'forward' ? be.conv2d(x, w, null, convOptions) : be.conv2dBackwardInput(dy, w, convShapes.x, convOptions);
      await be.sync();
      out.dispose();
    }, FAST);
  } finally {
    for (const t of [x, w, dy]) t.dispose();
  }
}

/** Single-thread vs forced-split time of square GEMMs around the split threshold. */
async function thresholdScan(threads: number): Promise<ThresholdResult[]> {
  if (threads < 2) return [];
  const never = await createWasmImpl({ threads, parallelMinFlops: Infinity });
  const always = await createWasmImpl({ threads, parallelMinFlops: 0 });
  const results: ThresholdResult[] = [];
  try {
    const one = new Backend(never, threads);
    const split = new Backend(always, threads);
    for (const size of [32, 48, 64, 96, 128, 160, 192, 256]) {
      const [single, forced] = gemmSeconds([one, split], size, size, size, { warmSeconds: 0.05, minSeconds: 0.02, rounds: quick ? 5 : 15 });
      results.push({ size, single_us: single! * 1e6, split_us: forced! * 1e6 });
    }
  } finally {
    never.destroy();
    always.destroy();
  }
  return results;
}

function pad(s: string | number, width: number): string {
  return String(s).padStart(width);
}

/** One WebAssembly build, at 1 thread and at all threads, with its measured SIMD peak. */
interface Build {
  label: string;
  one: WasmImpl;
  all: WasmImpl;
  wasm1: Backend;
  wasmN: Backend;
  peak: { gflops: number; chains: number };
}

async function wasmBuilds(allThreads: number): Promise<Build[]> {
  enableRelaxedSimdFlag();
  return Promise.all((relaxedSimdSupported() ? (['simd128', 'relaxed'] as const) : (['simd128'] as const)).map(async (simd) => {
    const one = await createWasmImpl({ threads: 1, simd });
    const all = await createWasmImpl({ threads: allThreads, simd });
    return { label: simd === 'relaxed' ? 'wasm-relaxed' : 'wasm', one, all, wasm1: new Backend(one, 1), wasmN: new Backend(all, all.threads), peak: { gflops: 0, chains: 0 } };
  }));
}

async function webgpuOrNote(): Promise<{ webgpu: Backend | null; webgpuNote: string }> {
  try {
    return { webgpu: await createBackend('webgpu'), webgpuNote: '' };
  } catch (e) {
    return { webgpu: null, webgpuNote: (e as Error).message.split('\n')[0]! };
  }
}

type GemmRow = [string, number, number, number, number, number];

/** Seconds per GEMM of every shape on every backend: (backend, threads, m, n, k, seconds). */
async function measureGemm(builds: Build[], reference: Backend, webgpu: Backend | null): Promise<GemmRow[]> {
  const gemmRows: GemmRow[] = [];
  const row = (backend: string, threads: number, m: number, n: number, k: number, seconds: number): void => {
    gemmRows.push([backend, threads, m, n, k, seconds]);
  };
  process.stderr.write('measuring GEMM');
  for (const [m, n, k] of GEMM_SHAPES) {
    process.stderr.write(` ${m}x${n}x${k}`);
    // JIT warm-up of the reference on a small product, then one timed run
    gemmSeconds([reference], 32, 32, 32, ONCE);
    row('reference', 1, m, n, k, gemmSeconds([reference], m, n, k, ONCE)[0]!);
    for (const b of builds) {
      const [one, all] = gemmSeconds([b.wasm1, b.wasmN], m, n, k, FAST);
      row(b.label, 1, m, n, k, one!);
      row(b.label, b.wasmN.threads, m, n, k, all!);
    }
    if (webgpu) row('webgpu', 1, m, n, k, await gemmSecondsAsync(webgpu, m, n, k));
  }
  process.stderr.write('\n');
  return gemmRows;
}

/** GFLOP/s (and, for wasm, the fraction of its build's peak) of a timed call, with its table line. */
function rate<T extends { backend: string; gflops: number; fraction_of_peak?: number }>(
  entry: Omit<T, 'gflops'>, flops: number, seconds: number, peakOf: (label: string) => number,
): { entry: T; frac: string } {
  const gflops = flops / seconds / 1e9;
  const full = { ...entry, gflops: Number(gflops.toFixed(3)) } as T;
  if (full.backend.startsWith('wasm')) full.fraction_of_peak = Number((gflops / peakOf(full.backend)).toFixed(3));
  const frac = full.fraction_of_peak !== undefined ? `${(full.fraction_of_peak * 100).toFixed(0)}%` : '';
  return { entry: full, frac };
}

function printGemm(gemmRows: GemmRow[], peakOf: (label: string) => number): GemmResult[] {
  const gemm: GemmResult[] = [];
  console.log('');
  console.log('GEMM (C = A B, float32)          GFLOP/s   fraction of SIMD peak');
  console.log(`${'backend'.padEnd(14)}${pad('threads', 8)}${pad('m', 6)}${pad('n', 6)}${pad('k', 6)}${pad('GFLOP/s', 10)}${pad('of peak', 9)}`);
  for (const [backend, threads, m, n, k, seconds] of gemmRows) {
    const { entry, frac } = rate<GemmResult>({ backend, threads, m, n, k }, 2 * m * n * k, seconds, peakOf);
    gemm.push(entry);
    console.log(`${backend.padEnd(14)}${pad(threads, 8)}${pad(m, 6)}${pad(n, 6)}${pad(k, 6)}${pad(entry.gflops.toFixed(2), 10)}${pad(frac, 9)}`);
  }
  return gemm;
}

async function benchConv(builds: Build[], reference: Backend, webgpu: Backend | null, peakOf: (label: string) => number): Promise<ConvResult[]> {
  const conv2d: ConvResult[] = [];
  console.log(`conv2d: batch ${CONV.n}, ${CONV.cIn} -> ${CONV.cOut} channels, ${CONV.h}x${CONV.w}, ${CONV.kernelSize}x${CONV.kernelSize}, pad ${CONV.padding} (${(convFlops / 1e9).toFixed(2)} GFLOP per call)`);
  console.log(`${'backend'.padEnd(14)}${pad('threads', 8)}${pad('kernel', 15)}${pad('GFLOP/s', 10)}${pad('of peak', 9)}`);
  for (const kernel of ['forward', 'backwardInput'] as const) {
    const runs: Array<[string, number, number]> = [['reference', 1, convSeconds([reference], kernel, ONCE)[0]!]];
    for (const b of builds) {
      const [one, all] = convSeconds([b.wasm1, b.wasmN], kernel, FAST);
      runs.push([b.label, 1, one!], [b.label, b.wasmN.threads, all!]);
    }
    if (webgpu) runs.push(['webgpu', 1, await convSecondsAsync(webgpu, kernel)]);
    for (const [backend, threads, seconds] of runs) {
      const { entry, frac } = rate<ConvResult>({ backend, threads, kernel, ...CONV }, convFlops, seconds, peakOf);
      conv2d.push(entry);
      console.log(`${backend.padEnd(14)}${pad(threads, 8)}${pad(kernel, 15)}${pad(entry.gflops.toFixed(2), 10)}${pad(frac, 9)}`);
    }
  }
  return conv2d;
}

function printThresholds(threshold: ThresholdResult[], allThreads: number, parallelMinFlops: number): void {
  if (threshold.length === 0) return;
  console.log(`\nSplit threshold: square GEMM on 1 thread vs split across ${allThreads} (microseconds per call; current threshold ${parallelMinFlops / 1e6} MFLOP)`);
  console.log(`${pad('size', 6)}${pad('MFLOP', 8)}${pad('1 thread', 10)}${pad('split', 10)}`);
  for (const t of threshold) {
    console.log(`${pad(t.size, 6)}${pad(((2 * t.size ** 3) / 1e6).toFixed(2), 8)}${pad(t.single_us.toFixed(1), 10)}${pad(t.split_us.toFixed(1), 10)}`);
  }
}

async function main(): Promise<void> {
  const allThreads = availableParallelism();
  console.log(`core-bench: ${cpuModel()}, ${allThreads} hardware threads, Node ${process.version}${quick ? ' (quick)' : ''}`);
  console.log('Figures taken while other processes run are indicative only.\n');

  const builds = await wasmBuilds(allThreads);
  if (builds.length === 1) console.log(`(relaxed SIMD unavailable on Node ${process.version}: only the SIMD128 build is measured)`);
  const { wasmN, all: wasmNImpl } = builds[0]!;
  const reference = await createBackend('reference');
  const { webgpu, webgpuNote } = await webgpuOrNote();

  // measured at the start and again after the GEMMs; the higher figure is the peak
  for (const b of builds) b.peak = simdPeak(b.one);
  const gemmRows = await measureGemm(builds, reference, webgpu);
  for (const b of builds) {
    const again = simdPeak(b.one);
    if (again.gflops > b.peak.gflops) b.peak = again;
    console.log(`WebAssembly SIMD peak, ${b.label} build (f32x4 ${b.label === 'wasm' ? 'mul+add' : 'relaxed_madd'}, ${b.peak.chains} independent chains, 1 thread): ${b.peak.gflops.toFixed(1)} GFLOP/s`);
  }
  const peakRun = builds[0]!.peak;
  const peak = peakRun.gflops;
  const peakOf = (label: string): number => builds.find((b) => b.label === label)?.peak.gflops ?? NaN;
  const gemm = printGemm(gemmRows, peakOf);
  if (!webgpu) console.log(`(webgpu not measured: ${webgpuNote || 'unavailable'})`);

  const at512 = (backend: string, threads: number): number => gemm.find((g) => g.backend === backend && g.threads === threads && g.m === 512 && g.n === 512 && g.k === 512)?.gflops ?? NaN;
  const wasm512 = at512('wasm', 1);
  const threadRatio = at512('wasm', wasmN.threads) / wasm512;
  const referenceRatio = wasm512 / at512('reference', 1);
  console.log(`\nGEMM 512^3: wasm 1 thread ${wasm512.toFixed(2)} GFLOP/s = ${((wasm512 / peak) * 100).toFixed(0)}% of peak; ` +
    `${wasmN.threads}-thread / 1-thread = ${threadRatio.toFixed(2)}x; wasm / reference = ${referenceRatio.toFixed(1)}x`);
  const relaxed512 = at512('wasm-relaxed', 1);
  if (builds.length > 1) {
    console.log(`GEMM 512^3: wasm-relaxed 1 thread ${relaxed512.toFixed(2)} GFLOP/s = ${((relaxed512 / peakOf('wasm-relaxed')) * 100).toFixed(0)}% of its peak; ` +
      `relaxed / SIMD128 = ${(relaxed512 / wasm512).toFixed(2)}x (1 thread), ${(at512('wasm-relaxed', wasmN.threads) / at512('wasm', wasmN.threads)).toFixed(2)}x (${wasmN.threads} threads)`);
  }
  console.log('');

  const conv2d = await benchConv(builds, reference, webgpu, peakOf);
  const threshold = await thresholdScan(allThreads);
  printThresholds(threshold, allThreads, wasmNImpl.parallelMinFlops);

  for (const b of builds) {
    b.wasm1.destroy();
    b.wasmN.destroy();
  }
  webgpu?.destroy();

  if (jsonFile) {
    const report = {
      simd_peak_gflops: Number(peak.toFixed(3)),
      simd_peak_chains: peakRun.chains,
      relaxed_simd_peak_gflops: builds.length > 1 ? Number(peakOf('wasm-relaxed').toFixed(3)) : null,
      gemm,
      conv2d,
      gemm_512_thread_ratio: Number(threadRatio.toFixed(3)),
      gemm_512_wasm_over_reference: Number(referenceRatio.toFixed(2)),
      split_threshold_scan: threshold,
      machine: { cpu: cpuModel(), hardware_threads: allThreads, node: process.version, webgpu: webgpu ? 'measured' : webgpuNote || 'unavailable' },
    };
    writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nwrote ${jsonFile}`);
  }
}

await main();
