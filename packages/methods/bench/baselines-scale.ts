/**
 * The proteomics study's baselines at scale, before and after, in one process:
 *   --size pancan: 4,741 rows x the pan-cancer proteins (<= 50% missing), the
 *                  train split of the TCGA pan-cancer RPPA table
 *   --size study:  3,400 rows x 147 of them (the study's reference size)
 * rows drawn with the core's Generator (seed 1) from
 * <shared>/data/tcga_rppa_firehose_pancan/rppa_pancan_level3.csv (shared =
 * RELEVANCE_SHARED_DIR or ../shared); without it, synthetic data of the same
 * shape with 7% NaN (said in the first line).
 *
 *   node dist/bench/baselines-scale.js [--size pancan|study] [--before <methods dist index.js>] [--targets k] [--threads n] [--json <file>]
 *                                      [--caps c1,c2,.. [--trees t1,t2,..] [--caps-only]]
 *
 * "before" is a build of @relevance/methods from before the change (e.g.
 * /work/main/packages/methods/dist/src/index.js) imported into this process;
 * without --before, the reference kernels of baselines-reference.ts stand in
 * for the methods they cover (correlations, graphical lasso), GENIE3 and
 * GRNBoost2 run on the TypeScript tree engine (engine: 'reference') as
 * "before" against the default wasm engine, and PIDC and CLR print "after"
 * only. GENIE3 and GRNBoost2 fit k targets (default 4) and are
 * scaled to all p (marked "extrapolated"). Each line ends with whether the
 * two results are the same bytes (they must be). PIDC and CLR share one
 * discretisation after (as the study computes them), so "after" PIDC
 * includes it and CLR does not. CPU seconds are steadier than wall time on a
 * shared machine. GENIE3 and GRNBoost2 cap the rows per tree (maxSamples,
 * default 3000): where a cap is active "after" is compared with "before" by
 * the Spearman correlation of their edge scores, not by bytes.
 *
 * --caps: the tree methods on the k targets with no cap (seeds 1 and 2: the
 * method's own seed-to-seed Spearman) and with each cap (seed 1), and for
 * GENIE3 each tree count in --trees (default 300) under each cap: CPU
 * seconds scaled to all p and the Spearman of the k x (p - 1) edge scores
 * with uncapped seed 1 and seed 2. --caps-only skips the other baselines.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Generator } from '@relevance/core-wasm';
import { stats } from '../src/index.js';
import { jsonFileArg } from './bench-args.js';
import { referenceCorrelationMatrix, referenceGraphicalLassoEbic } from './baselines-reference.js';

type Stats = typeof stats;
type Kernel = (s: Stats, m: stats.DataMatrix, o: { threads: number; targets: number[] }) => Float64Array;

interface Row { method: string; beforeSeconds: number | null; beforeCpu: number | null; afterSeconds: number; afterCpu: number; same: boolean | null; extrapolated: boolean; spearman?: number }

function sharedDir(): string {
  return process.env.RELEVANCE_SHARED_DIR ? resolve(process.env.RELEVANCE_SHARED_DIR) : fileURLToPath(new URL('../../../../../shared', import.meta.url));
}

/** n rows (Generator(1) shuffle) of the pan-cancer table's proteins with at most 50% missing, the first p of them; null without the file. */
function panCancer(n: number, p: number | undefined): stats.DataMatrix | null {
  const file = `${sharedDir()}/data/tcga_rppa_firehose_pancan/rppa_pancan_level3.csv`;
  if (!existsSync(file)) return null;
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const header = lines[0]!.split(',');
  const rows = lines.slice(1).map((l) => l.split(',').map((v) => (v === '' || v === 'NA' ? NaN : Number(v))));
  const first = header.indexOf('cancer_type') + 1;
  const cols: number[] = [];
  for (let j = first; j < header.length; j++) if (rows.filter((r) => Number.isNaN(r[j]!)).length <= rows.length / 2) cols.push(j);
  const keep = cols.slice(0, p ?? cols.length);
  const g = new Generator(1);
  const order = Array.from({ length: rows.length }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) { const k = g.int(i + 1); [order[i], order[k]] = [order[k]!, order[i]!]; }
  const values = new Float64Array(n * keep.length);
  for (let i = 0; i < n; i++) keep.forEach((j, c) => { values[i * keep.length + c] = rows[order[i]!]![j]!; });
  return { values, rows: n, cols: keep.length };
}

/** Each column = 0.6 x an earlier one + noise, 7% NaN. */
function synthetic(n: number, p: number): stats.DataMatrix {
  const g = new Generator(0);
  const parent = Int32Array.from({ length: p }, (_, j) => (j === 0 ? -1 : g.int(j)));
  const values = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) values[i * p + j] = (parent[j]! >= 0 ? 0.6 * values[i * p + parent[j]!]! : 0) + g.normal();
  for (let k = 0; k < values.length; k++) if (g.uniform() < 0.07) values[k] = NaN;
  return { values, rows: n, cols: p };
}

/** The study's kernels: partial correlation is its pairwise covariance and first (w = 0.9) inversion. */
const KERNELS: Array<[string, Kernel, boolean]> = [
  ['pearson', (s, m) => s.correlationMatrix(m, 'pearson'), false],
  ['spearman', (s, m) => s.correlationMatrix(m, 'spearman'), false],
  ['partial_correlation', (s, m) => s.inverseSpd(s.standardizedCovariance(m).map((v, k) => (Math.floor(k / m.cols) === k % m.cols ? 1 : 0.9 * v)), m.cols) ?? new Float64Array(0), false],
  ['graphical_lasso', (s, m) => s.graphicalLassoEbic(s.standardizedCovariance(m), m.cols, m.rows).precision, false],
  ['genie3', (s, m, o) => s.genie3(m, o), true],
  ['grnboost2', (s, m, o) => s.grnboost2(m, o), true],
];

/** The reference kernels standing in for a "before" build, where they cover a method. */
const REFERENCE: Partial<Stats> = {
  ...stats,
  correlationMatrix: referenceCorrelationMatrix,
  standardizedCovariance: (m) => referenceCorrelationMatrix(m, 'pearson').map((v) => (Number.isNaN(v) ? 0 : v)),
  graphicalLassoEbic: referenceGraphicalLassoEbic,
  genie3: (m, o) => stats.genie3(m, { ...o, engine: 'reference' }),
  grnboost2: (m, o) => stats.grnboost2(m, { ...o, engine: 'reference' }),
};
const REFERENCE_COVERS = new Set(['pearson', 'spearman', 'partial_correlation', 'graphical_lasso', 'genie3', 'grnboost2']);

function timed<T>(f: () => T): { value: T; seconds: number; cpu: number } {
  const c0 = process.cpuUsage(), t0 = performance.now();
  const value = f();
  const c = process.cpuUsage(c0);
  return { value, seconds: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

function sameBytes(a: Float64Array, b: Float64Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function report(r: Row, p: number, n: number): void {
  const f = (s: number | null, c: number | null): string => (s === null ? '      n/a' : `${s.toFixed(1).padStart(7)} s (cpu ${c!.toFixed(1)})`);
  const ratio = r.beforeSeconds === null ? '' : `  x${(r.beforeSeconds / r.afterSeconds).toFixed(1)}`;
  const capped = r.spearman !== undefined;
  const same = r.same === null ? '' : r.same ? '  identical bytes' : capped ? `  row cap active: Spearman ${r.spearman!.toFixed(3)} with before` : '  BYTES DIFFER';
  console.log(`  p=${p} n=${n} ${r.method.padEnd(20)} before ${f(r.beforeSeconds, r.beforeCpu)}  after ${f(r.afterSeconds, r.afterCpu)}${ratio}${same}${r.extrapolated ? '  extrapolated' : ''}`);
  if (r.same === false && !capped) process.exitCode = 1;
}

/** A before/after line; `capped`: a tree method's targets, whose edges are compared by Spearman where the bytes differ (a row cap). */
function row(method: string, before: ReturnType<typeof timed<Float64Array>> | null, after: ReturnType<typeof timed<Float64Array>>, scale: number, capped?: { targets: number[]; p: number }): Row {
  const same = before && sameBytes(before.value, after.value);
  const edges = (s: Float64Array): Float64Array => targetEdges(s, capped!.targets, capped!.p);
  return {
    method, beforeSeconds: before && before.seconds * scale, beforeCpu: before && before.cpu * scale, afterSeconds: after.seconds * scale, afterCpu: after.cpu * scale,
    same, extrapolated: scale !== 1, ...(before && capped && !same ? { spearman: stats.spearman(edges(before.value), edges(after.value)) } : {}),
  };
}

/** Off-diagonal scores of the target rows: the k x (p - 1) edges the Spearman correlations compare. */
function targetEdges(s: Float64Array, targets: readonly number[], p: number): Float64Array {
  const out = new Float64Array(targets.length * (p - 1));
  let k = 0;
  for (const t of targets) for (let j = 0; j < p; j++) if (j !== t) out[k++] = s[t * p + j]!;
  return out;
}

/** One --caps fit; maxSamples null = no cap. */
interface CapRow { method: string; maxSamples: number | null; trees: number | null; seed: number; cpu: number; seconds: number; spearmanSeed1: number | null; spearmanSeed2: number | null }

/**
 * --caps: each tree method uncapped (seeds 1, 2) and under each cap (seed 1, GENIE3 with each tree count);
 * CPU scaled to all p. A seed-1 fit shares its generator with uncapped seed 1 (the first draws agree, which
 * lifts their Spearman), so its Spearman with uncapped seed 2 is the one to set beside seed 1 against seed 2.
 */
function capStudy(m: stats.DataMatrix, targets: number[], caps: number[], trees: number[], threads: number): CapRow[] {
  const p = m.cols, scale = p / targets.length;
  const out: CapRow[] = [];
  for (const method of ['genie3', 'grnboost2'] as const) {
    const fit = (o: { seed: number; maxSamples: number; trees?: number }): ReturnType<typeof timed<Float64Array>> =>
      timed(() => targetEdges(method === 'genie3' ? stats.genie3(m, { ...o, targets, threads }) : stats.grnboost2(m, { seed: o.seed, maxSamples: o.maxSamples, targets, threads }), targets, p));
    const settings: Array<{ seed: number; maxSamples: number; trees?: number }> = [{ seed: 1, maxSamples: Infinity }, { seed: 2, maxSamples: Infinity }];
    for (const maxSamples of [Infinity, ...caps]) {
      for (const t of method === 'genie3' ? trees : [undefined]) if (maxSamples !== Infinity || (t !== undefined && t !== 300)) settings.push({ seed: 1, maxSamples, ...(t === undefined ? {} : { trees: t }) });
    }
    const results = settings.map((o) => ({ o, r: fit(o) }));
    const [ref1, ref2] = [results[0]!.r.value, results[1]!.r.value];
    for (const { o, r } of results) {
      const c: CapRow = {
        method, maxSamples: o.maxSamples === Infinity ? null : o.maxSamples, trees: method === 'genie3' ? (o.trees ?? 300) : null, seed: o.seed, cpu: r.cpu * scale, seconds: r.seconds * scale,
        spearmanSeed1: r.value === ref1 ? null : stats.spearman(r.value, ref1), spearmanSeed2: r.value === ref2 ? null : stats.spearman(r.value, ref2),
      };
      out.push(c);
      const sp = (v: number | null): string => (v === null ? '    -' : v.toFixed(3));
      console.log(`  p=${p} n=${m.rows} ${method.padEnd(9)} maxSamples ${String(o.maxSamples).padStart(8)}${c.trees === null ? '' : ` trees ${String(c.trees).padStart(3)}`} seed ${o.seed}: cpu ${c.cpu.toFixed(1).padStart(6)} s (wall ${c.seconds.toFixed(1)})  Spearman with uncapped seed 1 ${sp(c.spearmanSeed1)}, seed 2 ${sp(c.spearmanSeed2)}  extrapolated`);
    }
  }
  return out;
}

/** A comma-separated list of positive integers after `name`, or `fallback`. */
function intList(value: string | undefined, name: string, fallback: number[]): number[] {
  if (value === undefined) return fallback;
  const v = value.split(',').map(Number);
  if (!v.every((x) => Number.isInteger(x) && x >= 2)) throw new Error(`baselines-scale bench: ${name} must be comma-separated integers >= 2, got ${value}`);
  return v;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const jsonFile = jsonFileArg(args, 'baselines-scale bench');
  const size = arg('--size') ?? 'pancan';
  if (size !== 'pancan' && size !== 'study') throw new Error(`baselines-scale bench: --size must be pancan or study, got ${size}`);
  const threads = Number(arg('--threads') ?? 1), k = Number(arg('--targets') ?? 4);
  if (!(Number.isInteger(threads) && threads >= 1 && Number.isInteger(k) && k >= 1)) throw new Error('baselines-scale bench: --threads and --targets must be positive integers');
  const beforePath = arg('--before');
  const before = beforePath ? ((await import(resolve(beforePath))) as { stats: Stats }).stats : null;
  const [n, p] = size === 'pancan' ? [4741, undefined] : [3400, 147];
  const real = panCancer(n, p);
  const m = real ?? synthetic(n, p ?? 191);
  const targets = Array.from({ length: Math.min(k, m.cols) }, (_, t) => t);
  const scale = m.cols / targets.length;
  const caps = arg('--caps') === undefined ? null : intList(arg('--caps'), '--caps', []);
  const treeCounts = intList(arg('--trees'), '--trees', [300]);
  console.log(`baselines at scale: ${real ? 'TCGA pan-cancer RPPA' : 'synthetic (pan-cancer table not found)'} ${m.cols} proteins x ${m.rows} rows, ${m.values.filter(Number.isNaN).length} NaN; before = ${beforePath ?? 'reference kernels (bench/baselines-reference.ts; GENIE3 and GRNBoost2 on the TypeScript tree engine)'}; ${threads} thread(s); GENIE3/GRNBoost2 on ${targets.length} targets x ${scale.toFixed(1)}; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`);
  const capRows = caps ? capStudy(m, targets, caps, treeCounts, threads) : undefined;
  if (caps) {
    if (args.includes('--caps-only')) {
      if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify({ bench: 'baselines-scale', size, data: real ? 'pancan' : 'synthetic', rows: m.rows, cols: m.cols, threads, targets: targets.length, loadAverage: loadavg()[0], caps: capRows }, null, 2)}\n`);
      return;
    }
  }
  const rows: Row[] = [];
  const o = { threads, targets };
  for (const [method, kernel, perTarget] of KERNELS) {
    const old = before ?? (REFERENCE_COVERS.has(method) ? (REFERENCE as Stats) : null);
    const b = old ? timed(() => kernel(old, m, o)) : null;
    rows.push(row(method, b, timed(() => kernel(stats, m, o)), perTarget ? scale : 1, perTarget ? { targets, p: m.cols } : undefined));
    report(rows[rows.length - 1]!, m.cols, m.rows);
  }
  // PIDC and CLR: before each discretises; after, as the study, they share one discretisation
  const bp = before ? timed(() => before.pidc(m, { threads }).scores) : null;
  const bc = before ? timed(() => before.clr(m, { threads })) : null;
  let disc: stats.Discretized[] = [];
  const ap = timed(() => { disc = stats.discretizeColumns(m, 'bayesian-blocks', undefined, threads); return stats.pidc(disc).scores; });
  const ac = timed(() => stats.clr(disc));
  for (const r of [row('pidc (+ discretise)', bp, ap, 1), row('clr', bc, ac, 1)]) { rows.push(r); report(r, m.cols, m.rows); }
  const total = (key: 'beforeSeconds' | 'afterSeconds'): number | null => (rows.every((r) => r[key] !== null) ? rows.reduce((a, r) => a + r[key]!, 0) : null);
  const tb = total('beforeSeconds'), ta = total('afterSeconds')!;
  console.log(`  p=${m.cols} n=${m.rows} all baselines once: before ${tb === null ? 'n/a' : `${tb.toFixed(1)} s`}, after ${ta.toFixed(1)} s${tb === null ? '' : `  x${(tb / ta).toFixed(1)}`}`);
  if (jsonFile) writeFileSync(jsonFile, `${JSON.stringify({ bench: 'baselines-scale', size, data: real ? 'pancan' : 'synthetic', rows: m.rows, cols: m.cols, threads, targets: targets.length, before: beforePath ?? 'reference', loadAverage: loadavg()[0], results: rows, ...(capRows ? { caps: capRows } : {}) }, null, 2)}\n`);
}

await main();
