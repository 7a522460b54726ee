/**
 * Preparing strided elementwise work for the wasm kernels: drop unit
 * dimensions and merge neighbouring dimensions that every operand walks
 * contiguously (stride[d] == stride[d + 1] * shape[d + 1]), so most calls
 * become one long row the SIMD loops handle; then lay out the parameter block
 * assembly/strided.ts reads.
 */
import { coalesceDimensions } from '../../strides.js';

export interface CoalescedLayout {
  shape: number[];
  /** strides[operand][dimension], in elements. */
  strides: number[][];
}

export function coalesce(shape: readonly number[], strides: readonly (readonly number[])[]): CoalescedLayout {
  const layout = coalesceDimensions(shape, strides);
  if (layout.shape.length === 0) {
    layout.shape.push(1);
    for (const s of layout.strides) s.push(0);
  }
  return layout;
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
