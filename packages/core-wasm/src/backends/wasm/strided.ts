/**
 * Preparing strided elementwise work for the wasm kernels: drop unit
 * dimensions and merge neighbouring dimensions that every operand walks
 * contiguously (stride[d] == stride[d + 1] * shape[d + 1]), so most calls
 * become one long row the SIMD loops handle; then lay out the parameter block
 * assembly/strided.ts reads.
 */

export interface CoalescedLayout {
  shape: number[];
  /** strides[operand][dimension], in elements. */
  strides: number[][];
}

export function coalesce(shape: readonly number[], strides: readonly (readonly number[])[]): CoalescedLayout {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const extent = shape[d]!;
    if (extent === 1) continue;
    const last = outShape.length - 1;
    const mergeable = last >= 0 && strides.every((s, j) => outStrides[j]![last] === s[d]! * extent);
    if (mergeable) {
      outShape[last] = outShape[last]! * extent;
      for (let j = 0; j < strides.length; j++) outStrides[j]![last] = strides[j]![d]!;
    } else {
      outShape.push(extent);
      for (let j = 0; j < strides.length; j++) outStrides[j]!.push(strides[j]![d]!);
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    for (const s of outStrides) s.push(0);
  }
  return { shape: outShape, strides: outStrides };
}

/** Maximum rank after coalescing that the parameter block holds (it has 1 KiB before its scratch area). */
export const MAX_STRIDED_RANK = 32;

/** Parameter block words: [rank, shape..., strides of operand 0..., operand 1..., ...]. */
export function stridedParams(layout: CoalescedLayout): Int32Array {
  const rank = layout.shape.length;
  if (rank > MAX_STRIDED_RANK) throw new Error(`wasm backend: rank ${rank} exceeds the strided kernels' limit of ${MAX_STRIDED_RANK}`);
  const words = new Int32Array(1 + rank * (1 + layout.strides.length));
  words[0] = rank;
  words.set(layout.shape, 1);
  layout.strides.forEach((s, j) => words.set(s, 1 + rank + j * rank));
  return words;
}
