/**
 * GRNBoost2 (Moerman et al. 2019, Bioinformatics 35:2159; arboreto): for
 * each target gene, stochastic gradient boosting of shallow regression trees
 * (squared error, learning rate 0.01, depth 3, 10% of the other genes drawn
 * per split, 90% of the samples per stage drawn without replacement), stopped
 * early when the mean out-of-bag improvement over the last 25 stages turns
 * negative (arboreto's EarlyStopMonitor), at most 5000 stages. The score of
 * source -> target is the source's share of the summed impurity decrease
 * (scikit-learn's normalised feature_importances_) times the number of stages
 * kept, as arboreto reports it. The in-bag sample of a stage can be capped
 * (`maxSamples`; default none, see GRNBOOST2_DEFAULT_MAX_SAMPLES).
 *
 * Trees are the histogram trees of `trees.ts` (<= 256 quantile bins per
 * gene; fitted in wasm by default, the same bytes: tree-engines.ts). Missing values: rows with a NaN target are left out of that
 * target's model; NaN predictors are imputed by the gene's median.
 */
import { Generator } from '@relevance/core-wasm';
import type { DataMatrix } from './networks.js';
import { resolveMaxFeatures, resolveMaxSamples, type BinnedMatrix } from './trees.js';
import { resolveTreeEngine, type TreeBuilder, type TreeEngine } from './tree-engines.js';
import { checkPositiveInt, checkTargets, perTargetRow, scatterRows, targetRows } from './genie3.js';
import { parallelRows, resolveThreads } from './parallel.js';

export interface GrnBoostOptions {
  /** Maximum boosting stages (arboreto: 5000). */
  maxStages?: number;
  /** Learning rate (arboreto: 0.01). */
  learningRate?: number;
  /** Features drawn per split (arboreto: 0.1 of the other genes, at least 1). */
  maxFeatures?: 'sqrt' | 'all' | number;
  /** Fraction of samples per stage (arboreto: 0.9). */
  subsample?: number;
  /**
   * In-bag rows per stage, at most (default GRNBOOST2_DEFAULT_MAX_SAMPLES = Infinity: no cap): a stage fits
   * min(floor(subsample x n), maxSamples) rows drawn without replacement; the others are out of bag.
   */
  maxSamples?: number;
  /** Tree depth (scikit-learn's default 3). */
  maxDepth?: number;
  /** Early-stopping window on the out-of-bag improvement (arboreto: 25); 0 disables early stopping. */
  earlyStopWindow?: number;
  seed?: number;
  /** Genes used as targets (default all). */
  targets?: number[];
  /** Threads (the caller and Node workers; default 1): the same bytes for any count. */
  threads?: number;
  /** Tree engine: 'wasm' (default) or 'reference' (plain TypeScript); the same bytes (tree-engines.ts). */
  engine?: TreeEngine;
}

/**
 * Default in-bag rows per stage (`maxSamples`): no cap. A cap does not bound
 * GRNBoost2's work: with more rows out of bag the early-stopping estimate is
 * less noisy and boosting runs longer. On the TCGA pan-cancer RPPA table at
 * 192 genes x 4,741 rows (bench/baselines-scale.ts --caps, 8 targets) a cap of
 * 3000 cuts a stage's cost by a quarter but keeps 25 % more stages (4 targets:
 * 4,377 against 3,504): 199 against 194 CPU s, while the Spearman with another
 * seed's uncapped scores drops from 0.915 (seed to seed) to 0.898; a cap of
 * 1000 takes 106 CPU s at 0.852.
 */
export const GRNBOOST2_DEFAULT_MAX_SAMPLES = Infinity;

interface BoostParams {
  maxStages: number;
  learningRate: number;
  maxFeatures: number;
  subsample: number;
  maxSamples: number;
  maxDepth: number;
  window: number;
}

function resolveParams(o: GrnBoostOptions, p: number): BoostParams {
  const maxStages = o.maxStages ?? 5000;
  checkPositiveInt(maxStages, 'maxStages', 'grnboost2');
  const maxDepth = o.maxDepth ?? 3;
  checkPositiveInt(maxDepth, 'maxDepth', 'grnboost2');
  const learningRate = o.learningRate ?? 0.01;
  if (!(learningRate > 0)) throw new Error(`grnboost2: option learningRate must be > 0, got ${learningRate}`);
  const subsample = o.subsample ?? 0.9;
  if (!(subsample > 0 && subsample < 1)) throw new Error(`grnboost2: option subsample must be in (0, 1) (out-of-bag samples drive early stopping), got ${subsample}`);
  const window = o.earlyStopWindow ?? 25;
  if (!Number.isInteger(window) || window < 0) throw new Error(`grnboost2: option earlyStopWindow must be a non-negative integer (0 = off), got ${window}`);
  const maxSamples = resolveMaxSamples(o.maxSamples, GRNBOOST2_DEFAULT_MAX_SAMPLES, 'grnboost2');
  return { maxStages, learningRate, subsample, maxSamples, maxDepth, window, maxFeatures: resolveMaxFeatures(o.maxFeatures ?? 0.1, p - 1, 'grnboost2') };
}

/**
 * GRNBoost2 edge scores, a p x p matrix indexed [target * p + source], diagonal 0.
 * Same seed gives identical output, for any `threads`.
 */
export function grnboost2(d: DataMatrix, options: GrnBoostOptions = {}): Float64Array {
  const { targets } = grnboost2Rows(d, options);
  const threads = resolveThreads(options.threads, 'grnboost2');
  const rows = parallelRows('grnboost2', d, { ...options }, targets, d.cols, threads, () => grnboost2Rows(d, options).row);
  return scatterRows(rows, targets, d.cols);
}

/** GRNBoost2 one target at a time (gene t draws from the t-th fork of the seed's generator), as genie3Rows. */
export function grnboost2Rows(d: DataMatrix, options: GrnBoostOptions): { targets: number[]; row: (t: number) => Float64Array } {
  const p = d.cols;
  if (p < 2) throw new Error(`grnboost2: need at least 2 genes (columns), got ${p}`);
  const params = resolveParams(options, p);
  const targets = checkTargets(options.targets, p, 'grnboost2');
  const engine = resolveTreeEngine(options.engine, 'grnboost2');
  const row = perTargetRow(d, options.seed ?? 0, engine, (c, t) => boostImportance(d, c.binned, c.builder, t, params, c.rngs[t]!));
  return { targets, row };
}

/** One target's boosted model; returns the normalised importances times the stages kept. */
function boostImportance(d: DataMatrix, binned: BinnedMatrix, builder: TreeBuilder, target: number, o: BoostParams, rng: Generator): Float64Array {
  const p = binned.cols;
  const { rows, y } = targetRows(d, target, false);
  const n = rows.length;
  const sum = new Float64Array(p);
  const nIn = Math.min(Math.floor(o.subsample * n), o.maxSamples);
  if (n < 4 || nIn < 2 || nIn >= n) return sum;
  const candidates = Int32Array.from({ length: p - 1 }, (_, k) => (k < target ? k : k + 1));
  const fitOpts = { candidates, maxFeatures: o.maxFeatures, maxDepth: o.maxDepth, minLeaf: 1, rng };
  const { perm, target: values, prediction } = builder;
  let mean = 0;
  for (let k = 0; k < n; k++) mean += y[rows[k]!]!;
  mean /= n;
  perm.set(rows);
  for (let k = 0; k < n; k++) {
    const i = rows[k]!;
    values[i] = y[i]!;
    prediction[i] = mean;
  }
  const improvements = new Float64Array(o.maxStages);
  let stages = 0, relevant = 0;
  for (let stage = 0; stage < o.maxStages; stage++) {
    improvements[stage] = builder.boostStage(n, nIn, fitOpts, o.learningRate);
    if (builder.nodeCount > 1) {
      relevant++;
      for (let f = 0; f < p; f++) sum[f] += builder.importance[f]! / builder.stageWeight;
    }
    stages = stage + 1;
    if (o.window > 0 && stage >= o.window - 1) {
      let m = 0;
      for (let k = stage - o.window + 1; k <= stage; k++) m += improvements[k]!;
      if (m / o.window < 0) break;
    }
  }
  let total = 0;
  for (let f = 0; f < p; f++) total += sum[f]!;
  if (relevant === 0 || total <= 0) return sum.fill(0);
  for (let f = 0; f < p; f++) sum[f] = (sum[f]! / total) * stages;
  return sum;
}
