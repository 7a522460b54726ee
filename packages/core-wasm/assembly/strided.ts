/**
 * N-dimensional strided iteration shared by binary, where and copy.
 *
 * The JS side writes a parameter block (i32 words):
 *   [rank, shape[0..rank), strides of operand 0, strides of operand 1, ...]
 * with dimensions already coalesced (adjacent dimensions merged where every
 * operand allows it), strides in elements. The last dimension is the "row"
 * a kernel processes in one tight loop; this file walks the outer dimensions.
 * Counters and running offsets live in the block's scratch area
 * (STRIDED_SCRATCH bytes in), so the walk needs no runtime allocation.
 */

/** Byte offset of the scratch area inside a parameter block. */
export const STRIDED_SCRATCH: usize = 1024;
/** Byte offset of the running operand offsets inside the scratch area. */
const OFFSETS: usize = 256;

// @ts-ignore: decorator
@inline export function stridedRank(params: usize): i32 {
  return load<i32>(params);
}

// @ts-ignore: decorator
@inline export function stridedExtent(params: usize, d: i32): i32 {
  return load<i32>(params + (<usize>(1 + d) << 2));
}

// @ts-ignore: decorator
@inline export function stridedStride(params: usize, operand: i32, d: i32): i32 {
  const rank = load<i32>(params);
  return load<i32>(params + (<usize>(1 + rank + operand * rank + d) << 2));
}

/** Number of rows: the product of every extent but the last. */
export function stridedRows(params: usize): i32 {
  const rank = stridedRank(params);
  let rows = 1;
  for (let d = 0; d < rank - 1; d++) rows *= stridedExtent(params, d);
  return rows;
}

/** Reset counters and running offsets (elements) of `operands` operands to zero. */
export function stridedStart(params: usize, operands: i32): void {
  const rank = stridedRank(params);
  const scratch = params + STRIDED_SCRATCH;
  for (let d = 0; d < rank; d++) store<i32>(scratch + (<usize>d << 2), 0);
  for (let j = 0; j < operands; j++) store<i32>(scratch + OFFSETS + (<usize>j << 2), 0);
}

/** Running offset (elements) of operand j at the current row. */
// @ts-ignore: decorator
@inline export function stridedOffset(params: usize, j: i32): usize {
  return <usize>load<i32>(params + STRIDED_SCRATCH + OFFSETS + (<usize>j << 2));
}

/** Move to the next row: increment the multi-index over the outer dimensions like an odometer. */
export function stridedNext(params: usize, operands: i32): void {
  const rank = stridedRank(params);
  const scratch = params + STRIDED_SCRATCH;
  const offsets = scratch + OFFSETS;
  for (let d = rank - 2; d >= 0; d--) {
    const counter = scratch + (<usize>d << 2);
    const c = load<i32>(counter) + 1;
    const extent = stridedExtent(params, d);
    if (c < extent) {
      store<i32>(counter, c);
      for (let j = 0; j < operands; j++) {
        const o = offsets + (<usize>j << 2);
        store<i32>(o, load<i32>(o) + stridedStride(params, j, d));
      }
      return;
    }
    store<i32>(counter, 0);
    for (let j = 0; j < operands; j++) {
      const o = offsets + (<usize>j << 2);
      store<i32>(o, load<i32>(o) - stridedStride(params, j, d) * (extent - 1));
    }
  }
}
