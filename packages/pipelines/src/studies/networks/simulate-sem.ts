/**
 * Structural equation models on a random DAG (see simulate-dag.ts).
 *
 * linear-sem: x_j = sum_i b_ij x_i + sigma_j e_j, e ~ N(0, 1). Raw coefficients
 * are +-U(0.5, 1); each node's coefficients are then scaled so that its
 * population variance is exactly 1 with share `noise` from its own noise
 * (roots: x ~ N(0, 1)). Equal variances remove "varsortability" (Reisach et
 * al. 2021), so variance gives no hint of the causal order.
 *
 * nonlinear-sem: x_j = sqrt(1 - noise) * (S_j - mean S_j) / sd S_j + sqrt(noise) e_j,
 * S_j = sum_i w_ij g_ij(x_i), with g_ij = f_ij standardised and f_ij drawn per
 * edge from tanh(2u), sigmoid(4u), relu(u), u^2, sin(2u); w = +-U(0.5, 1). The
 * standardising constants come from a pilot sample of 20,000 (its own random
 * stream), so the model does not change with `samples`. Every edge must show
 * |corr(x_j, g_ij(x_i))| >= 0.1 on the pilot (no cancellation between
 * parents); a node's weights are redrawn until it does.
 */
import type { Generator } from '@relevance/core-wasm';
import type { Dag } from './simulate-dag.js';
import { correlation, meanSd } from './simulate-common.js';

export interface WeightedEdge {
  source: number;
  target: number;
  weight: number;
}

export interface LinearSemModel {
  type: 'linear-sem';
  dag: Dag;
  /** x_target += weight * x_source. */
  edges: WeightedEdge[];
  /** Standard deviation of each gene's own noise (1 for roots, sqrt(noise) otherwise). */
  noiseSd: Float64Array;
}

/** One nonlinear edge function: name, formula, and whether it is monotone (then the sign is sign(weight)). */
export const EDGE_FUNCTIONS: ReadonlyArray<{ name: string; f: (u: number) => number; monotone: boolean }> = [
  { name: 'tanh(2u)', f: (u) => Math.tanh(2 * u), monotone: true },
  { name: 'sigmoid(4u)', f: (u) => 1 / (1 + Math.exp(-4 * u)), monotone: true },
  { name: 'relu(u)', f: (u) => Math.max(u, 0), monotone: true },
  { name: 'u^2', f: (u) => u * u, monotone: false },
  { name: 'sin(2u)', f: (u) => Math.sin(2 * u), monotone: false },
];

export interface NonlinearEdge extends WeightedEdge {
  /** Index into EDGE_FUNCTIONS. */
  fn: number;
  /** g(u) = (f(u) - fMean) / fSd. */
  fMean: number;
  fSd: number;
}

export interface NonlinearSemModel {
  type: 'nonlinear-sem';
  dag: Dag;
  edges: NonlinearEdge[];
  /** Per gene: mean and sd of S_j on the pilot (0 and 1 for roots), and the noise share. */
  sumMean: Float64Array;
  sumSd: Float64Array;
  noise: number;
}

const PILOT = 20000;

function signedWeight(g: Generator): number {
  return (0.5 + 0.5 * g.uniform()) * (g.uniform() < 0.5 ? -1 : 1);
}

/** Linear SEM coefficients with exact unit variances (population covariance tracked in causal order). */
export function linearSemModel(dag: Dag, noise: number, g: Generator): LinearSemModel {
  const p = dag.order.length;
  const cov = new Float64Array(p * p);
  const noiseSd = new Float64Array(p);
  const edges: WeightedEdge[] = [];
  for (const j of dag.order) {
    const pa = dag.parents[j]!;
    let w = pa.map(() => signedWeight(g));
    let signal = 0;
    for (let tries = 0; pa.length && tries < 100; tries++) {
      signal = 0;
      pa.forEach((a, x) => pa.forEach((b, y) => (signal += w[x]! * w[y]! * cov[a * p + b]!)));
      if (signal > 0.05 * w.reduce((s, v) => s + v * v, 0)) break;
      w = pa.map(() => signedWeight(g)); // parents nearly cancel: draw again
    }
    const scale = pa.length ? Math.sqrt((1 - noise) / signal) : 0;
    w = w.map((v) => v * scale);
    noiseSd[j] = pa.length ? Math.sqrt(noise) : 1;
    pa.forEach((a, x) => edges.push({ source: a, target: j, weight: w[x]! }));
    // covariances of j with every earlier gene k (and itself): Cov(x_j, x_k) = sum_a w_a Cov(x_a, x_k)
    for (const k of dag.order) {
      if (k === j) break;
      let c = 0;
      pa.forEach((a, x) => (c += w[x]! * cov[a * p + k]!));
      cov[j * p + k] = c;
      cov[k * p + j] = c;
    }
    cov[j * p + j] = 1;
  }
  return { type: 'linear-sem', dag, edges, noiseSd };
}

/** Draw `samples` rows of a linear SEM, one column per gene in causal order. */
export function sampleLinearSem(model: LinearSemModel, samples: number, g: Generator): Float64Array[] {
  const p = model.dag.order.length;
  const columns = Array.from({ length: p }, () => new Float64Array(samples));
  for (const j of model.dag.order) {
    const col = columns[j]!;
    for (let s = 0; s < samples; s++) col[s] = model.noiseSd[j]! * g.normal();
    for (const e of model.edges) {
      if (e.target !== j) continue;
      const src = columns[e.source]!;
      for (let s = 0; s < samples; s++) col[s]! += e.weight * src[s]!;
    }
  }
  return columns;
}

/** S_j = sum of w * g(parent) over the edges into j. */
function nonlinearSum(edges: readonly NonlinearEdge[], columns: Float64Array[], samples: number): Float64Array {
  const sum = new Float64Array(samples);
  for (const e of edges) {
    const f = EDGE_FUNCTIONS[e.fn]!.f;
    const src = columns[e.source]!;
    for (let s = 0; s < samples; s++) sum[s]! += (e.weight * (f(src[s]!) - e.fMean)) / e.fSd;
  }
  return sum;
}

function nonlinearColumn(sum: Float64Array, mean: number, sd: number, noise: number, g: Generator): Float64Array {
  const n = sum.length;
  const col = new Float64Array(n);
  const a = Math.sqrt(1 - noise);
  const b = Math.sqrt(noise);
  for (let s = 0; s < n; s++) col[s] = (a * (sum[s]! - mean)) / sd + b * g.normal();
  return col;
}

/** Nonlinear SEM: functions, weights and standardising constants, calibrated on a pilot sample. */
export function nonlinearSemModel(dag: Dag, noise: number, g: Generator, pilotG: Generator): NonlinearSemModel {
  const p = dag.order.length;
  const pilot: Float64Array[] = Array.from({ length: p }, () => new Float64Array(PILOT));
  const sumMean = new Float64Array(p);
  const sumSd = new Float64Array(p).fill(1);
  const edges: NonlinearEdge[] = [];
  for (const j of dag.order) {
    const pa = dag.parents[j]!;
    if (!pa.length) {
      for (let s = 0; s < PILOT; s++) pilot[j]![s] = pilotG.normal();
      continue;
    }
    let accepted: NonlinearEdge[] | null = null;
    for (let tries = 0; tries < 50 && !accepted; tries++) {
      const mine: NonlinearEdge[] = pa.map((a) => {
        const fn = g.int(EDGE_FUNCTIONS.length);
        const f = EDGE_FUNCTIONS[fn]!.f;
        const { mean, sd } = meanSd(pilot[a]!.map(f));
        return { source: a, target: j, weight: signedWeight(g), fn, fMean: mean, fSd: sd || 1 };
      });
      const sum = nonlinearSum(mine, pilot, PILOT);
      const { mean, sd } = meanSd(sum);
      const col = nonlinearColumn(sum, mean, sd || 1, noise, pilotG);
      const strong = mine.every((e) => Math.abs(correlation(col, pilot[e.source]!.map(EDGE_FUNCTIONS[e.fn]!.f))) >= 0.1);
      if (strong && sd > 0) {
        accepted = mine;
        pilot[j] = col;
        sumMean[j] = mean;
        sumSd[j] = sd;
      }
    }
    if (!accepted) throw new Error(`nonlinear-sem: could not draw edge weights into gene ${j} without cancellation; try another seed or a larger noise`);
    edges.push(...accepted);
  }
  return { type: 'nonlinear-sem', dag, edges, sumMean, sumSd, noise };
}

/** Draw `samples` rows of a nonlinear SEM, one column per gene in causal order. */
export function sampleNonlinearSem(model: NonlinearSemModel, samples: number, g: Generator): Float64Array[] {
  const p = model.dag.order.length;
  const columns: Float64Array[] = Array.from({ length: p }, () => new Float64Array(samples));
  for (const j of model.dag.order) {
    const into = model.edges.filter((e) => e.target === j);
    if (!into.length) {
      for (let s = 0; s < samples; s++) columns[j]![s] = g.normal();
      continue;
    }
    columns[j] = nonlinearColumn(nonlinearSum(into, columns, samples), model.sumMean[j]!, model.sumSd[j]!, model.noise, g);
  }
  return columns;
}
