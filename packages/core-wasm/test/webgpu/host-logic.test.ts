/**
 * Host-side logic of the webgpu backend that needs no GPU (always runs):
 * dimension coalescing and rank splitting for strided kernels, pool bucket
 * sizes, and uniform parameter packing.
 */
import { describe, expect, it } from 'vitest';
import { bucketBytes } from '../../src/backends/webgpu/buffer-pool.js';
import { Params } from '../../src/backends/webgpu/params.js';
import { coalesce, splitToRank, type StridedLayout } from '../../src/backends/webgpu/strided-layout.js';

/** Element offsets of every operand in row-major order of `shape` (the meaning a layout must keep). */
function offsets(layout: StridedLayout): number[][] {
  const total = layout.shape.reduce((p, d) => p * d, 1);
  return Array.from({ length: total }, (_, i) => {
    let rest = i;
    const at = layout.operands.map((op) => op.offset);
    for (let d = layout.shape.length - 1; d >= 0; d--) {
      const coord = rest % layout.shape[d]!;
      rest = Math.floor(rest / layout.shape[d]!);
      layout.operands.forEach((op, k) => {
        at[k]! += coord * op.strides[d]!;
      });
    }
    return at;
  });
}

describe('strided layouts', () => {
  it('merges dimensions every operand walks contiguously and drops size-1 dimensions', () => {
    const layout = {
      shape: [2, 1, 3, 4],
      operands: [
        { offset: 0, strides: [12, 12, 4, 1] }, // contiguous output
        { offset: 5, strides: [12, 99, 4, 1] }, // contiguous input (size-1 stride is irrelevant)
      ],
    };
    const merged = coalesce(layout.shape, layout.operands);
    expect(merged.shape).toEqual([24]);
    expect(merged.operands.map((o) => o.strides)).toEqual([[1], [1]]);
    expect(offsets(merged)).toEqual(offsets(layout));
  });

  it('keeps broadcast and permuted dimensions apart', () => {
    const layout = {
      shape: [3, 4, 5],
      operands: [
        { offset: 0, strides: [20, 5, 1] },
        { offset: 0, strides: [0, 5, 1] }, // broadcast along dim 0: dims 1 and 2 still merge
        { offset: 2, strides: [1, 3, 12] }, // permuted
      ],
    };
    const merged = coalesce(layout.shape, layout.operands);
    expect(merged.shape).toEqual([3, 4, 5]);
    expect(offsets(merged)).toEqual(offsets(layout));
    const twoOperands = coalesce(layout.shape, layout.operands.slice(0, 2));
    expect(twoOperands.shape).toEqual([3, 20]);
    expect(offsets(twoOperands)).toEqual(offsets({ shape: layout.shape, operands: layout.operands.slice(0, 2) }));
  });

  it('gives rank 0 for a single element', () => {
    const merged = coalesce([1, 1], [{ offset: 7, strides: [3, 1] }]);
    expect(merged.shape).toEqual([]);
    expect(offsets(merged)).toEqual([[7]]);
  });

  it('splits layouts above the shader rank into pieces that cover the same elements', () => {
    const shape = [2, 3, 2, 2];
    const layout = { shape, operands: [{ offset: 1, strides: [1, 2, 6, 12] }, { offset: 0, strides: [12, 4, 2, 1] }] };
    const pieces = splitToRank(layout, 2);
    expect(pieces).toHaveLength(6);
    expect(pieces.every((p) => p.shape.length === 2)).toBe(true);
    expect(pieces.flatMap(offsets)).toEqual(offsets(layout));
    expect(splitToRank(layout, 8)).toEqual([layout]);
  });
});

describe('buffer pool buckets', () => {
  it('rounds up to four buckets per power of two, at least 256 bytes', () => {
    expect(bucketBytes(4, 1 << 30)).toBe(256);
    expect(bucketBytes(256, 1 << 30)).toBe(256);
    expect(bucketBytes(257, 1 << 30)).toBe(320);
    expect(bucketBytes(1000, 1 << 30)).toBe(1024);
    expect(bucketBytes(1025, 1 << 30)).toBe(1280);
    for (let bytes = 4; bytes < 1e6; bytes = Math.ceil(bytes * 1.37)) {
      const bucket = bucketBytes(bytes * 4, 1 << 30);
      expect(bucket).toBeGreaterThanOrEqual(bytes * 4);
      expect(bucket % 4).toBe(0);
      if (bytes * 4 > 256) expect(bucket / (bytes * 4)).toBeLessThanOrEqual(1.25);
    }
  });

  it('never rounds past the device limit', () => {
    expect(bucketBytes(1000, 1020)).toBe(1000);
    expect(bucketBytes(1001, 1020)).toBe(1004);
  });
});

describe('uniform parameters', () => {
  it('packs scalars in order and pads vec4 arrays and the block to 16 bytes', () => {
    const block = new Params().u32(7).f32(0.5).i32x4s([-1, 2], 8).finish();
    expect(block.byteLength).toBe(48);
    const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
    expect(view.getUint32(0, true)).toBe(7);
    expect(view.getFloat32(4, true)).toBe(0.5);
    expect(view.getInt32(16, true)).toBe(-1);
    expect(view.getInt32(20, true)).toBe(2);
    expect(view.getInt32(24, true)).toBe(0);
  });

  it('rejects values the shader type cannot hold', () => {
    expect(() => new Params().u32(-1, 'count')).toThrow(/count -1 is not a u32/);
    expect(() => new Params().i32(2 ** 31)).toThrow(/not an i32/);
    expect(() => new Params().u32(1.5)).toThrow(/not a u32/);
  });
});
