/** max |actual - expected| / max |expected|: the "relative to the largest value" measure of the issues. */
export function relativeToMax(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let maxRef = 0, maxDiff = 0;
  for (let i = 0; i < expected.length; i++) {
    maxRef = Math.max(maxRef, Math.abs(expected[i]!));
    maxDiff = Math.max(maxDiff, Math.abs(actual[i]! - expected[i]!));
  }
  return maxDiff / maxRef;
}
