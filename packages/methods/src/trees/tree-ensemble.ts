/**
 * A tree ensemble (ONNX-ML TreeEnsembleRegressor / TreeEnsembleClassifier):
 * not a Model (a graph of tensor ops) but flat typed arrays over every node of
 * every tree, evaluated on the host. Raw scores are the sum of the reached
 * leaves' weights plus the base values (AVERAGE aggregation is folded into the
 * weights, so raw scores are always additive over trees: what TreeSHAP
 * explains). `predict` applies the post transform (LOGISTIC, SOFTMAX, ...).
 */
import { argmaxRows } from '../util/argmax.js';

/** Split modes in the order of ONNX-ML's nodes_modes strings. */
export const SPLIT_MODES = ['BRANCH_LEQ', 'BRANCH_LT', 'BRANCH_GTE', 'BRANCH_GT', 'BRANCH_EQ', 'BRANCH_NEQ'] as const;
export const POST_TRANSFORMS = ['NONE', 'LOGISTIC', 'SOFTMAX', 'SOFTMAX_ZERO', 'PROBIT'] as const;
export type PostTransform = (typeof POST_TRANSFORMS)[number];

/** Wrong model, input or option for a tree ensemble: the message names it and the fix. */
export class TreeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TreeError';
  }
}

export interface TreeEnsemble {
  readonly kind: 'tree-ensemble';
  /** The file (or description) it came from, for messages. */
  readonly source: string;
  readonly task: 'regression' | 'classification';
  /** Input width: the largest feature index used + 1, or the graph input's width when declared. */
  readonly features: number;
  /** Raw score columns: targets (regression) or classes. */
  readonly outputs: number;
  /** Global index of each tree's root node. */
  readonly roots: Int32Array;
  /** Per node: the feature tested, or -1 at a leaf. */
  readonly feature: Int32Array;
  readonly threshold: Float32Array;
  /** Per node: index into SPLIT_MODES. */
  readonly mode: Uint8Array;
  /** Per node: the child taken when the test holds ('true' node) and when it does not. */
  readonly yes: Int32Array;
  readonly no: Int32Array;
  /** Per node: whether a missing (NaN) value goes to the 'yes' child. */
  readonly missingYes: Uint8Array;
  /** Per node x output: the leaf's weight (0 for inner nodes), AVERAGE already divided by the number of trees. */
  readonly leafValue: Float64Array;
  /** Per output: added to every raw score. */
  readonly base: Float64Array;
  /** Per node: training samples (cover) reaching it, when known (ONNX nodes_hitrates, or coversFromData). */
  readonly cover?: Float64Array;
  readonly postTransform: PostTransform;
  /** Classifier labels in output order. */
  readonly classLabels?: ReadonlyArray<number | string>;
  /** Binary classifier with one weight column: raw scores are [-margin, margin]. */
  readonly binaryMargin?: boolean;
  /** Names of the graph input and outputs. */
  readonly inputName: string;
}

export function isTreeEnsemble(m: unknown): m is TreeEnsemble {
  return typeof m === 'object' && m !== null && (m as { kind?: unknown }).kind === 'tree-ensemble';
}

export function treeCount(e: TreeEnsemble): number {
  return e.roots.length;
}

/** Whether a row's value goes to the node's 'yes' child. */
export function goesYes(mode: number, value: number, threshold: number, missingYes: number): boolean {
  if (value !== value) return missingYes === 1;
  switch (mode) {
    case 0: return value <= threshold;
    case 1: return value < threshold;
    case 2: return value >= threshold;
    case 3: return value > threshold;
    case 4: return value === threshold;
    default: return value !== threshold;
  }
}

/** The leaf a row (values at offset `o` of `x`) reaches in the tree rooted at `root`. */
export function leafOf(e: TreeEnsemble, root: number, x: ArrayLike<number>, o: number): number {
  let n = root;
  const { feature, threshold, mode, yes, no, missingYes } = e;
  while (feature[n]! >= 0) {
    n = goesYes(mode[n]!, x[o + feature[n]!]!, threshold[n]!, missingYes[n]!) ? yes[n]! : no[n]!;
  }
  return n;
}

function checkRows(e: TreeEnsemble, x: ArrayLike<number>, rows: number, what: string): void {
  if (!Number.isInteger(rows) || rows < 0 || x.length !== rows * e.features) {
    throw new TreeError(`${what}: ${x.length} values are not ${rows} rows of ${e.features} features (the width of ${e.source}); choose the feature columns with --columns`);
  }
}

/** Raw scores [rows, outputs] (before the post transform), in float64. */
export function predictRaw(e: TreeEnsemble, x: ArrayLike<number>, rows: number): Float64Array {
  checkRows(e, x, rows, 'predict');
  const k = e.outputs;
  const out = new Float64Array(rows * k);
  for (let r = 0; r < rows; r++) {
    const o = r * e.features;
    for (let j = 0; j < k; j++) out[r * k + j] = e.base[j]!;
    for (let t = 0; t < e.roots.length; t++) {
      const leaf = leafOf(e, e.roots[t]!, x, o);
      for (let j = 0; j < k; j++) out[r * k + j]! += e.leafValue[leaf * k + j]!;
    }
  }
  return out;
}

function erfinv(x: number): number {
  // Giles (2010) single-precision approximation, as used for PROBIT by onnxruntime
  let w = -Math.log((1 - x) * (1 + x));
  let p: number;
  if (w < 5) {
    w -= 2.5;
    p = 2.81022636e-8;
    for (const c of [3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941]) p = c + p * w;
  } else {
    w = Math.sqrt(w) - 3;
    p = -0.000200214257;
    for (const c of [0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682]) p = c + p * w;
  }
  return p * x;
}

/** Apply the ensemble's post transform to raw scores, row by row (in place). */
export function postTransform(e: TreeEnsemble, scores: Float64Array, rows: number): Float64Array {
  const k = e.outputs;
  const t = e.postTransform;
  for (let r = 0; r < rows; r++) {
    const o = r * k;
    if (t === 'LOGISTIC') for (let j = 0; j < k; j++) scores[o + j] = 1 / (1 + Math.exp(-scores[o + j]!));
    else if (t === 'PROBIT') for (let j = 0; j < k; j++) scores[o + j] = Math.SQRT2 * erfinv(2 * scores[o + j]! - 1);
    else if (t === 'SOFTMAX' || t === 'SOFTMAX_ZERO') {
      let m = -Infinity;
      for (let j = 0; j < k; j++) if (!(t === 'SOFTMAX_ZERO' && scores[o + j] === 0)) m = Math.max(m, scores[o + j]!);
      let s = 0;
      for (let j = 0; j < k; j++) {
        const v = t === 'SOFTMAX_ZERO' && scores[o + j] === 0 ? 0 : Math.exp(scores[o + j]! - m);
        scores[o + j] = v;
        s += v;
      }
      for (let j = 0; j < k; j++) scores[o + j]! /= s;
    }
  }
  return scores;
}

/** Scores after the post transform (probabilities for classifiers), [rows, outputs]. */
export function predict(e: TreeEnsemble, x: ArrayLike<number>, rows: number): Float64Array {
  return postTransform(e, predictRaw(e, x, rows), rows);
}

/** Per row, the index of the largest raw score (the predicted class). */
export function predictClass(e: TreeEnsemble, x: ArrayLike<number>, rows: number): Int32Array {
  return argmaxRows(predictRaw(e, x, rows), rows, e.outputs);
}

/** The ensemble with covers counted from data: how many of `rows` rows reach each node (for path-dependent TreeSHAP). */
export function withCoversFromData(e: TreeEnsemble, x: ArrayLike<number>, rows: number): TreeEnsemble {
  checkRows(e, x, rows, 'covers');
  if (rows === 0) throw new TreeError('covers: no rows to count; give the training data (or a sample of it)');
  const cover = new Float64Array(e.feature.length);
  for (let r = 0; r < rows; r++) {
    const o = r * e.features;
    for (let t = 0; t < e.roots.length; t++) {
      let n = e.roots[t]!;
      cover[n]! += 1;
      while (e.feature[n]! >= 0) {
        n = goesYes(e.mode[n]!, x[o + e.feature[n]!]!, e.threshold[n]!, e.missingYes[n]!) ? e.yes[n]! : e.no[n]!;
        cover[n]! += 1;
      }
    }
  }
  return { ...e, cover };
}

/** Largest depth (edges from root to leaf) over all trees. */
export function maxDepth(e: TreeEnsemble): number {
  let best = 0;
  const stack: number[] = [];
  for (const root of e.roots) {
    stack.push(root, 0);
    while (stack.length) {
      const d = stack.pop()!;
      const n = stack.pop()!;
      if (e.feature[n]! < 0) best = Math.max(best, d);
      else stack.push(e.yes[n]!, d + 1, e.no[n]!, d + 1);
    }
  }
  return best;
}
