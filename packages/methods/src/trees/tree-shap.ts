/**
 * Exact TreeSHAP for tree ensembles (Lundberg et al. 2020), on raw scores
 * (before the post transform: margins for boosted classifiers, averaged
 * probabilities for forests), per row for one target column.
 *
 * interventional (the default; ONNX-ML trees carry no covers): the Shapley
 * values of v(S) = mean_z f(x_S, z_rest) over a background set Z. For one
 * (x, z) pair and one leaf, the leaf counts in v(S) iff S holds every path
 * feature that only x satisfies (A) and none that only z satisfies (B), so
 * with a = |A|, b = |B| and leaf value v:
 *   phi_i = +v (a-1)! b! / (a+b)!   (i in A),   phi_j = -v a! (b-1)! / (a+b)!   (j in B)
 * One depth-first walk per tree and row carries every background row that can
 * still reach a node (with its bit mask of A-features), pruning subtrees no
 * background row reaches. Shapley interaction values of the same leaf game:
 *   I_ij = v (a-2)! b!/(a+b-1)! (i, j in A), v a! (b-2)!/(a+b-1)! (in B), -v (a-1)! (b-1)!/(a+b-1)! (one each),
 * reported as SHAP does: Phi_ij = I_ij / 2 off the diagonal, Phi_ii = phi_i - sum_j Phi_ij.
 *
 * path-dependent: Algorithm 2 of Lundberg et al. 2020 (the shap C++ recursion,
 * O(T L D^2) per row) with node covers (ONNX nodes_hitrates, or counted from
 * data with withCoversFromData); v(S) = E[f(x) | x_S] under the covers'
 * distribution. Interactions by conditioning on each feature being on / off.
 *
 * Values and interaction values come from the leaf-table engine
 * (leaf-tables.ts: per-leaf tables built once per tree, rows in blocks, fixed
 * groups of trees over `threads` threads; interaction-tables.ts: per-leaf pair
 * tables, rows in chunks), bit-identical for any thread count; the walks
 * above (tree-shap-reference.ts) serve the trees too deep for tables and
 * every value with pathTables: false. Both sum per row to f(x) - E[f]
 * (completeness, reported).
 */
import type { Attribution, Completeness, Target } from '../attribution/types.js';
import { checkOptions } from '../attribution/common.js';
import { predictRaw, TreeError, type TreeEnsemble } from './tree-ensemble.js';
import { argmaxRows, targetList } from '../util/argmax.js';
import { parallelRows, resolveThreads } from '../stats/parallel.js';
import { leafTableChunks, pathDependentTreeInteractions, type LeafTableJob } from './leaf-tables.js';
import { Interventional, PathDependent } from './tree-shap-reference.js';

export const TREE_SHAP = 'tree-shap';
export type TreeShapAlgorithm = 'interventional' | 'path-dependent';

export interface TreeShapOptions {
  /** Output column explained: 'argmax' (the largest raw score; default), one index for all rows, or one per row. */
  target?: Target;
  /** Background rows [rows, features] (row-major) for interventional TreeSHAP. */
  background?: ArrayLike<number>;
  /** 'interventional' (default) or 'path-dependent' (needs covers). */
  algorithm?: TreeShapAlgorithm;
  /** Also compute SHAP interaction values [rows, features, features]. */
  interactions?: boolean;
  /** Per-leaf tables, one tree at a time (fast; default for trees whose tables need at most PATH_TABLE_MAX_ENTRIES entries), or the direct walks (false). */
  pathTables?: boolean;
  /** Threads for the leaf-table engine (the caller and Node workers; default 1). Values are bit-identical for any count. */
  threads?: number;
}

export interface TreeShapResult extends Attribution {
  /** Float64 values [rows, features] (the Float32 `values` are rounded from these). */
  values64: Float64Array;
  /** E[f] for each row's target (background mean, or the cover-weighted mean). */
  expectedValue: Float64Array;
  /** Raw score of each row's target. */
  prediction: Float64Array;
  /** [rows, features, features] when requested. */
  interactions?: Float64Array;
}

export const TREE_SHAP_OPTION_NAMES = ['target', 'background', 'algorithm', 'interactions', 'pathTables', 'threads'] as const;

function resolveTargets(e: TreeEnsemble, x: ArrayLike<number>, rows: number, target: Target | undefined): Int32Array {
  const spec = target ?? 'argmax';
  const k = e.outputs;
  if (spec === 'argmax') return argmaxRows(predictRaw(e, x, rows), rows, k);
  return targetList(spec, rows, k, {
    count: (n) => new TreeError(`tree-shap: target: ${n} targets for ${rows} rows; give one per row, one number for all, or 'argmax'`),
    range: (t, r) => new TreeError(`tree-shap: target ${t} (row ${r}) is out of range: ${e.source} has ${k} output column(s) (0 to ${k - 1})`),
  });
}

/** Whether each tree has a nonzero leaf for each output: trees of other classes are skipped. */
export function treeOutputs(e: TreeEnsemble): Uint8Array {
  const k = e.outputs;
  const has = new Uint8Array(e.roots.length * k);
  e.roots.forEach((root, t) => {
    const stack = [root];
    while (stack.length) {
      const n = stack.pop()!;
      if (e.feature[n]! >= 0) stack.push(e.yes[n]!, e.no[n]!);
      else for (let j = 0; j < k; j++) if (e.leafValue[n * k + j] !== 0) has[t * k + j] = 1;
    }
  });
  return has;
}

/** E[f] under the covers: each leaf weighted by the product of cover(child) / cover(parent) along its path. */
function coverExpectation(e: TreeEnsemble, cover: Float64Array, t: number, out: number): number {
  let total = 0;
  const stack: Array<[number, number]> = [[e.roots[t]!, 1]];
  while (stack.length) {
    const [n, p] = stack.pop()!;
    if (e.feature[n]! < 0) {
      total += p * e.leafValue[n * e.outputs + out]!;
      continue;
    }
    const w = cover[n]!;
    if (w > 0) stack.push([e.yes[n]!, (p * cover[e.yes[n]!]!) / w], [e.no[n]!, (p * cover[e.no[n]!]!) / w]);
  }
  return total;
}

/** Rows per chunk of the thread pool: at least one block of the leaf-table engine. */
const MIN_CHUNK_ROWS = 256;
/** Groups of trees for the values (fixed, so that the sums do not depend on the thread count). */
const TREE_GROUPS = 8;

/**
 * TreeSHAP values (and interaction values into `inter`) of every row: the
 * leaf-table engine (rows in chunks over `threads` threads; each chunk's
 * values do not depend on the chunking), or the reference walks (pathTables:
 * false; interaction values then come from the callers' walks). Returns
 * whether the tables were used.
 */
function shapValues(e: TreeEnsemble, x: ArrayLike<number>, rows: number, job: LeafTableJob, options: TreeShapOptions, values: Float64Array, inter: Float64Array | null): boolean {
  const F = e.features;
  if (options.pathTables !== false) {
    const threads = resolveThreads(options.threads, 'tree-shap');
    // values: TREE_GROUPS groups of trees (threads share the tables' setup), all rows in one chunk unless threads outnumber them;
    // interaction values ([rows, F, F] per group would be too big): one group, rows in chunks
    const groups = inter ? 1 : Math.min(TREE_GROUPS, Math.max(1, e.roots.length));
    const chunkRows = Math.max(MIN_CHUNK_ROWS, Math.ceil(rows / Math.ceil(threads / groups)));
    const rowChunks = Math.ceil(rows / chunkRows);
    const chunks = Array.from({ length: rowChunks * groups }, (_, k) => k);
    const data = { values: x instanceof Float32Array || x instanceof Float64Array ? x : Float64Array.from(x), rows, cols: F };
    const perChunk = chunkRows * F * (inter ? F + 1 : 1);
    const fullJob = { ...job, interactions: inter !== null, treeGroups: groups };
    const out = parallelRows('tree-shap', data, { ensemble: e, job: fullJob, chunkRows }, chunks, perChunk, threads, () => leafTableChunks(e, data.values, rows, fullJob, chunkRows));
    for (let c = 0; c < rowChunks; c++) {
      const n = Math.min(chunkRows, rows - c * chunkRows);
      for (let g = 0; g < groups; g++) {
        const o = (c * groups + g) * perChunk;
        for (let i = 0; i < n * F; i++) values[c * chunkRows * F + i]! += out[o + i]!;
      }
      if (inter) inter.set(out.subarray(c * perChunk + chunkRows * F, c * perChunk + chunkRows * F + n * F * F), c * chunkRows * F * F);
    }
    return true;
  }
  const K = e.outputs;
  const engine = job.algorithm === 'interventional' ? new Interventional(e, job.background!, job.background!.length / F) : new PathDependent(e, e.cover!);
  const phi = new Float64Array(F);
  for (let r = 0; r < rows; r++) {
    const out = job.targets[r]!;
    for (let t = 0; t < e.roots.length; t++) {
      if (!job.has[t * K + out]) continue;
      phi.fill(0);
      if (engine instanceof Interventional) engine.run(e.roots[t]!, x, r * F, out, phi, null);
      else engine.run(e.roots[t]!, x, r * F, out, phi);
      for (let i = 0; i < F; i++) values[r * F + i]! += phi[i]!;
    }
  }
  return false;
}

/** One treeShap call's inputs and outputs, shared by the two algorithms. */
interface ShapRun {
  e: TreeEnsemble;
  x: ArrayLike<number>;
  rows: number;
  options: TreeShapOptions;
  targets: Int32Array;
  has: Uint8Array;
  values: Float64Array;
  expected: Float64Array;
  inter: Float64Array | null;
  params: Record<string, unknown>;
}

/** Interventional TreeSHAP over the background rows: values, E[f] (the background mean) and interactions. */
function interventionalShap(run: ShapRun): void {
  const { e, x, rows, options, targets, has, values, expected, inter, params } = run;
  const F = e.features;
  const K = e.outputs;
  const bg = options.background;
  if (!bg || bg.length === 0) {
    throw new TreeError(`tree-shap: interventional TreeSHAP needs background rows (--background bg.csv|bg.json: a sample of the training data, e.g. 100 rows); or use --algorithm path-dependent with covers`);
  }
  if (bg.length % F !== 0) throw new TreeError(`tree-shap: the background has ${bg.length} values, not a whole number of rows of ${F} features`);
  const zRows = bg.length / F;
  for (let i = 0; i < bg.length; i++) if (Number.isNaN(bg[i]!)) throw new TreeError(`tree-shap: background row ${Math.floor(i / F)}, feature ${i % F} is missing; impute or drop it`);
  const bgRaw = predictRaw(e, bg, zRows);
  const bgMean = new Float64Array(K);
  for (let i = 0; i < zRows; i++) for (let j = 0; j < K; j++) bgMean[j]! += bgRaw[i * K + j]! / zRows;
  const engine = new Interventional(e, bg, zRows);
  const phi = new Float64Array(F);
  const rowInter = inter ? new Float64Array(F * F) : null;
  const tables = shapValues(e, x, rows, { algorithm: 'interventional', background: bg, targets, has }, options, values, inter);
  params.tables = tables;
  for (let r = 0; r < rows; r++) {
    const out = targets[r]!;
    expected[r] = bgMean[out]!;
    if (inter && !tables) {
      rowInter!.fill(0);
      phi.fill(0);
      for (let t = 0; t < e.roots.length; t++) if (has[t * K + out]) engine.run(e.roots[t]!, x, r * F, out, phi, rowInter);
      finishInteractions(values.subarray(r * F, (r + 1) * F), rowInter!, inter, r, F);
    }
  }
  params.backgroundRows = zRows;
}

/** Path-dependent TreeSHAP under the covers: values, E[f] (the cover-weighted mean) and interactions. */
function pathDependentShap(run: ShapRun): void {
  const { e, x, rows, options, targets, has, values, expected, inter, params } = run;
  const F = e.features;
  const K = e.outputs;
  const cover = e.cover;
  if (!cover) {
    throw new TreeError(`tree-shap: path-dependent TreeSHAP needs node covers, and ${e.source} has none (no nodes_hitrates); count them from the training data (--covers train.csv) or use the interventional algorithm with --background`);
  }
  const engine = new PathDependent(e, cover);
  const base = new Float64Array(K);
  for (let j = 0; j < K; j++) {
    base[j] = e.base[j]!;
    for (let t = 0; t < e.roots.length; t++) if (has[t * K + j]) base[j]! += coverExpectation(e, cover, t, j);
  }
  const tables = shapValues(e, x, rows, { algorithm: 'path-dependent', targets, has }, options, values, inter);
  params.pathTables = tables;
  const rowInter = new Float64Array(F * F);
  for (let r = 0; r < rows; r++) {
    const out = targets[r]!;
    expected[r] = base[out]!;
    if (!inter || tables) continue;
    // the reference walks: conditioning on each feature of each tree being on and off
    rowInter.fill(0);
    for (let t = 0; t < e.roots.length; t++) if (has[t * K + out]) pathDependentTreeInteractions(e, engine, e.roots[t]!, x, r * F, out, rowInter);
    finishInteractions(values.subarray(r * F, (r + 1) * F), rowInter, inter, r, F);
  }
  params.covers = 'model';
}

/** Completeness of the Float64 values: per-row sums against f(x) - E[f], errors taken before rounding to Float32. */
function shapCompleteness(values: Float64Array, prediction: Float64Array, expected: Float64Array, rows: number, F: number): Completeness {
  const sums = new Float32Array(rows);
  const exp = new Float32Array(rows);
  const err = new Float32Array(rows);
  let maxAbsError = 0;
  let maxRelError = 0;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let i = 0; i < F; i++) s += values[r * F + i]!;
    const want = prediction[r]! - expected[r]!;
    sums[r] = s;
    exp[r] = want;
    err[r] = s - want;
    maxAbsError = Math.max(maxAbsError, Math.abs(s - want));
    maxRelError = Math.max(maxRelError, Math.abs(s - want) / Math.max(Math.abs(want), 1e-12));
  }
  return { reference: 'f(x) - f(baseline)', sums, expected: exp, error: err, maxAbsError, maxRelError };
}

/** Exact TreeSHAP values (and optionally interaction values) of `rows` rows of `x` ([rows, features], row-major). */
export function treeShap(e: TreeEnsemble, x: ArrayLike<number>, rows: number, options: TreeShapOptions = {}): TreeShapResult {
  checkOptions(TREE_SHAP, options, TREE_SHAP_OPTION_NAMES, TreeError);
  const F = e.features;
  if (x.length !== rows * F) throw new TreeError(`tree-shap: ${x.length} values are not ${rows} rows of ${F} features (the width of ${e.source}); choose the feature columns with --columns`);
  const algorithm = options.algorithm ?? 'interventional';
  if (algorithm !== 'interventional' && algorithm !== 'path-dependent') throw new TreeError(`tree-shap: algorithm must be 'interventional' or 'path-dependent', got '${String(algorithm)}'`);
  const targets = resolveTargets(e, x, rows, options.target);
  const K = e.outputs;
  const raw = predictRaw(e, x, rows);
  const has = treeOutputs(e);
  const values = new Float64Array(rows * F);
  const expected = new Float64Array(rows);
  const prediction = Float64Array.from(targets, (t, r) => raw[r * K + t]!);
  const inter = options.interactions ? new Float64Array(rows * F * F) : null;
  const params: Record<string, unknown> = { algorithm, interactions: Boolean(options.interactions), output: 'raw' };
  const run: ShapRun = { e, x, rows, options, targets, has, values, expected, inter, params };
  if (algorithm === 'interventional') interventionalShap(run);
  else pathDependentShap(run);
  return {
    method: TREE_SHAP,
    params,
    targets,
    values: Float32Array.from(values),
    values64: values,
    shape: [rows, F],
    expectedValue: expected,
    prediction,
    ...(inter ? { interactions: inter } : {}),
    completeness: shapCompleteness(values, prediction, expected, rows, F),
  };
}

function finishInteractions(phi: Float64Array, rowInter: Float64Array, inter: Float64Array, r: number, F: number): void {
  const o = r * F * F;
  for (let i = 0; i < F; i++) {
    let s = 0;
    for (let j = 0; j < F; j++) {
      if (j === i) continue;
      inter[o + i * F + j] = rowInter[i * F + j]!;
      s += rowInter[i * F + j]!;
    }
    inter[o + i * F + i] = phi[i]! - s;
  }
}
