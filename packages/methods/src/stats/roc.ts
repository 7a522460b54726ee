/**
 * Ranking quality of scores against binary truth: AUROC (Mann-Whitney, ties
 * count one half), AUPR as average precision (the area under the step-wise
 * precision-recall curve, as scikit-learn's average_precision_score), and the
 * curves themselves for plotting.
 */
import { rank } from './descriptive.js';

function counts(labels: ArrayLike<boolean | number>): { pos: number; neg: number } {
  let pos = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]) pos++;
  return { pos, neg: labels.length - pos };
}

/** Area under the ROC curve; NaN when one class is empty. */
export function auroc(scores: ArrayLike<number>, labels: ArrayLike<boolean | number>): number {
  const { pos, neg } = counts(labels);
  if (pos === 0 || neg === 0) return NaN;
  const r = rank(scores);
  let sumPos = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]) sumPos += r[i]!;
  return (sumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Score thresholds in decreasing order with cumulative true/false positives (ties grouped). */
function sweep(scores: ArrayLike<number>, labels: ArrayLike<boolean | number>): Array<{ threshold: number; tp: number; fp: number }> {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const points: Array<{ threshold: number; tp: number; fp: number }> = [];
  let tp = 0, fp = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (labels[i]) tp++;
    else fp++;
    const next = order[k + 1];
    if (next === undefined || scores[next]! !== scores[i]!) points.push({ threshold: scores[i]!, tp, fp });
  }
  return points;
}

/** Average precision: sum over thresholds of (recall_k - recall_{k-1}) * precision_k. */
export function aupr(scores: ArrayLike<number>, labels: ArrayLike<boolean | number>): number {
  const { pos } = counts(labels);
  if (pos === 0) return NaN;
  let ap = 0;
  let prevRecall = 0;
  for (const p of sweep(scores, labels)) {
    const recall = p.tp / pos;
    ap += (recall - prevRecall) * (p.tp / (p.tp + p.fp));
    prevRecall = recall;
  }
  return ap;
}

export interface CurvePoint {
  threshold: number;
  /** ROC: false positive rate; PR: recall. */
  x: number;
  /** ROC: true positive rate; PR: precision. */
  y: number;
}

export function rocCurve(scores: ArrayLike<number>, labels: ArrayLike<boolean | number>): CurvePoint[] {
  const { pos, neg } = counts(labels);
  const pts: CurvePoint[] = [{ threshold: Infinity, x: 0, y: 0 }];
  for (const p of sweep(scores, labels)) pts.push({ threshold: p.threshold, x: neg ? p.fp / neg : 0, y: pos ? p.tp / pos : 0 });
  return pts;
}

export function prCurve(scores: ArrayLike<number>, labels: ArrayLike<boolean | number>): CurvePoint[] {
  const { pos } = counts(labels);
  const pts: CurvePoint[] = [];
  for (const p of sweep(scores, labels)) pts.push({ threshold: p.threshold, x: pos ? p.tp / pos : 0, y: p.tp / (p.tp + p.fp) });
  return pts;
}

/** Keep at most `max` points of a curve (evenly spaced, endpoints kept) for compact reports. */
export function thinCurve(points: CurvePoint[], max = 200): CurvePoint[] {
  if (points.length <= max) return points;
  const out: CurvePoint[] = [];
  for (let k = 0; k < max; k++) out.push(points[Math.round((k * (points.length - 1)) / (max - 1))]!);
  return out;
}
