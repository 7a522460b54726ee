/**
 * TreeSHAP benchmark: seconds for exact TreeSHAP on seeded synthetic
 * ensembles of complete trees (randomTreeEnsemble) and standard-normal rows
 * with 50 features, for both algorithms (interventional against 100
 * background rows; path-dependent with covers), and its scaling in trees,
 * depth and rows. Single thread.
 *
 *   node dist/bench/tree-shap-bench.js [--json <file>] [--rows <n>]
 *
 * Rows default to 100: the 10,000-row time of the case (500 trees,
 * depth 8) is printed as a projection, setup + 10,000 x seconds per row, with
 * the seconds per row from the runs on rows/2 and 2 rows (TreeSHAP's cost is
 * linear in rows: every row is an independent walk; path-dependent builds
 * its per-leaf tables once).
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { Generator } from '@relevance/core-wasm';
import { randomTreeEnsemble } from '../src/trees/random-ensemble.js';
import { treeShap, type TreeShapAlgorithm } from '../src/trees/tree-shap.js';

const FEATURES = 50;
const BACKGROUND = 100;

interface Case {
  trees: number;
  depth: number;
  rows: number;
}

function rowsOf(n: number, seed: number): Float32Array {
  const g = new Generator(seed);
  return Float32Array.from({ length: n * FEATURES }, () => g.normal());
}

function time(c: Case, algorithm: TreeShapAlgorithm): number {
  const e = randomTreeEnsemble({ trees: c.trees, depth: c.depth, features: FEATURES, seed: 1 });
  const x = rowsOf(c.rows, 2);
  const background = rowsOf(BACKGROUND, 3);
  const t0 = performance.now();
  const r = treeShap(e, x, c.rows, { target: 0, algorithm, ...(algorithm === 'interventional' ? { background } : {}) });
  const s = (performance.now() - t0) / 1000;
  if (!(r.completeness!.maxAbsError < 1e-6)) throw new Error(`tree-shap bench: completeness error ${r.completeness!.maxAbsError}`);
  return s;
}

function main(): void {
  const args = process.argv.slice(2);
  const jsonIndex = args.indexOf('--json');
  const jsonFile = jsonIndex >= 0 ? args[jsonIndex + 1] : undefined;
  const rowsIndex = args.indexOf('--rows');
  const rows = rowsIndex >= 0 ? Number(args[rowsIndex + 1]) : 100;
  const base: Case = { trees: 500, depth: 8, rows };
  const cases: Array<Case & { vary: string }> = [
    { ...base, vary: 'base' },
    { ...base, trees: 125, vary: 'trees' }, { ...base, trees: 250, vary: 'trees' },
    { ...base, depth: 4, vary: 'depth' }, { ...base, depth: 6, vary: 'depth' },
    { ...base, rows: rows / 2, vary: 'rows' }, { ...base, rows: rows * 2, vary: 'rows' },
  ];
  console.log(`tree-shap bench: ${FEATURES} features, ${BACKGROUND} background rows, complete trees, 1 thread; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`);
  const results: Array<Case & { algorithm: string; vary: string; seconds: number; msPerRow: number }> = [];
  const projections: Array<Record<string, unknown>> = [];
  for (const algorithm of ['interventional', 'path-dependent'] as const) {
    for (const c of cases) {
      const seconds = time(c, algorithm);
      const perRow = seconds / c.rows;
      results.push({ algorithm, ...c, seconds, msPerRow: perRow * 1000 });
      console.log(`  ${algorithm.padEnd(15)} ${String(c.trees).padStart(4)} trees depth ${c.depth} ${String(c.rows).padStart(4)} rows: ${seconds.toFixed(2).padStart(7)} s`);
    }
    const mine = results.filter((r) => r.algorithm === algorithm && r.trees === 500 && r.depth === 8);
    const small = mine.find((r) => r.rows === rows / 2)!;
    const large = mine.find((r) => r.rows === rows * 2)!;
    const baseRun = mine.find((r) => r.rows === rows)!;
    const perRow = Math.max(0, (large.seconds - small.seconds) / (large.rows - small.rows));
    const setup = Math.max(0, baseRun.seconds - rows * perRow);
    console.log(`  ${algorithm}: ${(perRow * 1000).toFixed(1)} ms per row + ${setup.toFixed(2)} s setup -> 10,000 rows x 50 features, 500 trees, depth 8: ${(setup + 10000 * perRow).toFixed(0)} s projected (1 thread)`);
    projections.push({ algorithm, msPerRow: perRow * 1000, setupSeconds: setup, projected10kSeconds: setup + 10000 * perRow });
  }
  if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify({ bench: 'tree-shap', features: FEATURES, background: BACKGROUND, loadAverage: loadavg()[0], cores: availableParallelism(), results, projections }, null, 2)}\n`);
}

main();
