/**
 * How well the classifier does on the evaluated rows: accuracy, balanced
 * accuracy (mean recall over the classes present), per-class precision and
 * recall (null when undefined: no predictions of, or no rows of, the class),
 * and the full confusion matrix in class order.
 */
export interface ClassificationMetrics {
  accuracy: number;
  balancedAccuracy: number;
  perClass: Array<{ class: string; precision: number | null; recall: number | null; support: number }>;
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  rows: number;
}

export function classificationMetrics(truth: ArrayLike<number>, predicted: ArrayLike<number>, classes: readonly string[]): ClassificationMetrics {
  const k = classes.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    confusion[truth[i]!]![predicted[i]!]!++;
    if (truth[i] === predicted[i]) correct++;
  }
  const perClass = classes.map((c, j) => {
    const support = confusion[j]!.reduce((a, b) => a + b, 0);
    const predictedAs = confusion.reduce((a, row) => a + row[j]!, 0);
    const tp = confusion[j]![j]!;
    return { class: c, precision: predictedAs > 0 ? tp / predictedAs : null, recall: support > 0 ? tp / support : null, support };
  });
  const recalls = perClass.flatMap((p) => (p.recall === null ? [] : [p.recall]));
  return {
    accuracy: truth.length > 0 ? correct / truth.length : NaN,
    balancedAccuracy: recalls.length ? recalls.reduce((a, b) => a + b, 0) / recalls.length : NaN,
    perClass,
    confusion,
    rows: truth.length,
  };
}
