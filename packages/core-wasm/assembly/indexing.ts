/**
 * Indexing along one axis of [outer, axis, inner]: gather, scatterAdd, oneHot.
 * Indices are int32. The front end validates them; out-of-range entries are
 * still skipped here so a bad index can never write outside the tensor.
 */
import { addInto } from './add-into';

/** out[o, j, i] = x[o, idx[j], i] for j < count; 32-bit words (float32 or int32 x). */
export function gather(x: usize, indices: usize, out: usize, outer: i32, axis: i32, inner: i32, count: i32): void {
  const rowBytes = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const src = x + <usize>o * <usize>axis * rowBytes;
    const dst = out + <usize>o * <usize>count * rowBytes;
    for (let j = 0; j < count; j++) {
      const k = load<i32>(indices + (<usize>j << 2));
      const d = dst + <usize>j * rowBytes;
      if (<u32>k < <u32>axis) memory.copy(d, src + <usize>k * rowBytes, rowBytes);
      else memory.fill(d, 0, rowBytes);
    }
  }
}

/** out[o, idx[j], i] += updates[o, j, i] (repeated indices accumulate in order). */
export function scatterAdd(updates: usize, indices: usize, out: usize, outer: i32, axis: i32, inner: i32, count: i32): void {
  const rowBytes = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const src = updates + <usize>o * <usize>count * rowBytes;
    const dst = out + <usize>o * <usize>axis * rowBytes;
    for (let j = 0; j < count; j++) {
      const k = load<i32>(indices + (<usize>j << 2));
      if (<u32>k >= <u32>axis) continue;
      addInto(dst + <usize>k * rowBytes, src + <usize>j * rowBytes, inner);
    }
  }
}

/** out[o, a, i] = indices[o, i] == a ? 1 : 0. */
export function oneHot(indices: usize, out: usize, outer: i32, axis: i32, inner: i32): void {
  const plane = <usize>axis * <usize>inner;
  memory.fill(out, 0, <usize>outer * plane * 4);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const a = load<i32>(indices + ((<usize>o * <usize>inner + <usize>i) << 2));
      if (<u32>a < <u32>axis) store<f32>(out + ((<usize>o * plane + <usize>a * <usize>inner + <usize>i) << 2), 1.0);
    }
  }
}
