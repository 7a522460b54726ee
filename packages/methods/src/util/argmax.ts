/** Index of the largest of the `width` values of row r (the first on ties). */
export function argmaxRow(values: ArrayLike<number>, r: number, width: number): number {
  let best = 0;
  for (let j = 1; j < width; j++) if (values[r * width + j]! > values[r * width + best]!) best = j;
  return best;
}

/** Index of the largest value of each of `rows` rows of width `width` (the first on ties). */
export function argmaxRows(values: ArrayLike<number>, rows: number, width: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) out[r] = argmaxRow(values, r, width);
  return out;
}

/** The errors of `targetList`, worded by the caller: a wrong count of targets, a target out of range. */
export interface TargetErrors {
  count(given: number): Error;
  range(target: number, row: number): Error;
}

/** A target given as one index for all rows or one per row, checked: one per row, each an integer output index below `width`. */
export function targetList(spec: number | ArrayLike<number>, rows: number, width: number, errors: TargetErrors): Int32Array {
  const list = typeof spec === 'number' ? new Int32Array(rows).fill(spec) : Int32Array.from(spec);
  if (list.length !== rows) throw errors.count(list.length);
  list.forEach((t, r) => {
    if (!Number.isInteger(t) || t < 0 || t >= width) throw errors.range(t, r);
  });
  return list;
}
