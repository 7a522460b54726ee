/**
 * The influence study's analysis for a tree ensemble (an ONNX-ML
 * TreeEnsembleClassifier given with --model). Trees are piecewise constant and
 * have no useful gradient, so each influence of the study is the exact
 * interventional TreeSHAP value of the same quantity (raw scores: margins
 * for boosted trees, averaged votes for forests), against a background of up
 * to TREE_BACKGROUND_ROWS reference rows (evenly spaced, so no randomness).
 * Shapley values are linear in the game, so
 *   - instance: TreeSHAP of the predicted class's raw score;
 *   - class c: the mean, over the class's instances, of TreeSHAP of score c;
 *   - pair (a, b): the mean over both classes' instances of TreeSHAP(a) - TreeSHAP(b);
 *   - dataset: the mean of the instance values.
 * The influence and attribution columns hold the same values.
 */
import { predictTreesClass, treeShap, type TreeEnsemble } from '@relevance/methods';
import type { Progress } from '../../progress/progress.js';
import type { ClassInfluence, ComparativeInfluence, InfluenceAnalysis } from './influence-analysis.js';

/** Largest background for interventional TreeSHAP (its cost per tree grows with the background). */
export const TREE_BACKGROUND_ROWS = 200;

export interface TreeAnalysisInputs {
  ensemble: TreeEnsemble;
  /** The analysed instances, row-major [n, features]. */
  x: Float32Array;
  labels: Int32Array;
  classes: readonly string[];
  pairs: ReadonlyArray<readonly [number, number]>;
  features: readonly string[];
  /** Reference rows, row-major; at most TREE_BACKGROUND_ROWS of them become the background. */
  reference: Float32Array;
  threads?: number;
  progress: Progress;
}

/** At most `max` rows of `x`, evenly spaced. */
export function backgroundRows(x: Float32Array, width: number, max = TREE_BACKGROUND_ROWS): Float32Array {
  const rows = x.length / width;
  if (rows <= max) return x;
  const out = new Float32Array(max * width);
  for (let i = 0; i < max; i++) {
    const r = Math.floor((i * rows) / max);
    out.set(x.subarray(r * width, (r + 1) * width), i * width);
  }
  return out;
}

function meanOver(values: (r: number, j: number) => number, rows: readonly number[], width: number): Float32Array {
  const out = new Float64Array(width);
  for (const r of rows) for (let j = 0; j < width; j++) out[j]! += values(r, j);
  return Float32Array.from(out, (v) => (rows.length ? v / rows.length : 0));
}

export function analyseTreeInfluence(a: TreeAnalysisInputs): InfluenceAnalysis {
  const { ensemble: e, x, labels, classes, progress } = a;
  const F = a.features.length;
  const n = labels.length;
  const background = backgroundRows(a.reference, F);
  const predicted = predictTreesClass(e, x, n);
  const present = classes.map((_, c) => c).filter((c) => labels.includes(c));
  const needed = [...new Set([...present, ...a.pairs.flat(), ...predicted])].sort((p, q) => p - q);
  progress.start('tree-shap', needed.length);
  // TreeSHAP of every analysed row for each class score the study needs
  const shap = new Map<number, Float64Array>();
  for (const c of needed) {
    shap.set(c, treeShap(e, x, n, { target: c, background, ...(a.threads ? { threads: a.threads } : {}) }).values64);
    progress.tick(1, classes[c]);
  }
  const instance = new Float32Array(n * F);
  for (let r = 0; r < n; r++) instance.set(shap.get(predicted[r]!)!.subarray(r * F, (r + 1) * F), r * F);
  const all = Array.from({ length: n }, (_, r) => r);
  const perClass: ClassInfluence[] = present.map((c) => {
    const rows = all.filter((r) => labels[r] === c);
    const s = shap.get(c)!;
    const mean = meanOver((r, j) => s[r * F + j]!, rows, F);
    return { class: c, instances: rows.length, distributional: mean, meanAttribution: mean };
  });
  const comparative: ComparativeInfluence[] = [];
  for (const [ca, cb] of a.pairs) {
    const rows = all.filter((r) => labels[r] === ca || labels[r] === cb);
    if (rows.length === 0) continue;
    const sa = shap.get(ca)!;
    const sb = shap.get(cb)!;
    comparative.push({ a: ca, b: cb, instances: rows.length, influence: meanOver((r, j) => sa[r * F + j]! - sb[r * F + j]!, rows, F) });
  }
  const dataset = meanOver((r, j) => shap.get(predicted[r]!)![r * F + j]!, all, F);
  progress.done(`TreeSHAP of ${n} instances against ${background.length / F} background rows, ${present.length} classes, ${comparative.length} comparisons`);
  return {
    units: [...a.features],
    instanceInfluence: instance,
    instanceAttribution: instance,
    predicted,
    perClass,
    comparative,
    dataset: { distributional: dataset, meanAttribution: dataset },
  };
}
