/**
 * t-SNE (van der Maaten & Hinton 2008) with exact gradients for small n and
 * Barnes-Hut gradients (van der Maaten 2014) for large n.
 *
 *  1. affinities: squared euclidean distances by blocked GEMM on the backend
 *     (all pairs for exact t-SNE, the floor(3 perplexity) nearest neighbours
 *     for Barnes-Hut), per-point bisection on beta to the target entropy
 *     log(perplexity), symmetrised p_ij = (p_{j|i} + p_{i|j}) / 2n;
 *  2. initialisation: PCA scaled to standard deviation 1e-4 in the first
 *     component (as openTSNE and scikit-learn), or N(0, 1e-4^2) from the seed;
 *  3. gradient descent with early exaggeration (12 for 250 iterations,
 *     momentum 0.5, then momentum 0.8), delta-bar-delta gains (+0.2 when the
 *     gradient's sign flips against the update, x0.8 otherwise, floor 0.01;
 *     Jacobs 1988) reset between the two phases as in scikit-learn, and the
 *     learning rate max(n / exaggeration / 4, 50) (Belkina et al. 2019);
 *  4. the KL divergence every `klEvery` iterations and at the end.
 * Deterministic for a seed on a given backend.
 */
import { Generator, toGenerator, type Backend, type Tensor } from '@relevance/core-wasm';
import { BarnesHutObjective } from './barnes-hut-objective.js';
import { resolveThreads } from '../stats/parallel.js';
import { ExactObjective } from './exact-objective.js';
import { denseToSparse } from './exact-kl.js';
import { denseJointProbabilities, negativeEntropy, sparseJointProbabilities, type SparseAffinities } from './joint-probabilities.js';
import { nearestNeighbours, squaredDistanceMatrix, type HostMatrix } from './pairwise-distances.js';
import { pcaProjection } from './pca.js';
import { calibratePerplexity } from './perplexity.js';
import type { TsneObjective } from './tsne-objective.js';

export type TsneMethod = 'exact' | 'barnes-hut' | 'auto';

/** With method 'auto', exact gradients up to this many points, Barnes-Hut above. */
export const TSNE_EXACT_MAX_POINTS = 1000;

export interface TsneOptions {
  /** Output dimensions (default 2). Barnes-Hut handles 2 and 3; other dimensions use exact gradients. */
  dims?: number;
  /** Effective number of neighbours (default 30); must be below the number of points. */
  perplexity?: number;
  /** Allowed |H(P_i) - log(perplexity)| per point (default 1e-5). */
  perplexityTolerance?: number;
  /** 'auto' (default): exact up to TSNE_EXACT_MAX_POINTS points (and unless dims is 2 or 3), else Barnes-Hut. */
  method?: TsneMethod;
  /** Barnes-Hut accuracy: a cell is one body when side / distance < theta (default 0.5; 0 is exact). */
  theta?: number;
  /** Barnes-Hut: threads for the repulsions (the caller and Node workers; default 1); the same bits for any count. */
  threads?: number;
  /** Neighbours per point for Barnes-Hut's sparse P (default min(n - 1, floor(3 perplexity))). */
  neighbours?: number;
  /** Gradient steps in all (default 1000). */
  iterations?: number;
  /** Early exaggeration factor (default 12). */
  exaggeration?: number;
  /** Steps with early exaggeration (default 250). */
  exaggerationIterations?: number;
  /** Step size, or 'auto' = max(n / exaggeration / 4, 50) (default). */
  learningRate?: number | 'auto';
  /** Momentum during early exaggeration (default 0.5) and after (default 0.8). */
  initialMomentum?: number;
  finalMomentum?: number;
  /** Smallest gain (default 0.01). */
  minGain?: number;
  /** 'pca' (default), 'random', or starting coordinates [n, dims]. */
  init?: 'pca' | 'random' | Float32Array | Float64Array;
  /** Seed or generator (default 0): random initialisation and wide-data PCA. */
  seed?: number | Generator;
  /** Record the KL divergence every this many iterations (default 50). */
  klEvery?: number;
  /** Called after each iteration (1-based) with the KL when it was computed. */
  onIteration?: (iteration: number, kl: number | undefined) => void;
}

export interface TsneResult {
  /** Coordinates, row-major [rows, dims], in input order. */
  embedding: Float32Array;
  rows: number;
  dims: number;
  /** KL(P || Q) at the final coordinates (Barnes-Hut: with its estimate of Z). */
  kl: number;
  /** KL after 0, klEvery, 2 klEvery, ... iterations and at the end. */
  klCurve: Array<{ iteration: number; kl: number }>;
  /** exp(entropy) of each point's conditional distribution after calibration. */
  perplexities: Float64Array;
  /** Points whose calibration did not reach the tolerance. */
  unconverged: number;
  method: 'exact' | 'barnes-hut';
  /** Every setting after defaults (what reproduces the run). */
  params: Record<string, unknown>;
}

export class TsneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TsneError';
  }
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new TsneError(`tsne: ${message}`);
}

async function hostMatrix(x: Tensor): Promise<HostMatrix> {
  check(x.rank === 2 && x.dtype === 'float32', `the data must be a float32 matrix [points, features], got ${x.dtype} [${x.shape.join(', ')}]`);
  const data = (await x.read()) as Float32Array;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) throw new TsneError(`tsne: value ${data[i]} at row ${Math.floor(i / x.shape[1]!)}, column ${i % x.shape[1]!} is not finite; impute or drop missing values first`);
  }
  return { data, rows: x.shape[0]!, cols: x.shape[1]! };
}

interface Settings {
  dims: number;
  perplexity: number;
  tolerance: number;
  method: 'exact' | 'barnes-hut';
  theta: number;
  neighbours: number;
  iterations: number;
  exaggeration: number;
  exaggerationIterations: number;
  learningRate: number;
  initialMomentum: number;
  finalMomentum: number;
  minGain: number;
  klEvery: number;
  threads: number;
}

function settings(n: number, o: TsneOptions): Settings {
  const dims = o.dims ?? 2;
  check(Number.isInteger(dims) && dims >= 1, `dims must be a positive integer, got ${dims}`);
  check(n >= 3, `needs at least 3 points, got ${n}`);
  const perplexity = o.perplexity ?? 30;
  check(Number.isFinite(perplexity) && perplexity > 1 && perplexity < n, `perplexity must lie in (1, ${n}) for ${n} points, got ${perplexity}; use a smaller perplexity for small data sets`);
  const requested = o.method ?? 'auto';
  check(['auto', 'exact', 'barnes-hut'].includes(requested), `method must be 'exact', 'barnes-hut' or 'auto', got '${requested}'`);
  let method: 'exact' | 'barnes-hut';
  if (requested === 'auto') method = n <= TSNE_EXACT_MAX_POINTS || (dims !== 2 && dims !== 3) ? 'exact' : 'barnes-hut';
  else method = requested;
  check(method === 'exact' || dims === 2 || dims === 3, `Barnes-Hut works in 2 or 3 dimensions (quadtree, octree); for dims = ${dims} use method 'exact'`);
  const theta = o.theta ?? 0.5;
  check(Number.isFinite(theta) && theta >= 0, `theta must be >= 0, got ${theta}`);
  const neighbours = o.neighbours ?? Math.min(n - 1, Math.floor(3 * perplexity));
  check(Number.isInteger(neighbours) && neighbours > perplexity && neighbours <= n - 1, `neighbours must be an integer in (perplexity, ${n - 1}], got ${neighbours}`);
  const iterations = o.iterations ?? 1000;
  check(Number.isInteger(iterations) && iterations >= 0, `iterations must be a non-negative integer, got ${iterations}`);
  const exaggeration = o.exaggeration ?? 12;
  check(Number.isFinite(exaggeration) && exaggeration > 0, `exaggeration must be > 0, got ${exaggeration}`);
  const exaggerationIterations = o.exaggerationIterations ?? 250;
  check(Number.isInteger(exaggerationIterations) && exaggerationIterations >= 0, `exaggerationIterations must be a non-negative integer, got ${exaggerationIterations}`);
  const lr = o.learningRate ?? 'auto';
  const learningRate = lr === 'auto' ? Math.max(n / exaggeration / 4, 50) : lr;
  check(Number.isFinite(learningRate) && learningRate > 0, `learningRate must be > 0 or 'auto', got ${String(lr)}`);
  const klEvery = o.klEvery ?? 50;
  check(Number.isInteger(klEvery) && klEvery >= 1, `klEvery must be a positive integer, got ${klEvery}`);
  return {
    dims, perplexity, tolerance: o.perplexityTolerance ?? 1e-5, method, theta, neighbours, iterations, exaggeration, exaggerationIterations, learningRate,
    initialMomentum: o.initialMomentum ?? 0.5, finalMomentum: o.finalMomentum ?? 0.8, minGain: o.minGain ?? 0.01, klEvery, threads: resolveThreads(o.threads, 'tsne'),
  };
}

async function initialCoordinates(be: Backend, x: HostMatrix, dims: number, init: TsneOptions['init'], generator: Generator): Promise<Float64Array> {
  const n = x.rows;
  const mode = init ?? 'pca';
  if (mode instanceof Float32Array || mode instanceof Float64Array) {
    check(mode.length === n * dims, `init has ${mode.length} values; it must be [${n}, ${dims}]`);
    return Float64Array.from(mode);
  }
  if (mode === 'random') {
    const y = new Float64Array(n * dims);
    for (let i = 0; i < y.length; i++) y[i] = 1e-4 * generator.normal();
    return y;
  }
  check(mode === 'pca', `init must be 'pca', 'random' or an array of coordinates, got '${String(mode)}'`);
  const y = await pcaProjection(be, x, dims, generator);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i * dims]!;
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (y[i * dims]! - mean) ** 2;
  const std = Math.sqrt(variance / n);
  const scale = std > 0 ? 1e-4 / std : 1;
  for (let i = 0; i < y.length; i++) y[i]! *= scale;
  return y;
}

/** P for the settings: exact (all pairs, dense) or Barnes-Hut's (sparse over the k-nearest-neighbour graph). */
async function affinities(be: Backend, x: HostMatrix, s: Settings) {
  const n = x.rows;
  const calibration = { perplexity: s.perplexity, tolerance: s.tolerance };
  if (s.method === 'exact') {
    const distances = await squaredDistanceMatrix(be, x);
    const c = calibratePerplexity(distances, n, n, (i) => i, calibration);
    return { conditional: c.probabilities, sparse: undefined, perplexities: c.perplexities, unconverged: c.unconverged };
  }
  const knn = await nearestNeighbours(be, x, s.neighbours);
  const c = calibratePerplexity(knn.distances, n, knn.k, () => -1, calibration);
  return { conditional: undefined, sparse: sparseJointProbabilities(c.probabilities, knn.indices, n, knn.k), perplexities: c.perplexities, unconverged: c.unconverged };
}

async function buildObjective(be: Backend, x: HostMatrix, s: Settings): Promise<{ objective: TsneObjective; perplexities: Float64Array; unconverged: number }> {
  const { conditional, sparse, perplexities, unconverged } = await affinities(be, x, s);
  if (sparse) return { objective: new BarnesHutObjective(sparse, s.dims as 2 | 3, s.theta, negativeEntropy(sparse.values), s.threads), perplexities, unconverged };
  const joint = denseJointProbabilities(conditional!, x.rows);
  return { objective: new ExactObjective(be, joint, x.rows, s.dims, negativeEntropy(joint)), perplexities, unconverged };
}

/**
 * The joint probabilities P that tsne() would optimise for these options, in
 * float64 as compressed sparse rows: with method 'exact' every pair (the
 * perplexity calibrated over all points), with 'barnes-hut' the union of the
 * k-nearest-neighbour graphs. With exactKlDivergence, this scores any
 * embedding of `x` (ours or another program's) against one P.
 */
export async function tsneAffinities(x: Tensor, options: Pick<TsneOptions, 'perplexity' | 'perplexityTolerance' | 'method' | 'neighbours' | 'dims'> = {}): Promise<SparseAffinities> {
  const data = await hostMatrix(x);
  const s = settings(data.rows, options);
  const { conditional, sparse } = await affinities(x.backend, data, s);
  return sparse ?? denseToSparse(denseJointProbabilities(conditional!, data.rows, new Float64Array(data.rows * data.rows)), data.rows);
}

/** Embed the rows of `x` ([points, features], float32) in `dims` dimensions. */
export async function tsne(x: Tensor, options: TsneOptions = {}): Promise<TsneResult> {
  const be = x.backend;
  const data = await hostMatrix(x);
  const n = data.rows;
  const s = settings(n, options);
  const generator = toGenerator(options.seed ?? 0);
  const y = await initialCoordinates(be, data, s.dims, options.init, generator);
  const { objective, perplexities, unconverged } = await buildObjective(be, data, s);
  const klCurve: Array<{ iteration: number; kl: number }> = [];
  try {
    const size = n * s.dims;
    const gradient = new Float64Array(size);
    const update = new Float64Array(size);
    const gains = new Float64Array(size).fill(1);
    for (let it = 0; it < s.iterations; it++) {
      const exaggerating = it < s.exaggerationIterations;
      if (it === s.exaggerationIterations && it > 0) {
        // a fresh optimiser state for the second phase (as scikit-learn)
        update.fill(0);
        gains.fill(1);
      }
      const withKl = it % s.klEvery === 0;
      const kl = await objective.gradient(y, exaggerating ? s.exaggeration : 1, gradient, withKl);
      if (withKl) klCurve.push({ iteration: it, kl });
      const momentum = exaggerating ? s.initialMomentum : s.finalMomentum;
      for (let i = 0; i < size; i++) {
        const g = gradient[i]!;
        // delta-bar-delta: grow the gain while steps keep their direction (gradient and last update of opposite signs)
        let gain = g * update[i]! < 0 ? gains[i]! + 0.2 : gains[i]! * 0.8;
        if (gain < s.minGain) gain = s.minGain;
        gains[i] = gain;
        update[i] = momentum * update[i]! - s.learningRate * gain * g;
        y[i]! += update[i]!;
      }
      centre(y, n, s.dims);
      options.onIteration?.(it + 1, withKl ? kl : undefined);
    }
    const kl = await objective.gradient(y, 1, gradient, true);
    klCurve.push({ iteration: s.iterations, kl });
    return {
      embedding: Float32Array.from(y),
      rows: n,
      dims: s.dims,
      kl,
      klCurve,
      perplexities,
      unconverged,
      method: s.method,
      params: {
        ...s,
        learningRate: s.learningRate,
        init: typeof options.init === 'string' || options.init === undefined ? (options.init ?? 'pca') : 'given',
        seed: options.seed instanceof Generator ? 'generator' : (options.seed ?? 0),
        backend: be.name,
      },
    };
  } finally {
    objective.dispose();
  }
}

/** Subtract the mean (the cost is translation invariant; a centred map keeps the float32 distance products accurate). */
function centre(y: Float64Array, n: number, dims: number): void {
  for (let k = 0; k < dims; k++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += y[i * dims + k]!;
    m /= n;
    for (let i = 0; i < n; i++) y[i * dims + k]! -= m;
  }
}
