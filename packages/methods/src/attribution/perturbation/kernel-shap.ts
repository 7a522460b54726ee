/**
 * KernelSHAP (Lundberg & Lee 2017, Theorem 2): the Shapley values are the
 * solution of a weighted linear regression over coalitions z in {0,1}^d with
 * the Shapley kernel
 *
 *   pi(z) = (d - 1) / (C(d, |z|) |z| (d - |z|)),
 *
 * the empty and the full coalition entering with infinite weight, i.e. as
 * constraints: phi_0 = v(empty) and sum phi = v(N) - v(empty).
 *
 * Value function: v(z) = mean over background rows b of f(x_z, b_{not z})[t]
 * (features outside z take the background row's values; one background row
 * is a plain baseline).
 *
 * Sampling: a coalition size s in 1..d-1 is drawn with probability
 * proportional to pi summed over the C(d, s) coalitions of that size,
 * (d - 1) / (s (d - s)), then s members uniformly; coalitions drawn from the
 * kernel enter the regression with equal weight. `paired` (default true) adds
 * every drawn coalition's complement as well (Covert & Lee 2021), which
 * cancels much of the sampling noise. When `samples` covers all 2^d - 2
 * coalitions they are enumerated with their exact kernel weights instead, and
 * the result is the exact Shapley value (option `enumerate`).
 *
 * The constrained weighted least squares min sum w (y - z.phi)^2 subject to
 * 1.phi = v(N) - v(empty), y = v(z) - v(empty), is solved through its KKT
 * system in float64, one row per thread (shap-regression.ts; the same bits for
 * any thread count).
 *
 * CLI name: `kernel-shap`.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { Model } from '../../model/model.js';
import { checkOptions } from '../common.js';
import { AttributionError, type Attribution, type CommonOptions, type RandomOptions } from '../types.js';
import { chunkRows, describeValue, evaluateCopies, positiveInteger, predictAndTargets, readInputs, resolveBackground, resolveBatchSize, resolveGroups, seedParam, toSeededGenerator, writeCoalition, targetParam, type Baseline, type FeatureMask, shapleyRows } from './shared.js';
import { solveShapRegressions, type ShapRegression } from './shap-regression.js';
import { resolveThreads } from '../../stats/parallel.js';

export interface KernelShapOptions extends CommonOptions, RandomOptions {
  /** Values of absent features: a number, one row, or a set of rows [B, ...] averaged over (default 0). */
  background?: Baseline;
  /** Feature mask: group id per element (default: each element is a feature). */
  groups?: FeatureMask;
  /** Coalitions per row besides the empty and full ones (default 2 d + 2048, as the shap package's 'auto'). */
  samples?: number;
  /** Add every sampled coalition's complement (default true). */
  paired?: boolean;
  /**
   * Evaluate all 2^d - 2 coalitions with their exact kernel weights (exact Shapley values).
   * Default: when `samples` >= 2^d - 2. `false` always samples; `true` enumerates (d <= 20).
   */
  enumerate?: boolean;
  /** Threads for the per-row regressions (the caller and Node workers; default: the model backend's threads). */
  threads?: number;
}

const METHOD = 'kernel-shap';
const OPTIONS = ['target', 'batchSize', 'seed', 'background', 'groups', 'samples', 'paired', 'enumerate', 'threads'] as const;
const ENUMERATE_LIMIT = 20;

/** The shap package's 'auto' budget. */
export function defaultSamples(d: number): number {
  return 2 * d + 2048;
}

/** Coalition designs of one row: n coalitions as bytes (n x d), with their regression weights. */
interface Design {
  d: number;
  n: number;
  z: Uint8Array;
  w: Float64Array;
}

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 0; i < k; i++) c = (c * (n - i)) / (i + 1);
  return c;
}

/** Every proper non-empty coalition with weight pi(z). */
function enumerateDesign(d: number): Design {
  const n = 2 ** d - 2;
  const z = new Uint8Array(n * d);
  const w = new Float64Array(n);
  const weightOfSize = Float64Array.from({ length: d }, (_, s) => (s === 0 ? 0 : (d - 1) / (binomial(d, s) * s * (d - s))));
  for (let m = 1; m <= n; m++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const bit = (m >>> j) & 1;
      z[(m - 1) * d + j] = bit;
      s += bit;
    }
    w[m - 1] = weightOfSize[s]!;
  }
  return { d, n, z, w };
}

/** `samples` coalitions drawn from the Shapley kernel (sizes by the kernel, members uniformly), optionally in complementary pairs. */
function sampleDesign(d: number, samples: number, paired: boolean, generator: import('@relevance/core-wasm').Generator): Design {
  const z = new Uint8Array(samples * d);
  const w = new Float64Array(samples).fill(1);
  const cumulative = new Float64Array(d); // over sizes 1..d-1
  let total = 0;
  for (let s = 1; s < d; s++) {
    total += (d - 1) / (s * (d - s));
    cumulative[s] = total;
  }
  const order = Int32Array.from({ length: d }, (_, j) => j);
  for (let k = 0; k < samples; ) {
    const u = generator.uniform() * total;
    let s = 1;
    while (s < d - 1 && cumulative[s]! <= u) s++;
    // partial Fisher-Yates: the first s entries of `order` are a uniform s-subset
    for (let t = 0; t < s; t++) {
      const j = t + generator.int(d - t);
      const tmp = order[t]!;
      order[t] = order[j]!;
      order[j] = tmp;
    }
    for (let t = 0; t < s; t++) z[k * d + order[t]!] = 1;
    k++;
    if (paired && k < samples) {
      for (let j = 0; j < d; j++) z[k * d + j] = 1 - z[(k - 1) * d + j]!;
      k++;
    }
  }
  return { d, n: samples, z, w };
}

/** Per row: how many coalitions, and whether they are all of them. */
interface CoalitionPlan { d: number; n: number; samples: number; exhaustive: boolean }

function coalitionPlan(options: KernelShapOptions, d: number): CoalitionPlan {
  const samples = positiveInteger(METHOD, 'samples', options.samples, defaultSamples(d));
  const all = d <= 30 ? 2 ** d - 2 : Infinity;
  const exhaustive = d >= 2 && (options.enumerate ?? samples >= all);
  if (exhaustive && d > ENUMERATE_LIMIT) throw new AttributionError(`${METHOD}: enumerate: true with ${d} features would need 2^${d} coalitions; the limit is ${ENUMERATE_LIMIT} (sample instead, or use fewer groups)`);
  return { d, n: d < 2 ? 0 : exhaustive ? all : samples, samples, exhaustive };
}

/**
 * The weighted regressions of a chunk's rows: each coalition's value is its mean
 * over the background rows, relative to the empty coalition's (`vEmpty`).
 */
function shapRegressions(
  designs: Omit<ShapRegression, 'y' | 'delta'>[], v: ArrayLike<number>, offsets: ArrayLike<number>, bg: number, fx: ArrayLike<number>,
): { regressions: ShapRegression[]; vEmpty: Float64Array } {
  const vEmpty = new Float64Array(designs.length);
  const regressions: ShapRegression[] = designs.map((design, i) => {
    const base = offsets[i]!;
    const mean = (c: number): number => {
      let s = 0;
      for (let b = 0; b < bg; b++) s += v[base + (c + 1) * bg + b]!;
      return s / bg;
    };
    vEmpty[i] = mean(-1);
    const y = design.d === 1 ? new Float64Array(0) : Float64Array.from({ length: design.n }, (_, c) => mean(c) - vEmpty[i]!);
    return { ...design, n: design.d === 1 ? 0 : design.n, y, delta: fx[i]! - vEmpty[i]! };
  });
  return { regressions, vEmpty };
}

export async function kernelShap(model: Model, inputs: Tensor, options: KernelShapOptions = {}): Promise<Attribution> {
  checkOptions(METHOD, options, OPTIONS);
  const generator = toSeededGenerator(METHOD, options.seed);
  const paired = options.paired ?? true;
  const threads = resolveThreads(options.threads ?? model.be.threads, METHOD);
  const input = await readInputs(METHOD, inputs);
  const batchSize = resolveBatchSize(METHOD, options.batchSize, input.rowSize);
  const background = await resolveBackground(METHOD, options.background, input);
  const groups = await resolveGroups(METHOD, options.groups, input);
  const { targets, fx } = await predictAndTargets(model, inputs, input, options.target, batchSize);
  const { rowSize } = input;
  const bg = background.count;

  const plan = (r: number): CoalitionPlan => coalitionPlan(options, groups.forRow(r).count);
  const firstPlan = plan(0);
  const out = shapleyRows(input);

  // copies of a row: the empty coalition, then coalition k, each once per background row (the full coalition is f(x))
  // chunk cost also counts the coalition bytes (n d / 8) so the host designs stay bounded
  const copiesOf = (r: number): number => (plan(r).n + 1) * bg;
  const costOf = (r: number): number => {
    const p = plan(r);
    return Math.max((p.n + 1) * bg, (p.n * p.d) / 8);
  };
  for (const { r0, r1, offsets, copyRow } of chunkRows(input.rows, copiesOf, 2 ** 20, costOf)) {
    const rowGroups = Array.from({ length: r1 - r0 }, (_, i) => groups.forRow(r0 + i));
    // designs drawn row after row from one generator: independent of batching and chunking
    const designs = rowGroups.map((g, i) => {
      const p = plan(r0 + i);
      if (p.n === 0) return { d: g.count, n: 0, z: new Uint8Array(0), w: new Float64Array(0) };
      return p.exhaustive ? enumerateDesign(g.count) : sampleDesign(g.count, p.n, paired, generator);
    });
    const copies = copyRow.length;
    const v = await evaluateCopies({ model, input, targets, batchSize }, copies, (k, dst) => {
      const i = copyRow[k]!;
      const r = r0 + i;
      const local = k - offsets[i]!;
      const coalition = Math.floor(local / bg) - 1; // -1: the empty coalition
      const design = designs[i]!;
      const x = input.data.subarray(r * rowSize, (r + 1) * rowSize);
      const d = design.d;
      writeCoalition(x, background.row(local % bg), rowGroups[i]!, coalition < 0 ? () => false : (f) => design.z[coalition * d + f] === 1, dst);
      return r;
    });
    const { regressions, vEmpty } = shapRegressions(designs, v, offsets, bg, fx.subarray(r0, r1));
    const phis = solveShapRegressions(regressions, threads);
    for (let i = 0; i < r1 - r0; i++) {
      const r = r0 + i;
      out.deliver(r, phis[i]!, rowGroups[i]!, vEmpty[i]!);
    }
  }
  return out.attribution(METHOD, {
    target: targetParam(options.target),
    background: describeValue(options.background ?? 0),
    backgroundRows: bg,
    groups: options.groups === undefined ? 'each element' : describeValue(options.groups),
    samples: groups.perRow ? (options.samples ?? '2 d + 2048') : firstPlan.samples,
    paired,
    enumerate: groups.perRow ? (options.enumerate ?? 'auto') : firstPlan.exhaustive,
    // coalitions evaluated per row besides the empty and full ones
    coalitions: groups.perRow ? 'per row' : firstPlan.n,
    seed: seedParam(options.seed),
    batchSize,
  }, targets, fx);
}
