/**
 * Testing with Concept Activation Vectors (Kim et al. 2018).
 *
 * A concept is a set of rows of the data. At a layer l, its CAV v_C is the
 * normal of a linear classifier (logistic regression) separating the
 * concept's activations from those of a random counter-concept, pointing to
 * the concept. The conceptual sensitivity of class k at row x is the
 * directional derivative S = ∇h_{l,k}(f_l(x)) · v_C, and the TCAV score is the
 * share of the scored rows with S > 0.
 *
 * Significance, as in the paper: the CAV is trained against N random
 * counter-concepts R_1..R_N (drawn from the data with the seeded generator),
 * giving N scores; random-vs-random CAVs give N null scores, and a two-sided
 * two-sample t-test compares them; the p-value is Bonferroni-corrected over
 * the concepts tested (p × concepts). The null's random concepts are fresh
 * for every run (R'_i against R_i) rather than one fixed R_0: a single fixed
 * random set carries its own chance offset, which made the null's mean
 * (and so the test) depend on which set was drawn (measured on the
 * synthetic cohort: null means from 0.08 to 0.63 for one class).
 *
 * The paper's t-test treats a concept's N runs as independent draws, but they
 * share the concept: a random row set whose chance offset happens to align
 * with a class gradient scores consistently and passes the test (measured: 4
 * of 6 random 40-row sets on the synthetic cohort were "significant" for some
 * class). So a calibrated test is added: each null concept R'_i is also run
 * against every R_j, giving the mean scores of N random concepts, and the
 * concept's mean score is compared with them by a prediction t-test
 * t = (s_C − mean m) / (sd m · √(1 + 1/N)), df = N − 1 (exchangeable under
 * the null, so a random concept passes with probability α). It has little
 * power where the class gradient is constant over the rows (a linear head):
 * there a random concept scores 0 or 1 and so does the planted one.
 * `significant` is the paper's test; `significantCalibrated` the other.
 *
 * Gradients come from the model's own backward (one pass per batch of scored
 * rows, class and layer, shared by every CAV); the classifier is fitted in
 * float64 on the host.
 */
import { Generator, type Tensor } from '@relevance/core-wasm';
import type { Model } from '../model/model.js';
import { batches, concatHost, outputWidth, targetGradient } from '../attribution/common.js';
import { AttributionError } from '../attribution/types.js';
import { layerFeatures } from '../understanding/layer-features.js';
import { studentTTwoSided, tTestIndependent } from '../stats/t-test.js';
import { logisticRegression } from './linear-classifier.js';

export interface Concept {
  name: string;
  /** Row indices into the data (0-based). */
  rows: ArrayLike<number>;
}

export interface TcavOptions {
  /** Layers to test: node names (or aliases), or 'input' for the raw features. */
  layers: readonly string[];
  concepts: readonly Concept[];
  /** Output classes to test (default every output). */
  targets?: readonly number[];
  /**
   * Rows whose directional derivatives are counted, per class (e.g. the rows of
   * that class, as in the paper) or one list for every class. Default: all rows.
   */
  scoredRows?: ReadonlyMap<number, ArrayLike<number>> | ArrayLike<number>;
  /** Random counter-concepts N (default 20; at least 2). */
  randomConcepts?: number;
  /** Rows per random counter-concept (default: the median concept size, at most half the rows). */
  randomSize?: number;
  /** Seed or generator of the random counter-concepts (one is required). */
  seed?: number | bigint;
  generator?: Generator;
  /** Significance level after the Bonferroni correction (default 0.05). */
  alpha?: number;
  /** Also run the calibrated concept-level test (N × N null CAVs; default true). */
  calibrated?: boolean;
  /** L2 penalty of the logistic regression (default 0.01). */
  l2?: number;
  batchSize?: number;
  /** Keep every CAV (unit vectors, float64) in the result (default false). */
  keepCavs?: boolean;
}

export interface TcavRow {
  concept: string;
  layer: string;
  target: number;
  /** Mean TCAV score over the N runs against random counter-concepts. */
  score: number;
  scoreSd: number;
  /** Mean TCAV score of random-vs-random CAVs (the null). */
  randomScore: number;
  randomScoreSd: number;
  t: number;
  pValue: number;
  /** min(1, p × concepts tested). */
  pAdjusted: number;
  /** The calibrated test: the concept's mean score among N random concepts' means (null without calibrated). */
  pCalibrated: number | null;
  pCalibratedAdjusted: number | null;
  /** The paper's test: pAdjusted < alpha. */
  significant: boolean;
  /** pCalibratedAdjusted < alpha (null without calibrated). */
  significantCalibrated: boolean | null;
  /** Mean training accuracy of the concept's CAVs (how separable the concept is at the layer). */
  cavAccuracy: number;
  scores: number[];
  randomScores: number[];
}

export interface TcavResult {
  rows: TcavRow[];
  randomConcepts: number;
  randomSize: number;
  /** The factor of the Bonferroni correction (concepts tested). */
  bonferroni: number;
  alpha: number;
  /** CAVs by `${concept}|${layer}`, one per random run (with keepCavs). */
  cavs?: Map<string, Float64Array[]>;
  /** Random counter-concepts R_1..R_N as row indices. */
  randomSets: Int32Array[];
  /** The null's random concepts R'_1..R'_N (R'_i is trained against R_i). */
  nullSets: Int32Array[];
}

export const TCAV_OPTION_NAMES = ['layers', 'concepts', 'targets', 'scoredRows', 'randomConcepts', 'randomSize', 'seed', 'generator', 'alpha', 'l2', 'batchSize', 'keepCavs', 'calibrated'] as const;

function checkRows(what: string, rows: ArrayLike<number>, n: number): Int32Array {
  const out = Int32Array.from(rows as ArrayLike<number>);
  for (const r of out) if (!Number.isInteger(r) || r < 0 || r >= n) throw new AttributionError(`tcav: ${what} names row ${r}, but the data has ${n} rows (0 to ${n - 1})`);
  return out;
}

function meanSd(v: readonly number[]): [number, number] {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const s = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : 0;
  return [m, s];
}

/** Unit CAV pointing from `negative` rows to `positive` rows of the activations. */
export function conceptActivationVector(
  activations: Float32Array, width: number, positive: Int32Array, negative: Int32Array, l2?: number,
): { cav: Float64Array; accuracy: number } {
  const n = positive.length + negative.length;
  const x = new Float64Array(n * width);
  const y = new Float64Array(n);
  let i = 0;
  for (const [rows, label] of [[positive, 1], [negative, 0]] as const) {
    for (const r of rows) {
      for (let j = 0; j < width; j++) x[i * width + j] = activations[r * width + j]!;
      y[i++] = label;
    }
  }
  const fit = logisticRegression(x, width, y, l2 === undefined ? {} : { l2 });
  let norm = 0;
  for (const w of fit.weights) norm += w * w;
  norm = Math.sqrt(norm);
  const cav = Float64Array.from(fit.weights, (w) => (norm > 0 ? w / norm : 0));
  return { cav, accuracy: fit.accuracy };
}

/** Share of gradient rows whose dot product with the CAV is positive. */
export function tcavScore(gradients: Float32Array, width: number, cav: Float64Array): number {
  const rows = gradients.length / width;
  let positive = 0;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < width; j++) s += gradients[r * width + j]! * cav[j]!;
    if (s > 0) positive++;
  }
  return rows ? positive / rows : NaN;
}

/** Gradient of output k at the layer for the given rows ([rows, width], host). */
async function layerGradients(model: Model, x: Tensor, layer: string, rows: Int32Array, target: number, batchSize: number): Promise<Float32Array> {
  const be = model.be;
  const isInput = layer === 'input' && !model.hasNode('input');
  const chunks: Float32Array[] = [];
  for (const [s, e] of batches(rows.length, batchSize)) {
    const idx = rows.subarray(s, e);
    const xb = be.gather(x, idx, 0);
    try {
      const g = await targetGradient(model, xb, new Int32Array(idx.length).fill(target), isInput ? { input: true } : { input: false, nodes: [layer] });
      const values = isInput ? g.input : g.nodes.get(layer);
      chunks.push(values ?? new Float32Array(0));
    } finally {
      xb.dispose();
    }
  }
  return concatHost(chunks);
}

/** Draw `count` sets of `size` distinct rows out of n. */
function randomSets(generator: Generator, n: number, size: number, count: number): Int32Array[] {
  const sets: Int32Array[] = [];
  for (let i = 0; i < count; i++) {
    const perm = generator.permutation(n);
    sets.push(Int32Array.from(perm.subarray(0, size)).sort());
  }
  return sets;
}

/** The concepts' rows, checked: each in range with at least 2 rows, and no two concepts with one name. */
function checkedConcepts(options: TcavOptions, n: number): { name: string; rows: Int32Array }[] {
  const concepts = options.concepts.map((c) => {
    const rows = checkRows(`concept '${c.name}'`, c.rows, n);
    if (rows.length < 2) throw new AttributionError(`tcav: concept '${c.name}' has ${rows.length} row${rows.length === 1 ? '' : 's'}; a CAV needs at least 2 (loosen the condition or add ids)`);
    return { name: c.name, rows };
  });
  const names = new Set<string>();
  for (const c of concepts) {
    if (names.has(c.name)) throw new AttributionError(`tcav: two concepts are named '${c.name}'; give each a distinct name`);
    names.add(c.name);
  }
  return concepts;
}

function tcavGenerator(options: TcavOptions): Generator {
  if (options.generator) return options.generator;
  if (options.seed !== undefined) return new Generator(options.seed);
  throw new AttributionError('tcav: pass a seed or a generator for the random counter-concepts (randomness is always explicit)');
}

/** The rows whose gradients score target `t`: all rows, one list, or the target's list. */
function scoredRowsFor(options: TcavOptions, t: number, n: number, all: Int32Array): Int32Array {
  const s = options.scoredRows;
  if (s === undefined) return all;
  if (s instanceof Map) {
    const rows = (s as ReadonlyMap<number, ArrayLike<number>>).get(t);
    if (!rows) throw new AttributionError(`tcav: scoredRows has no rows for target ${t}`);
    return checkRows(`scoredRows of target ${t}`, rows, n);
  }
  return checkRows('scoredRows', s as ArrayLike<number>, n);
}

/** One layer and target's gradients and CAVs. */
interface TargetScoring {
  grads: Float32Array;
  w: number;
  layerName: string;
  target: number;
  concepts: { name: string }[];
  conceptCavs: { cav: Float64Array; accuracy: number }[][];
  nullCavs: (Float64Array | null)[][];
  calibrated: boolean;
  runs: number;
  alpha: number;
}

/** Each concept's TCAV score for one layer and target, tested against the random concepts (and the calibrated null). */
function targetRows(c: TargetScoring): TcavRow[] {
  const { grads, w, concepts, conceptCavs, nullCavs, runs, alpha } = c;
  const randomScores = nullCavs.map((row, i) => tcavScore(grads, w, row[i]!));
  const nullMeans = c.calibrated ? nullCavs.map((row) => row.reduce((a, v) => a + tcavScore(grads, w, v!), 0) / runs) : null;
  const [nullMean, nullSd] = nullMeans ? meanSd(nullMeans) : [0, 0];
  const [randomScore, randomScoreSd] = meanSd(randomScores);
  return concepts.map((concept, ci) => {
    const scores = conceptCavs[ci]!.map((f) => tcavScore(grads, w, f.cav));
    const [score, scoreSd] = meanSd(scores);
    const test = tTestIndependent(scores, randomScores);
    const pAdjusted = Math.min(1, test.p * concepts.length);
    let pCalibrated: number | null = null;
    if (nullMeans) {
      const spread = nullSd * Math.sqrt(1 + 1 / runs);
      pCalibrated = spread > 0 ? studentTTwoSided((score - nullMean) / spread, runs - 1) : score === nullMean ? 1 : 0;
    }
    const pCalibratedAdjusted = pCalibrated === null ? null : Math.min(1, pCalibrated * concepts.length);
    return {
      concept: concept.name, layer: c.layerName, target: c.target, score, scoreSd, randomScore, randomScoreSd, t: test.t, pValue: test.p, pAdjusted,
      pCalibrated, pCalibratedAdjusted, significant: pAdjusted < alpha,
      significantCalibrated: pCalibratedAdjusted === null ? null : pCalibratedAdjusted < alpha, cavAccuracy: conceptCavs[ci]!.reduce((a, f) => a + f.accuracy, 0) / runs, scores, randomScores,
    };
  });
}

export async function tcav(model: Model, x: Tensor, options: TcavOptions): Promise<TcavResult> {
  for (const key of Object.keys(options)) {
    if ((options as unknown as Record<string, unknown>)[key] !== undefined && !(TCAV_OPTION_NAMES as readonly string[]).includes(key)) {
      throw new AttributionError(`tcav: option '${key}' does not apply; it takes ${TCAV_OPTION_NAMES.join(', ')}`);
    }
  }
  const n = x.shape[0]!;
  if (x.rank < 2 || n < 4) throw new AttributionError(`tcav: the data must be [rows, ...features] with at least 4 rows, got [${x.shape.join(', ')}]`);
  if (!options.layers.length) throw new AttributionError('tcav: name at least one layer (or input)');
  if (!options.concepts.length) throw new AttributionError('tcav: give at least one concept (a set of rows)');
  const width = outputWidth(model);
  const targets = options.targets ?? Array.from({ length: width }, (_, k) => k);
  for (const t of targets) if (!Number.isInteger(t) || t < 0 || t >= width) throw new AttributionError(`tcav: target ${t} is out of range: the model has ${width} outputs (0 to ${width - 1})`);
  const concepts = checkedConcepts(options, n);
  const runs = options.randomConcepts ?? 20;
  if (!Number.isInteger(runs) || runs < 2) throw new AttributionError(`tcav: randomConcepts must be an integer of at least 2 (the t-test needs two scores per side), got ${runs}`);
  const sizes = concepts.map((c) => c.rows.length).sort((a, b) => a - b);
  const randomSize = options.randomSize ?? Math.max(2, Math.min(Math.floor(n / 2), sizes[Math.floor(sizes.length / 2)]!));
  if (!Number.isInteger(randomSize) || randomSize < 2 || randomSize > n) throw new AttributionError(`tcav: randomSize must be an integer between 2 and the number of rows (${n}), got ${randomSize}`);
  const generator = tcavGenerator(options);
  const alpha = options.alpha ?? 0.05;
  const batchSize = options.batchSize ?? 256;
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const scoredFor = (t: number): Int32Array => scoredRowsFor(options, t, n, all);

  // counter-concepts R_1..R_N, then the null's random concepts R'_1..R'_N
  const drawn = randomSets(generator, n, randomSize, 2 * runs);
  const sets = drawn.slice(0, runs);
  const nullSets = drawn.slice(runs);
  const rows: TcavRow[] = [];
  const cavs = options.keepCavs ? new Map<string, Float64Array[]>() : undefined;
  for (const layer of options.layers) {
    if (layer !== 'input' && !model.hasNode(layer)) {
      throw new AttributionError(`tcav: no layer named '${layer}'; use 'input' or one of: ${model.nodes.map((nd) => nd.name).join(', ')}`);
    }
    const features = await layerFeatures(model, layer, x, batchSize);
    const w = features.width;
    const layerName = features.layer;
    const conceptCavs = concepts.map((c) => {
      const fits = sets.map((r) => conceptActivationVector(features.values, w, c.rows, r, options.l2));
      cavs?.set(`${c.name}|${layerName}`, fits.map((f) => f.cav));
      return fits;
    });
    // nullCavs[i][j]: R'_i against R_j (the diagonal is the paper's null; whole rows give the random concepts' means)
    const calibrated = options.calibrated ?? true;
    const nullCavs = nullSets.map((c, i) => sets.map((r, j) => (calibrated || i === j ? conceptActivationVector(features.values, w, c, r, options.l2).cav : null)));
    for (const target of targets) {
      const scored = scoredFor(target);
      if (!scored.length) throw new AttributionError(`tcav: no rows to score for target ${target}`);
      const grads = await layerGradients(model, x, layerName === 'input' ? 'input' : layerName, scored, target, batchSize);
      rows.push(...targetRows({ grads, w, layerName, target, concepts, conceptCavs, nullCavs, calibrated, runs, alpha }));
    }
  }
  return { rows, randomConcepts: runs, randomSize, bonferroni: concepts.length, alpha, randomSets: sets, nullSets, ...(cavs ? { cavs } : {}) };
}

