/**
 * Simplifying the index space of strided elementwise kernels on the host:
 * size-1 dimensions are dropped and neighbours that every operand walks
 * contiguously are merged, so most calls reach the shader with rank 1-3
 * (cheaper index arithmetic), and any rank fits a fixed-size uniform block.
 */
import { coalesceDimensions } from '../../strides.js';

/** One operand of a strided kernel: element at multi-index i is `offset + sum_d i[d] * strides[d]`. */
export interface StridedOperandLayout {
  offset: number;
  strides: readonly number[];
}

export interface StridedLayout {
  shape: number[];
  operands: StridedOperandLayout[];
}

/** Drop size-1 dimensions and merge dimension pairs that are contiguous for every operand. */
export function coalesce(shape: readonly number[], operands: readonly StridedOperandLayout[]): StridedLayout {
  const { shape: outShape, strides } = coalesceDimensions(shape, operands.map((op) => op.strides));
  return { shape: outShape, operands: operands.map((op, k) => ({ offset: op.offset, strides: strides[k]! })) };
}

/**
 * Split a layout whose rank exceeds `maxRank` into layouts of rank `maxRank`
 * by iterating the leading dimensions on the host (each piece shifts offsets).
 */
export function splitToRank(layout: StridedLayout, maxRank: number): StridedLayout[] {
  if (layout.shape.length <= maxRank) return [layout];
  const pieces: StridedLayout[] = [];
  const extent = layout.shape[0]!;
  for (let i = 0; i < extent; i++) {
    const piece: StridedLayout = {
      shape: layout.shape.slice(1),
      operands: layout.operands.map((op) => ({ offset: op.offset + i * op.strides[0]!, strides: op.strides.slice(1) })),
    };
    pieces.push(...splitToRank(piece, maxRank));
  }
  return pieces;
}
