/** Model files whose parameters hold NaN or infinite values are refused by name: such a model only yields meaningless outputs. */
import { ModelError } from '../model/op.js';

/** Throw naming `what` (file, node, parameter), the first bad element and the count, when a value is not finite. */
export function checkFiniteParameter(values: Float32Array, what: string): void {
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad < 0) return;
  let count = 0;
  for (const v of values) if (!Number.isFinite(v)) count++;
  throw new ModelError(
    `${what} holds ${values[bad]} at element ${bad} (${count} of its ${values.length} values are not finite); ` +
      'a model with NaN or infinite parameters gives meaningless outputs: retrain or re-export it (check for a diverged training run, or values beyond float32)',
  );
}
