/**
 * TreeSHAP benchmark: exact TreeSHAP on seeded synthetic ensembles of
 * complete trees (randomTreeEnsemble) and standard-normal rows with 50
 * features, both algorithms (interventional against 100 background rows;
 * path-dependent with covers). Wall and CPU seconds (process.cpuUsage: every
 * thread of the process) for:
 *   1. the case, 500 trees of depth 8 on --full-rows rows (10,000) with --threads threads (2);
 *   2. scaling in trees, depth and rows (1 thread, --rows rows);
 *   3. the previous engine (git --baseline, default 79f23f5: leaf tables with
 *      pair units, chunks of rows per thread) against this one in the same
 *      run: on the case (with --threads; ratios of wall and CPU
 *      time), and on 1 thread on 500 trees of depth 8 at --baseline-rows and a
 *      quarter of them: CPU seconds per row (the slope between the two), the
 *      ratios, and the old time projected to 10,000 rows. Any earlier commit
 *      works too (e.g. 8380b3a: tables walked one row at a time).
 *
 *   node dist/bench/tree-shap-bench.js [--rows 500] [--full-rows 10000] [--threads 2]
 *        [--baseline <git ref>|none] [--baseline-rows 400] [--no-scaling] [--interaction-rows 0] [--json <file>]
 *
 *   4. with --interaction-rows n: interaction values of n rows, 100 trees of
 *      depth 6, 1 thread, the pair tables against the reference walks.
 *
 * --full-rows 0 skips case 1, --no-scaling case 2, --baseline none case 3.
 *
 * The baseline is read with `git show` from this repository and transpiled
 * with TypeScript into dist/bench-baseline/<ref> (trees/tree-shap.ts of that
 * commit and every module it imports, and the thread pool's worker module).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
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
/** The previous engine: per-leaf tables with pair units, rows in blocks, chunks of rows per thread (main before issue 17's interaction tables). */
const PREVIOUS = '79f23f5';

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

/** Relative imports of a module's source ('./x.js' -> 'x'), resolved against its folder (relative to src/). */
function relativeImports(source: string, file: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/(?:import|export)[^'"]*?from\s+'(\.[^']+)\.js'/g)) out.push(join(dirname(file), m[1]!));
  return out;
}

/**
 * treeShap of an earlier commit: trees/tree-shap.ts and every module it
 * imports (transitively, relative imports) read with `git show` and
 * transpiled into dist/bench-baseline/<ref>/src (inside the package, so that
 * its packages resolve; the pool's workers load that commit's row-jobs.js).
 */
async function baselineTreeShap(ref: string): Promise<TreeShapFunction> {
  const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
  const dir = join(root, 'packages/methods/dist/bench-baseline', ref.replace(/[^\w.-]/g, '_'), 'src');
  const todo = ['trees/tree-shap', 'stats/row-jobs'];
  const done = new Set<string>();
  while (todo.length) {
    const file = todo.pop()!;
    if (done.has(file)) continue;
    done.add(file);
    let source: string;
    try {
      source = execFileSync('git', ['-C', root, 'show', `${ref}:packages/methods/src/${file}.ts`], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      if (file === 'stats/row-jobs') continue; // commits before the thread pool
      throw new Error(`tree-shap bench: ${ref} has no packages/methods/src/${file}.ts`);
    }
    todo.push(...relativeImports(source, file));
    const out = join(dir, `${file}.js`);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText);
  }
  writeFileSync(join(dir, '..', 'package.json'), '{"type":"module"}\n');
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

/** Interaction values, 100 trees of depth 6, 1 thread: the pair tables against the reference walks (pathTables: false), in the same run. */
function interactionCase(algorithm: TreeShapAlgorithm, rows: number): Record<string, number> {
  const e = randomTreeEnsemble({ trees: 100, depth: 6, features: FEATURES, seed: 1 });
  const x = rowsOf(rows, 2);
  const o: TreeShapOptions = { target: 0, algorithm, interactions: true, ...(algorithm === 'interventional' ? { background: BG } : {}) };
  const tables = timed(() => treeShap(e, x, rows, o));
  const walks = timed(() => treeShap(e, x, rows, { ...o, pathTables: false }));
  console.log(`  interaction values, 100 trees depth 6, ${rows} rows, 1 thread: pair tables ${fmt(tables)}, walks ${fmt(walks)} (${(walks.cpu / tables.cpu).toFixed(1)}x in CPU time)`);
  return { trees: 100, depth: 6, rows, tablesWall: tables.wall, tablesCpu: tables.cpu, walksWall: walks.wall, walksCpu: walks.cpu, ratioCpu: walks.cpu / tables.cpu };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const rows = Number(arg(args, '--rows', '500'));
  const fullRows = Number(arg(args, '--full-rows', '10000'));
  const threads = Number(arg(args, '--threads', '2'));
  const baselineRef = arg(args, '--baseline', PREVIOUS);
  const baselineRows = Number(arg(args, '--baseline-rows', '400'));
  const scaling = !args.includes('--no-scaling');
  const jsonFile = arg(args, '--json', '');
  const interactionRows = Number(arg(args, '--interaction-rows', '0'));
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
      if (old) {
        const p = timeCase(old, algorithm, 500, 8, fullRows, threads);
        console.log(`  the same with ${baselineRef}: ${fmt(p)}; this engine is ${(p.wall / t.wall).toFixed(2)}x faster in wall time, ${(p.cpu / t.cpu).toFixed(2)}x in CPU time`);
        results.push({ algorithm, kind: 'full-baseline', baseline: baselineRef, trees: 500, depth: 8, rows: fullRows, threads, ...p, ratioWall: p.wall / t.wall, ratioCpu: p.cpu / t.cpu });
      }
    }
    const cases = !scaling ? [] : [[125, 8, rows], [250, 8, rows], [500, 8, rows], [500, 4, rows], [500, 6, rows], [500, 8, rows / 2], [500, 8, rows * 2]] as const;
    for (const [trees, depth, n] of cases) {
      const t = timeCase(treeShap, algorithm, trees, depth, n, 1);
      console.log(`  ${String(trees).padStart(4)} trees depth ${depth} ${String(n).padStart(5)} rows, 1 thread: ${fmt(t)}`);
      results.push({ algorithm, kind: 'scaling', trees, depth, rows: n, threads: 1, ...t });
    }
    if (old) results.push({ algorithm, kind: 'old-vs-new', baseline: baselineRef, ...compare(old, algorithm, baselineRows) });
    if (interactionRows > 0) results.push({ algorithm, kind: 'interactions', ...interactionCase(algorithm, interactionRows) });
  }
  if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify({ bench: 'tree-shap', features: FEATURES, background: BACKGROUND, loadAverage: loadavg()[0], cores: availableParallelism(), results }, null, 2)}\n`);
}

await main();
