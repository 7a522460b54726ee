/**
 * TreeSHAP benchmark: exact TreeSHAP on seeded synthetic ensembles of
 * complete trees (randomTreeEnsemble) and standard-normal rows with 50
 * features, both algorithms (interventional against 100 background rows;
 * path-dependent with covers). Wall and CPU seconds (process.cpuUsage: every
 * thread of the process) for:
 *   1. the case, 500 trees of depth 8 on --full-rows rows (10,000) with --threads threads (2);
 *   2. scaling in trees, depth and rows (1 thread, --rows rows);
 *   3. the old implementation (git --baseline, default 8380b3a: per-leaf tables
 *      walked one row at a time) against this one, both on 1 thread in the
 *      same run, on 500 trees of depth 8 at --baseline-rows and a quarter of
 *      them: CPU seconds per row (the slope between the two) and the ratios,
 *      and the old time projected to 10,000 rows (setup + rows x seconds per row).
 *
 *   node dist/bench/tree-shap-bench.js [--rows 500] [--full-rows 10000] [--threads 2]
 *        [--baseline <git ref>|none] [--baseline-rows 400] [--no-scaling] [--json <file>]
 *
 * --full-rows 0 skips case 1, --no-scaling case 2, --baseline none case 3.
 *
 * The baseline is read with `git show` from this repository and transpiled
 * with TypeScript into a temporary folder (3 files: trees/tree-shap.ts,
 * trees/tree-ensemble.ts, util/argmax.ts of that commit).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { Generator } from '@relevance/core-wasm';
import { randomTreeEnsemble } from '../src/trees/random-ensemble.js';
import { treeShap, type TreeShapAlgorithm, type TreeShapOptions, type TreeShapResult } from '../src/trees/tree-shap.js';
import type { TreeEnsemble } from '../src/trees/tree-ensemble.js';

const FEATURES = 50;
const BACKGROUND = 100;
const ALGORITHMS = ['interventional', 'path-dependent'] as const;

type TreeShapFunction = (e: TreeEnsemble, x: ArrayLike<number>, rows: number, o: TreeShapOptions) => TreeShapResult;

interface Timing {
  wall: number;
  cpu: number;
}

function rowsOf(n: number, seed: number): Float32Array {
  const g = new Generator(seed);
  return Float32Array.from({ length: n * FEATURES }, () => g.normal());
}

const BG = rowsOf(BACKGROUND, 3);

function timed(run: () => TreeShapResult): Timing {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = run();
  const c = process.cpuUsage(c0);
  if (!(r.completeness!.maxAbsError < 1e-6)) throw new Error(`tree-shap bench: completeness error ${r.completeness!.maxAbsError}`);
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

function timeCase(fn: TreeShapFunction, algorithm: TreeShapAlgorithm, trees: number, depth: number, rows: number, threads: number): Timing {
  const e = randomTreeEnsemble({ trees, depth, features: FEATURES, seed: 1 });
  const x = rowsOf(rows, 2);
  const o: TreeShapOptions = { target: 0, algorithm, ...(algorithm === 'interventional' ? { background: BG } : {}), ...(threads > 1 ? { threads } : {}) };
  return timed(() => fn(e, x, rows, o));
}

/** treeShap of an earlier commit, transpiled from `git show` into a temporary folder. */
async function baselineTreeShap(ref: string): Promise<TreeShapFunction> {
  const dir = mkdtempSync(join(tmpdir(), 'tree-shap-baseline-'));
  const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
  for (const file of ['trees/tree-shap', 'trees/tree-ensemble', 'util/argmax']) {
    const source = execFileSync('git', ['-C', root, 'show', `${ref}:packages/methods/src/${file}.ts`], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const out = join(dir, `${file}.js`);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText);
  }
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  const m = (await import(pathToFileURL(join(dir, 'trees/tree-shap.js')).href)) as { treeShap: TreeShapFunction };
  return m.treeShap;
}

function arg(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]! : fallback;
}

const fmt = (t: Timing): string => `${t.wall.toFixed(2).padStart(7)} s wall ${t.cpu.toFixed(2).padStart(7)} s CPU`;

/** Old against new on 500 trees of depth 8, 1 thread, at a quarter and all of `rows`: per-row slopes, ratio, projection. */
function compare(old: TreeShapFunction, algorithm: TreeShapAlgorithm, rows: number): Record<string, number> {
  const half = Math.max(1, Math.floor(rows / 4));
  const t = (fn: TreeShapFunction, n: number): Timing => timeCase(fn, algorithm, 500, 8, n, 1);
  const oldHalf = t(old, half), oldFull = t(old, rows), newHalf = t(treeShap, half), newFull = t(treeShap, rows);
  const slope = (a: Timing, b: Timing): number => Math.max(1e-9, (b.cpu - a.cpu) / (rows - half));
  const oldPerRow = slope(oldHalf, oldFull);
  const newPerRow = slope(newHalf, newFull);
  const oldSetup = Math.max(0, oldFull.cpu - rows * oldPerRow);
  const r = { rows, oldCpu: oldFull.cpu, newCpu: newFull.cpu, oldMsPerRow: oldPerRow * 1000, newMsPerRow: newPerRow * 1000, ratioPerRow: oldPerRow / newPerRow, ratioAtRows: oldFull.cpu / newFull.cpu, oldProjected10k: oldSetup + 10000 * oldPerRow };
  console.log(`  old vs new, 500 trees depth 8, 1 thread, ${rows} rows: old ${oldFull.cpu.toFixed(2)} s CPU, new ${newFull.cpu.toFixed(2)} s CPU (${r.ratioAtRows.toFixed(1)}x); per row old ${r.oldMsPerRow.toFixed(2)} ms, new ${r.newMsPerRow.toFixed(2)} ms (${r.ratioPerRow.toFixed(1)}x); old projected to 10,000 rows: ${r.oldProjected10k.toFixed(0)} s CPU`);
  return r;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const rows = Number(arg(args, '--rows', '500'));
  const fullRows = Number(arg(args, '--full-rows', '10000'));
  const threads = Number(arg(args, '--threads', '2'));
  const baselineRef = arg(args, '--baseline', '8380b3a');
  const baselineRows = Number(arg(args, '--baseline-rows', '400'));
  const scaling = !args.includes('--no-scaling');
  const jsonFile = arg(args, '--json', '');
  const old = baselineRef === 'none' ? null : await baselineTreeShap(baselineRef);
  console.log(`tree-shap bench: ${FEATURES} features, ${BACKGROUND} background rows, complete trees; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores (CPU s = all threads of the process)`);
  timeCase(treeShap, 'interventional', 20, 6, 600, threads); // start the worker threads and warm the JIT
  const results: Array<Record<string, unknown>> = [];
  for (const algorithm of ALGORITHMS) {
    console.log(`${algorithm}:`);
    if (fullRows > 0) {
      const t = timeCase(treeShap, algorithm, 500, 8, fullRows, threads);
      console.log(`  500 trees depth 8, ${fullRows} rows x ${FEATURES} features, ${threads} thread(s): ${fmt(t)}`);
      results.push({ algorithm, kind: 'full', trees: 500, depth: 8, rows: fullRows, threads, ...t });
    }
    const cases = !scaling ? [] : [[125, 8, rows], [250, 8, rows], [500, 8, rows], [500, 4, rows], [500, 6, rows], [500, 8, rows / 2], [500, 8, rows * 2]] as const;
    for (const [trees, depth, n] of cases) {
      const t = timeCase(treeShap, algorithm, trees, depth, n, 1);
      console.log(`  ${String(trees).padStart(4)} trees depth ${depth} ${String(n).padStart(5)} rows, 1 thread: ${fmt(t)}`);
      results.push({ algorithm, kind: 'scaling', trees, depth, rows: n, threads: 1, ...t });
    }
    if (old) results.push({ algorithm, kind: 'old-vs-new', baseline: baselineRef, ...compare(old, algorithm, baselineRows) });
  }
  if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify({ bench: 'tree-shap', features: FEATURES, background: BACKGROUND, loadAverage: loadavg()[0], cores: availableParallelism(), results }, null, 2)}\n`);
}

await main();
