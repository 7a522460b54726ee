/**
 * GENIE3 (Huynh-Thu, Irrthum, Wehenkel & Geurts 2010, PLoS ONE 5:e12776):
 * for each target gene a random forest regresses the target, scaled to unit
 * variance, on all other genes; the score of edge source -> target is the
 * source's importance, the total weighted variance reduction of its splits
 * divided by the samples at the root and averaged over trees (unnormalised,
 * as GENIE3's Python code: `compute_feature_importances(normalize=False)`).
 *
 * Published defaults kept: K = sqrt(p - 1) genes drawn per split, bootstrap
 * samples, fully grown trees (min 1 sample per leaf); the tree count defaults
 * to 300 (see GENIE3_DEFAULT_TREES). A tree's bootstrap sample is
 * min(n, maxSamples) draws from the n rows (scikit-learn's `max_samples`;
 * default GENIE3_DEFAULT_MAX_SAMPLES = 3000, so smaller cohorts get the
 * published n draws). Trees are the histogram trees of
 * `trees.ts` (fitted in wasm by default, the same bytes: tree-engines.ts):
 * exact CART thresholds are replaced by <= 256 quantile bins per
 * gene. Missing values: rows whose
 * target is NaN are left out of that target's forest; NaN predictors are
 * imputed by the gene's median.
 */
import { Generator } from '@relevance/core-wasm';
import type { DataMatrix } from './networks.js';
import { binColumns, resolveMaxFeatures, resolveMaxSamples, type BinnedMatrix } from './trees.js';
import { createTreeBuilder, resolveTreeEngine, type TreeBuilder, type TreeEngine } from './tree-engines.js';
import { parallelRows, resolveThreads } from './parallel.js';

export interface Genie3Options {
  /** Trees per target (default GENIE3_DEFAULT_TREES = 300; published 1000). */
  trees?: number;
  /** Features drawn per split: 'sqrt' (published K = sqrt(p - 1)), 'all', a fraction or a count. */
  maxFeatures?: 'sqrt' | 'all' | number;
  seed?: number;
  /** Depth limit (default unlimited: fully grown trees). */
  maxDepth?: number;
  /** Minimum samples per leaf (default 1). */
  minLeaf?: number;
  /** Bootstrap samples per tree (default true, as published). */
  bootstrap?: boolean;
  /**
   * Rows per tree, at most (default GENIE3_DEFAULT_MAX_SAMPLES = 3000; Infinity: no cap): with bootstrap,
   * min(n, maxSamples) draws with replacement from the n rows; without, a subsample of that many rows
   * drawn without replacement (all rows when n <= maxSamples).
   */
  maxSamples?: number;
  /** Genes used as targets (default all). */
  targets?: number[];
  /** Threads (the caller and Node workers; default 1): the same bytes for any count. */
  threads?: number;
  /** Tree engine: 'wasm' (default) or 'reference' (plain TypeScript); the same bytes (tree-engines.ts). */
  engine?: TreeEngine;
}

/**
 * Default trees per target: 300, not the published 1000. At the study's size
 * (147 genes x 3,400 samples) a tree cost about 9 ms of CPU when this was
 * chosen (about 2.2 ms in the wasm kernel since 2026-12-08), so 1000 trees
 * per gene took over 20 CPU-minutes; with 300 they took about 7. On the 8
 * BEELINE sets the undirected AUROC moves by at most 0.02 between 100, 300
 * and 1000 trees and stays within 0.03 of the published GENIE3 figures (see
 * test/stats/beeline-parity.test.ts); at 147 genes the seed-to-seed Spearman
 * of the scores is 0.88 with 100 trees and 0.94 with 300. Pass
 * `trees: 1000` for the published setting.
 */
export const GENIE3_DEFAULT_TREES = 300;

/**
 * Default rows per tree (`maxSamples`): 3000, above every training size of
 * the network benchmark (BEELINE 1,400 rows, Keyl et al.'s synthetic data
 * 2,800, the simulators <= 700; the study's built-in synthetic cohort
 * 2,100), whose scores keep their bytes. On the TCGA
 * pan-cancer RPPA table (bench/baselines-scale.ts --caps, 8 targets) it takes
 * GENIE3 from 574 to 436 CPU s at 192 genes x 4,741 rows, and from 282 to 263
 * at 147 x 3,400, while the Spearman of the scores with another seed's
 * uncapped ones (0.964 and 0.968) stays at the method's own seed-to-seed
 * figure (0.963 and 0.967). A cap of 1000 rows would take 164 and 114 CPU s
 * for about 0.015 less Spearman; fewer trees lose more agreement for the time
 * saved (100 trees: 191 and 95 CPU s, 0.927 and 0.934). See
 * docs/BENCHMARKS.md, the baselines-scale section.
 */
export const GENIE3_DEFAULT_MAX_SAMPLES = 3000;

/** Throw a message naming the option unless `value` is a positive integer. */
export function checkPositiveInt(value: number, name: string, who: string): void {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${who}: option ${name} must be a positive integer, got ${value}`);
}

/** Check a `targets` option (gene indices in [0, p)); all genes when omitted. */
export function checkTargets(targets: number[] | undefined, p: number, who: string): number[] {
  const t = targets ?? Array.from({ length: p }, (_, j) => j);
  for (const j of t) {
    if (!Number.isInteger(j) || j < 0 || j >= p) throw new Error(`${who}: option targets must hold gene (column) indices in [0, ${p - 1}], got ${j}`);
  }
  return t;
}

/** Rows where column j is not NaN, and that column scaled to unit standard deviation (population sd as numpy). */
export function targetRows(d: DataMatrix, j: number, scale: boolean): { rows: Int32Array; y: Float64Array } {
  const y = new Float64Array(d.rows);
  const keep: number[] = [];
  let s = 0, s2 = 0;
  for (let i = 0; i < d.rows; i++) {
    const v = d.values[i * d.cols + j]!;
    y[i] = v;
    if (!Number.isNaN(v)) {
      keep.push(i); s += v; s2 += v * v;
    }
  }
  const n = keep.length;
  const sd = n > 0 ? Math.sqrt(Math.max(0, s2 / n - (s / n) ** 2)) : 0;
  if (scale && sd > 0) for (const i of keep) y[i] = y[i]! / sd;
  return { rows: Int32Array.from(keep), y };
}

/**
 * GENIE3 edge scores, a p x p matrix indexed [target * p + source], diagonal 0.
 * Same seed gives identical output, for any `threads`.
 */
export function genie3(d: DataMatrix, options: Genie3Options = {}): Float64Array {
  const { targets } = genie3Rows(d, options);
  const threads = resolveThreads(options.threads, 'genie3');
  const rows = parallelRows('genie3', d, { ...options }, targets, d.cols, threads, () => genie3Rows(d, options).row);
  return scatterRows(rows, targets, d.cols);
}

/** Rows computed for `targets` (row k = target targets[k]) placed in a p x p matrix, other rows 0. */
export function scatterRows(rows: Float64Array, targets: readonly number[], p: number): Float64Array {
  const out = new Float64Array(p * p);
  targets.forEach((t, k) => out.set(rows.subarray(k * p, (k + 1) * p), t * p));
  return out;
}

/**
 * GENIE3 one target at a time: the options checked, the targets, and a row
 * function (target -> its p scores, diagonal 0). Gene t's forest draws from
 * the t-th fork of the seed's generator whatever else is computed, so a row
 * is a pure function of (data, options, t): what lets threads share targets.
 */
export function genie3Rows(d: DataMatrix, options: Genie3Options): { targets: number[]; row: (t: number) => Float64Array } {
  const trees = options.trees ?? GENIE3_DEFAULT_TREES;
  checkPositiveInt(trees, 'trees', 'genie3');
  const minLeaf = options.minLeaf ?? 1;
  checkPositiveInt(minLeaf, 'minLeaf', 'genie3');
  const maxDepth = options.maxDepth ?? Infinity;
  if (!(maxDepth >= 1)) throw new Error(`genie3: option maxDepth must be >= 1 (or omitted for fully grown trees), got ${maxDepth}`);
  const p = d.cols;
  if (p < 2) throw new Error(`genie3: need at least 2 genes (columns), got ${p}`);
  const maxFeatures = resolveMaxFeatures(options.maxFeatures ?? 'sqrt', p - 1, 'genie3');
  const maxSamples = resolveMaxSamples(options.maxSamples, GENIE3_DEFAULT_MAX_SAMPLES, 'genie3');
  const targets = checkTargets(options.targets, p, 'genie3');
  const bootstrap = options.bootstrap ?? true;
  const engine = resolveTreeEngine(options.engine, 'genie3');
  const row = perTargetRow(d, options.seed ?? 0, engine, (c, t) =>
    forestImportance(d, c.binned, c.builder, t, { trees, maxFeatures, maxDepth, minLeaf, bootstrap, maxSamples, rng: c.rngs[t]! }));
  return { targets, row };
}

/** What every target's tree model shares: the binned data, a tree builder, and gene t's generator (the t-th fork of the seed's). */
export interface TargetContext {
  binned: BinnedMatrix;
  builder: TreeBuilder;
  rngs: Generator[];
}

/** A row function over a context built on first use (trees on `engine`); the row's diagonal entry (target t) is set to 0. */
export function perTargetRow(d: DataMatrix, seed: number, engine: TreeEngine, fit: (c: TargetContext, t: number) => Float64Array): (t: number) => Float64Array {
  let c: TargetContext | undefined;
  return (t) => {
    if (!c) {
      const binned = binColumns(d);
      const root = new Generator(seed);
      c = { binned, builder: createTreeBuilder(binned, engine), rngs: Array.from({ length: d.cols }, () => root.fork()) };
    }
    const imp = fit(c, t);
    imp[t] = 0;
    return imp;
  };
}

interface ForestOptions {
  trees: number;
  maxFeatures: number;
  maxDepth: number;
  minLeaf: number;
  bootstrap: boolean;
  maxSamples: number;
  rng: Generator;
}

/** Mean over trees of each feature's weighted impurity decrease / root weight, for one target. */
function forestImportance(d: DataMatrix, binned: BinnedMatrix, builder: TreeBuilder, target: number, o: ForestOptions): Float64Array {
  const p = binned.cols;
  const { rows, y } = targetRows(d, target, true);
  const sum = new Float64Array(p);
  const n = rows.length;
  if (n < 2) return sum;
  const candidates = Int32Array.from({ length: p - 1 }, (_, k) => (k < target ? k : k + 1));
  const fitOpts = { candidates, maxFeatures: o.maxFeatures, maxDepth: o.maxDepth, minLeaf: o.minLeaf, rng: o.rng };
  const { weight, sample } = builder;
  const draws = Math.min(n, o.maxSamples);
  const perm = !o.bootstrap && draws < n ? Int32Array.from(rows) : null;
  for (let t = 0; t < o.trees; t++) {
    drawTreeRows(rows, weight, draws, o.bootstrap, perm, o.rng);
    let count = 0;
    for (let k = 0; k < n; k++) if (weight[rows[k]!]! > 0) sample[count++] = rows[k]!;
    const rootW = builder.fit(y, count, fitOpts);
    for (let f = 0; f < p; f++) sum[f] += builder.importance[f]! / rootW;
  }
  for (let f = 0; f < p; f++) sum[f] /= o.trees;
  return sum;
}

/**
 * One tree's row weights: with bootstrap, `draws` draws with replacement from `rows` (counts); without,
 * weight 1 for every row, or (draws < rows, `perm` a copy of rows) for `draws` rows drawn without
 * replacement by a partial Fisher-Yates shuffle of `perm`. No draws from `rng` without bootstrap when
 * every row is kept, so n <= maxSamples reproduces the uncapped forest.
 */
function drawTreeRows(rows: Int32Array, weight: Float64Array, draws: number, bootstrap: boolean, perm: Int32Array | null, rng: Generator): void {
  const n = rows.length;
  for (let k = 0; k < n; k++) weight[rows[k]!] = bootstrap || perm ? 0 : 1;
  if (bootstrap) {
    for (let k = 0; k < draws; k++) weight[rows[rng.int(n)]!]++;
  } else if (perm) {
    for (let k = 0; k < draws; k++) {
      const r = k + rng.int(n - k);
      const i = perm[r]!; perm[r] = perm[k]!; perm[k] = i;
      weight[i] = 1;
    }
  }
}
