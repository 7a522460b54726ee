/**
 * Counterfactual and contrastive explanations for tabular classifiers.
 *
 * mode 'counterfactual' (Wachter et al. 2017): the smallest, sparse and
 * plausible change x' = x + δ that makes the model predict the desired class,
 *   min  λ · max(0, κ − m(x')) + Σ_j |δ_j| / s_j + γ · d_data(x')
 * where m is the target logit minus the best other logit, s_j a per-feature
 * scale (the data's standard deviation), and d_data the scaled squared distance to the
 * nearest data row predicted as the desired class (plausibility). Immutable
 * features never change; every value stays in its range (default the data's
 * observed [min, max]). Proximal gradient steps on the scaled change; λ
 * doubles while the target is not reached (Wachter's schedule).
 *
 * Sparsity is searched, not hoped for: features are ordered by the change in
 * m they can bring within their range (|∂m/∂x_j| × room), and supports of the
 * first 1, 2, ... features are optimised together in one batch; the answer is
 * the smallest support that reaches the target, then pruned (a change is
 * reverted when the target still holds without it). On a linear model this
 * order is the exact greedy optimum, so the answer has the fewest changes.
 * Several diverse answers per row: answer a bans the largest change of each
 * earlier answer.
 *
 * mode 'pertinent-negative' (Dhurandhar et al. 2018): the same search, with
 * changes allowed only away from the baseline ("absent" value, default the
 * data mean): what would have to be added to change the class.
 * mode 'pertinent-positive': the fewest features kept at their values (all
 * others set to the baseline) for which the model keeps its class.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { Model } from '../model/model.js';
import { outputWidth, readFloat } from '../attribution/common.js';
import { AttributionError } from '../attribution/types.js';
import { argmaxRow } from '../util/argmax.js';

export type CounterfactualMode = 'counterfactual' | 'pertinent-negative' | 'pertinent-positive';

export interface CounterfactualOptions {
  mode?: CounterfactualMode;
  /** Rows of x to explain (default all). */
  rows?: ArrayLike<number>;
  /** Desired class per explained row, one class for all, or 'flip' (default: the strongest other class; pertinent-positive keeps the class). */
  desired?: 'flip' | number | ArrayLike<number>;
  /** Answers per row (default 3). */
  answers?: number;
  /** Feature indices that never change. */
  immutable?: readonly number[];
  /** Reference rows [n, features] for ranges, scales, baseline and plausibility (default x). */
  data?: Float32Array;
  /** Per-feature lower / upper bounds (default the data's min / max). */
  lower?: ArrayLike<number>;
  upper?: ArrayLike<number>;
  /** Per-feature scales of the L1 term (default the data's standard deviation). */
  scale?: ArrayLike<number>;
  /** The "absent" value per feature for the pertinent modes (default the data mean). */
  baseline?: ArrayLike<number>;
  /** Required margin κ of the target logit over the others (default 0.01). */
  margin?: number;
  /** Weight γ of the distance to the nearest data row of the desired class (default 0.1). */
  dataWeight?: number;
  /** Most changed (or kept) features per answer (default min(features, 12)). */
  maxChanges?: number;
  /** Proximal gradient steps (default 400) and step size in scaled units (default 0.05). */
  steps?: number;
  stepSize?: number;
}

export interface CounterfactualChange {
  feature: number;
  from: number;
  to: number;
}

export interface CounterfactualAnswer {
  row: number;
  answer: number;
  found: boolean;
  originalClass: number;
  desiredClass: number;
  /** The class the model predicts for the answer (null when not found). */
  newClass: number | null;
  /** Changed features (pertinent-positive: the kept features, from baseline to value). */
  changes: CounterfactualChange[];
  /** Σ |δ_j| / s_j over the changes. */
  distance: number;
  /** Scaled distance to the nearest data row predicted as the desired class. */
  dataDistance: number;
  /** The answer's input row. */
  x: Float32Array;
}

export interface CounterfactualResult {
  mode: CounterfactualMode;
  answers: CounterfactualAnswer[];
  lower: Float64Array;
  upper: Float64Array;
  scale: Float64Array;
  baseline: Float64Array;
}

export const COUNTERFACTUAL_OPTION_NAMES = [
  'mode', 'rows', 'desired', 'answers', 'immutable', 'data', 'lower', 'upper', 'scale', 'baseline', 'margin', 'dataWeight', 'maxChanges', 'steps', 'stepSize',
] as const;

/** Logits of a batch of rows (host). */
async function logits(model: Model, xs: Float32Array, d: number): Promise<Float32Array> {
  const be = model.be;
  return be.asyncScope(async () => readFloat(model.predict(be.tensor(xs, [xs.length / d, d]))));
}

/** m = z_t − max_{j≠t} z_j per row and its gradient (host). */
async function marginGradient(model: Model, xs: Float32Array, d: number, target: number, k: number): Promise<{ m: Float64Array; g: Float32Array }> {
  const be = model.be;
  const n = xs.length / d;
  const x = be.tensor(xs, [n, d]);
  const pass = model.forward(x);
  try {
    const z = await readFloat(pass.output);
    const seed = new Float32Array(n * k);
    const m = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      let rival = -1;
      for (let j = 0; j < k; j++) if (j !== target && (rival < 0 || z[r * k + j]! > z[r * k + rival]!)) rival = j;
      m[r] = z[r * k + target]! - z[r * k + rival]!;
      seed[r * k + target] = 1;
      seed[r * k + rival] = -1;
    }
    const s = be.tensor(seed, pass.output.shape);
    const result = model.backward(pass, s);
    s.dispose();
    try {
      return { m, g: await readFloat(result.input!) };
    } finally {
      result.dispose();
    }
  } finally {
    pass.dispose();
    x.dispose();
  }
}

const argmax = argmaxRow;

/** Per-feature bounds, scales and baseline: the options', else the reference data's range, sd and mean. */
function featureRanges(data: Float32Array, d: number, options: CounterfactualOptions): { lower: Float64Array; upper: Float64Array; scale: Float64Array; baseline: Float64Array } {
  const nd = data.length / d;
  const perFeature = (name: string, v: ArrayLike<number> | undefined, fallback: (j: number) => number): Float64Array => {
    if (v !== undefined && v.length !== d) throw new AttributionError(`counterfactuals: ${name} has ${v.length} values for ${d} features`);
    return Float64Array.from({ length: d }, (_, j) => (v !== undefined ? v[j]! : fallback(j)));
  };
  const mean = new Float64Array(d);
  const sd = new Float64Array(d);
  const lo = new Float64Array(d).fill(Infinity);
  const hi = new Float64Array(d).fill(-Infinity);
  for (let r = 0; r < nd; r++) for (let j = 0; j < d; j++) {
    const v = data[r * d + j]!;
    mean[j] += v / nd;
    lo[j] = Math.min(lo[j]!, v);
    hi[j] = Math.max(hi[j]!, v);
  }
  for (let r = 0; r < nd; r++) for (let j = 0; j < d; j++) sd[j] += (data[r * d + j]! - mean[j]!) ** 2 / Math.max(1, nd - 1);
  const lower = perFeature('lower', options.lower, (j) => lo[j]!);
  const upper = perFeature('upper', options.upper, (j) => hi[j]!);
  const scale = perFeature('scale', options.scale, (j) => (sd[j]! > 0 ? Math.sqrt(sd[j]!) : 1));
  const baseline = perFeature('baseline', options.baseline, (j) => mean[j]!);
  for (let j = 0; j < d; j++) {
    if (!(scale[j]! > 0)) throw new AttributionError(`counterfactuals: scale of feature ${j} must be positive, got ${scale[j]}`);
    if (!(lower[j]! <= upper[j]!)) throw new AttributionError(`counterfactuals: feature ${j} has lower bound ${lower[j]} above its upper bound ${upper[j]}`);
  }
  return { lower, upper, scale, baseline };
}

/** The nearest reference row predicted as `cls` to a point (scaled squared distance per feature). */
function nearestDataOf(data: Float32Array, dataPred: Int32Array, d: number, scale: Float64Array): SearchSettings['nearestData'] {
  const nd = data.length / d;
  return (v, off, cls) => {
    let best = Infinity;
    let row = -1;
    for (let r = 0; r < nd; r++) {
      if (dataPred[r] !== cls) continue;
      let s = 0;
      for (let j = 0; j < d; j++) s += ((v[off + j]! - data[r * d + j]!) / scale[j]!) ** 2;
      if (s < best) {
        best = s;
        row = r;
      }
    }
    return { dist: row < 0 ? 0 : best / d, row };
  };
}

/** The class row `r` (the `ri`-th asked for) should move to: its own class, the runner-up, or the one asked for. */
function desiredClassOf(options: CounterfactualOptions, mode: CounterfactualMode, z0: Float32Array, r: number, ri: number, c: number, k: number): number {
  let desired: number;
  if (mode === 'pertinent-positive') desired = c;
  else if (options.desired === undefined || options.desired === 'flip') {
    desired = -1;
    for (let j = 0; j < k; j++) if (j !== c && (desired < 0 || z0[r * k + j]! > z0[r * k + desired]!)) desired = j;
  } else desired = typeof options.desired === 'number' ? options.desired : options.desired[ri]!;
  if (!Number.isInteger(desired) || desired < 0 || desired >= k) throw new AttributionError(`counterfactuals: desired class ${desired} (row ${r}) is out of range (0 to ${k - 1})`);
  return desired;
}

/** Everything the answers of one row share. */
interface RowSearch {
  model: Model;
  mode: CounterfactualMode;
  d: number;
  k: number;
  answersPerRow: number;
  settings: Omit<SearchSettings, 'banned' | 'negative'>;
}

/** Up to `answersPerRow` distinct answers for one row; each later answer may not use the previous one's largest change. */
async function answersForRow(s: RowSearch, r: number, x0: Float32Array, c: number, desired: number, out: CounterfactualAnswer[]): Promise<void> {
  const { model, mode, d, k } = s;
  const { kappa, baseline, immutable, maxChanges, scale, nearestData } = s.settings;
  const banned = new Set<number>();
  const seen = new Set<string>();
  for (let a = 0; a < s.answersPerRow; a++) {
    const answer = mode === 'pertinent-positive'
      ? await pertinentPositive(model, x0, d, k, c, kappa, baseline, immutable, banned, maxChanges)
      : await searchChange(model, x0, d, k, desired, { ...s.settings, banned, negative: mode === 'pertinent-negative' });
    const base = { row: r, answer: a, originalClass: c, desiredClass: desired };
    if (!answer) {
      if (a === 0) out.push({ ...base, found: false, newClass: null, changes: [], distance: NaN, dataDistance: NaN, x: Float32Array.from(x0) });
      return;
    }
    const key = answer.changes.map((ch) => ch.feature).join(',');
    if (seen.has(key)) return;
    seen.add(key);
    const zc = await logits(model, answer.x, d);
    let distance = 0;
    for (const ch of answer.changes) distance += Math.abs(ch.to - ch.from) / scale[ch.feature]!;
    out.push({ ...base, found: true, newClass: argmax(zc, 0, k), changes: answer.changes, distance, dataDistance: nearestData(answer.x, 0, desired).dist, x: answer.x });
    // the next answer may not use this answer's largest change
    const largest = [...answer.changes].sort((p, q) => Math.abs(q.to - q.from) / scale[q.feature]! - Math.abs(p.to - p.from) / scale[p.feature]! || p.feature - q.feature)[0];
    if (!largest) return;
    banned.add(largest.feature);
  }
}

export async function counterfactuals(model: Model, x: Tensor, options: CounterfactualOptions = {}): Promise<CounterfactualResult> {
  for (const key of Object.keys(options)) {
    if ((options as Record<string, unknown>)[key] !== undefined && !(COUNTERFACTUAL_OPTION_NAMES as readonly string[]).includes(key)) {
      throw new AttributionError(`counterfactuals: option '${key}' does not apply; it takes ${COUNTERFACTUAL_OPTION_NAMES.join(', ')}`);
    }
  }
  if (x.rank !== 2) throw new AttributionError(`counterfactuals: the input must be a table [rows, features], got [${x.shape.join(', ')}]`);
  const n = x.shape[0]!;
  const d = x.shape[1]!;
  const k = outputWidth(model);
  if (k < 2) throw new AttributionError(`counterfactuals: the model has ${k} output; a class change needs at least 2`);
  const mode = options.mode ?? 'counterfactual';
  const xs = await readFloat(x);
  const data = options.data ?? xs;
  if (data.length % d !== 0 || data.length === 0) throw new AttributionError(`counterfactuals: the reference data must hold whole rows of ${d} features`);
  const nd = data.length / d;
  const { lower, upper, scale, baseline } = featureRanges(data, d, options);
  const immutable = new Set(options.immutable ?? []);
  for (const j of immutable) if (!Number.isInteger(j) || j < 0 || j >= d) throw new AttributionError(`counterfactuals: immutable feature ${j} is out of range (0 to ${d - 1})`);
  const answersPerRow = options.answers ?? 3;
  const kappa = options.margin ?? 0.01;
  const gamma = options.dataWeight ?? 0.1;
  const maxChanges = Math.min(options.maxChanges ?? 12, d);
  if (!Number.isInteger(maxChanges) || maxChanges < 1) throw new AttributionError(`counterfactuals: maxChanges must be a positive integer, got ${options.maxChanges}`);
  const steps = options.steps ?? 400;
  const eta = options.stepSize ?? 0.05;
  const rows = Int32Array.from(options.rows ?? Array.from({ length: n }, (_, i) => i));
  for (const r of rows) if (!Number.isInteger(r) || r < 0 || r >= n) throw new AttributionError(`counterfactuals: row ${r} is out of range (0 to ${n - 1})`);

  const z0 = await logits(model, xs, d);
  const dataClass = await logits(model, data, d);
  const dataPred = Int32Array.from({ length: nd }, (_, r) => argmax(dataClass, r, k));
  const nearestData = nearestDataOf(data, dataPred, d, scale);
  const search: RowSearch = {
    model, mode, d, k, answersPerRow,
    settings: { kappa, gamma, steps, eta, lower, upper, scale, baseline, immutable, maxChanges, data, nearestData },
  };
  const out: CounterfactualAnswer[] = [];
  for (let ri = 0; ri < rows.length; ri++) {
    const r = rows[ri]!;
    const c = argmax(z0, r, k);
    const desired = desiredClassOf(options, mode, z0, r, ri, c, k);
    await answersForRow(search, r, xs.subarray(r * d, (r + 1) * d), c, desired, out);
  }
  return { mode, answers: out, lower, upper, scale, baseline };
}

interface SearchSettings {
  kappa: number;
  gamma: number;
  steps: number;
  eta: number;
  lower: Float64Array;
  upper: Float64Array;
  scale: Float64Array;
  baseline: Float64Array;
  immutable: ReadonlySet<number>;
  banned: ReadonlySet<number>;
  maxChanges: number;
  negative: boolean;
  data: Float32Array;
  nearestData: (v: Float32Array, off: number, cls: number) => { dist: number; row: number };
}

/** Bounds of the scaled change u_j = δ_j / s_j. */
function changeBounds(x0: Float32Array, j: number, o: SearchSettings): [number, number] {
  let lo = (o.lower[j]! - x0[j]!) / o.scale[j]!;
  let hi = (o.upper[j]! - x0[j]!) / o.scale[j]!;
  lo = Math.min(lo, 0);
  hi = Math.max(hi, 0);
  if (o.negative) {
    // pertinent negatives only add: move away from the baseline
    const side = Math.sign(x0[j]! - o.baseline[j]!);
    if (side > 0) lo = 0;
    else if (side < 0) hi = 0;
  }
  return [lo, hi];
}

async function searchChange(model: Model, x0: Float32Array, d: number, k: number, target: number, o: SearchSettings): Promise<{ x: Float32Array; changes: CounterfactualChange[] } | null> {
  const { m: m0, g: g0 } = await marginGradient(model, Float32Array.from(x0), d, target, k);
  // already the desired class by the margin: nothing to change
  if (m0[0]! >= o.kappa) return { x: Float32Array.from(x0), changes: [] };
  // order features by the change in m they can bring within their range
  const potential = (j: number): number => {
    if (o.immutable.has(j) || o.banned.has(j)) return -1;
    const [lo, hi] = changeBounds(x0, j, o);
    const gu = g0[j]! * o.scale[j]!;
    return gu > 0 ? gu * hi : gu < 0 ? gu * lo : 0;
  };
  const order = Array.from({ length: d }, (_, j) => j).filter((j) => potential(j) > 0).sort((a, b) => potential(b) - potential(a) || a - b);
  const sizes = Math.min(order.length, o.maxChanges);
  if (sizes === 0) return null;
  // one copy per support size s = 1..sizes, optimised together
  const u = new Float64Array(sizes * d);
  const bounds = Array.from({ length: d }, (_, j) => changeBounds(x0, j, o));
  const rank = new Int32Array(d).fill(-1);
  order.forEach((j, i) => (rank[j] = i));
  const inSupport = (s: number, j: number): boolean => rank[j]! >= 0 && rank[j]! <= s;
  const support = Array.from({ length: sizes }, (_, s) => Uint8Array.from({ length: d }, (_, j) => (inSupport(s, j) ? 1 : 0)));
  const lambda = new Float64Array(sizes).fill(1);
  const best: Array<{ u: Float64Array; l1: number } | null> = new Array(sizes).fill(null);
  const round = Math.max(1, Math.floor(o.steps / 8));
  const xs = new Float32Array(sizes * d);
  const toX = (): void => {
    for (let s = 0; s < sizes; s++) for (let j = 0; j < d; j++) xs[s * d + j] = x0[j]! + u[s * d + j]! * o.scale[j]!;
  };
  const reached = new Uint8Array(sizes);
  let plaus: number[] | null = null;
  for (let step = 0; step < o.steps; step++) {
    toX();
    const { m, g } = await marginGradient(model, xs, d, target, k);
    for (let s = 0; s < sizes; s++) {
      if (m[s]! >= o.kappa) {
        reached[s] = 1;
        // the best feasible point by the objective without the hinge: L1 + gamma * distance to the data
        let l1 = 0;
        for (let j = 0; j < d; j++) l1 += Math.abs(u[s * d + j]!);
        if (o.gamma > 0) l1 += o.gamma * o.nearestData(xs, s * d, target).dist;
        if (!best[s] || l1 < best[s]!.l1) best[s] = { u: u.slice(s * d, (s + 1) * d), l1 };
      }
    }
    // the nearest data row of the desired class, refreshed every 10 steps (a scan of the data per copy)
    if (o.gamma > 0 && step % 10 === 0) plaus = Array.from({ length: sizes }, (_, s) => o.nearestData(xs, s * d, target).row);
    for (let s = 0; s < sizes; s++) {
      const active = m[s]! < o.kappa;
      for (let j = 0; j < d; j++) {
        if (!support[s]![j]) continue;
        let grad = active ? -lambda[s]! * g[s * d + j]! * o.scale[j]! : 0;
        if (plaus && plaus[s]! >= 0) {
          // d/du_j of gamma * mean_j ((x_j - nn_j) / s_j)^2
          grad += (o.gamma * 2 * (xs[s * d + j]! - o.data[plaus[s]! * d + j]!)) / o.scale[j]! / d;
        }
        let v = u[s * d + j]! - o.eta * grad;
        // L1 proximal step (soft threshold) of sum_j |u_j|
        v = Math.sign(v) * Math.max(0, Math.abs(v) - o.eta);
        u[s * d + j] = Math.min(bounds[j]![1], Math.max(bounds[j]![0], v));
      }
    }
    if ((step + 1) % round === 0) for (let s = 0; s < sizes; s++) if (!reached[s]) lambda[s] *= 2;
  }
  // the smallest support that reached the target, pruned
  for (let s = 0; s < sizes; s++) {
    if (!best[s]) continue;
    const v = Float64Array.from(best[s]!.u);
    const xCand = Float32Array.from({ length: d }, (_, j) => x0[j]! + v[j]! * o.scale[j]!);
    const changed = Array.from({ length: d }, (_, j) => j).filter((j) => v[j] !== 0).sort((a, b) => Math.abs(v[a]!) - Math.abs(v[b]!) || a - b);
    for (const j of changed) {
      const keep = xCand[j]!;
      xCand[j] = x0[j]!;
      const { m } = await marginGradient(model, xCand, d, target, k);
      if (!(m[0]! >= o.kappa)) xCand[j] = keep;
    }
    const changes = Array.from({ length: d }, (_, j) => j).filter((j) => xCand[j] !== x0[j]).map((j) => ({ feature: j, from: x0[j]!, to: xCand[j]! }));
    return { x: xCand, changes };
  }
  return null;
}

async function pertinentPositive(
  model: Model, x0: Float32Array, d: number, k: number, c: number, kappa: number, baseline: Float64Array, immutable: ReadonlySet<number>, banned: ReadonlySet<number>, maxKept: number,
): Promise<{ x: Float32Array; changes: CounterfactualChange[] } | null> {
  const { g } = await marginGradient(model, Float32Array.from(x0), d, c, k);
  // immutable features stay as they are (always kept); the others are ranked by gradient x (value - baseline)
  const contribution = (j: number): number => g[j]! * (x0[j]! - baseline[j]!);
  const order = Array.from({ length: d }, (_, j) => j).filter((j) => !immutable.has(j) && !banned.has(j) && x0[j] !== baseline[j]).sort((a, b) => contribution(b) - contribution(a) || a - b);
  const build = (kept: ReadonlySet<number>): Float32Array => Float32Array.from({ length: d }, (_, j) => (immutable.has(j) || kept.has(j) ? x0[j]! : baseline[j]!));
  const limit = Math.min(order.length, maxKept);
  // all prefix sizes 0..limit in one batch
  const batch = new Float32Array((limit + 1) * d);
  for (let s = 0; s <= limit; s++) batch.set(build(new Set(order.slice(0, s))), s * d);
  const { m } = await marginGradient(model, batch, d, c, k);
  for (let s = 0; s <= limit; s++) {
    if (m[s]! < kappa) continue;
    const kept = new Set(order.slice(0, s));
    // prune: drop a kept feature when the class still holds without it
    for (const j of [...kept].reverse()) {
      kept.delete(j);
      const { m: mm } = await marginGradient(model, build(kept), d, c, k);
      if (!(mm[0]! >= kappa)) kept.add(j);
    }
    const xk = build(kept);
    const changes = [...kept].sort((a, b) => a - b).map((j) => ({ feature: j, from: baseline[j]!, to: x0[j]! }));
    return { x: xk, changes };
  }
  return null;
}
