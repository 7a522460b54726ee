/**
 * conv2d (NCHW, groups, stride, dilation, asymmetric padding) and its input
 * and weight gradients, as im2col + the packed GEMM of gemm.ts.
 *
 * The column matrix of one (image, group) has K = (C/groups) * kH * kW rows
 * and outH * outW columns (im2col.ts). The forward pass never materialises
 * it: the GEMM packs its panels straight from the image. The backward passes
 * build it in column chunks that fit the per-thread work area, so memory
 * stays bounded for large images. A 1x1 convolution with stride 1 and no
 * padding needs neither: the image itself is the column matrix.
 * A stride-1 input gradient is itself a convolution (of dy with the flipped,
 * transposed weights); the JS side runs it as one when that GEMM is the
 * better shaped (see flipWeights and WasmImpl.conv2dBackwardInput).
 *
 * Each kernel is written for a slice of the work (a range of (image, group)
 * items and of columns, channels or weight columns); the exported entry
 * points run everything (SPLIT_NONE) or let every thread claim slices from a
 * shared counter (schedule.ts). Slices never write the same output element,
 * and a slice computes each element exactly as the whole call would.
 */
import { ConvParams } from './conv-params';
import { gemmSingle, gemmWorkFloats } from './gemm';
import { col2im, im2col } from './im2col';
import { nextChunk, SPLIT_FIRST, SPLIT_NONE } from './schedule';

/** Floats of column buffer per thread (4 MiB); larger K falls back to 8-column chunks. */
const COLUMN_BUDGET: i32 = 1 << 20;

/** Columns per chunk for K rows. */
function columnChunk(k: i32): i32 {
  return max(8, COLUMN_BUDGET / max(k, 1));
}

/** Floats of work area one thread needs for a convolution whose column matrix has k rows. */
export function convWorkFloats(k: i32): i32 {
  return gemmWorkFloats() + columnChunk(k) * max(k, 1);
}

// @ts-ignore: decorator
@inline function isDirect(p: ConvParams): bool {
  return p.kH == 1 && p.kW == 1 && p.strideH == 1 && p.strideW == 1 && p.padTop == 0 && p.padLeft == 0 && p.padBottom == 0 && p.padRight == 0;
}

/**
 * out = conv2d(x, w) + bias for items (image * groups + group) in chunks
 * (SPLIT_FIRST) or output columns of outH * outW in chunks (SPLIT_SECOND).
 * bias may be 0 (none).
 */
export function conv2dForward(params: usize, x: usize, w: usize, bias: usize, out: usize, split: i32, chunk: i32, counter: usize, work: usize): void {
  const p = changetype<ConvParams>(params);
  const items = p.n * p.groups;
  const outHW = p.outH * p.outW;
  if (split == SPLIT_NONE) {
    forwardSlice(params, x, w, bias, out, 0, items, 0, outHW, work);
    return;
  }
  const total = split == SPLIT_FIRST ? items : outHW;
  for (let s = nextChunk(counter, chunk, total); s >= 0; s = nextChunk(counter, chunk, total)) {
    const e = min(total, s + chunk);
    if (split == SPLIT_FIRST) forwardSlice(params, x, w, bias, out, s, e, 0, outHW, work);
    else forwardSlice(params, x, w, bias, out, 0, items, s, e, work);
  }
}

function forwardSlice(
  params: usize, x: usize, w: usize, bias: usize, out: usize,
  itemStart: i32, itemEnd: i32, colStart: i32, colEnd: i32, work: usize,
): void {
  const p = changetype<ConvParams>(params);
  const cPerGroup = p.cIn / p.groups;
  const oPerGroup = p.cOut / p.groups;
  const k = cPerGroup * p.kH * p.kW;
  const inHW = p.h * p.w;
  const outHW = p.outH * p.outW;
  const direct = isDirect(p);
  const cols = colEnd - colStart;
  for (let item = itemStart; item < itemEnd; item++) {
    const n = item / p.groups;
    const g = item - n * p.groups;
    const img = x + (<usize>(n * p.cIn + g * cPerGroup) * <usize>inHW << 2);
    const wg = w + (<usize>(g * oPerGroup) * <usize>k << 2);
    const dst = out + (<usize>(n * p.cOut + g * oPerGroup) * <usize>outHW << 2) + (<usize>colStart << 2);
    let beta: f32 = 0;
    if (bias != 0) {
      // start from the bias, then accumulate the product onto it
      for (let o = 0; o < oPerGroup; o++) {
        const b = load<f32>(bias + (<usize>(g * oPerGroup + o) << 2));
        fillRow(dst + <usize>o * <usize>outHW * 4, cols, b);
      }
      beta = 1;
    }
    if (direct) {
      gemmSingle(wg, img + (<usize>colStart << 2), dst, oPerGroup, cols, k, <usize>k, <usize>inHW, <usize>outHW, false, false, 1, beta, work);
    } else {
      // the GEMM packs the column matrix straight from the image (no im2col buffer)
      gemmSingle(wg, img, dst, oPerGroup, cols, k, <usize>k, 0, <usize>outHW, false, false, 1, beta, work, params, colStart);
    }
  }
}

function fillRow(dst: usize, count: i32, value: f32): void {
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= count; i += 4) v128.store(dst + (<usize>i << 2), v);
  for (; i < count; i++) store<f32>(dst + (<usize>i << 2), value);
}

/**
 * dx (overwritten) for items in chunks (SPLIT_FIRST) or input channels of
 * each group in chunks (SPLIT_SECOND).
 */
export function conv2dBackwardInput(params: usize, dy: usize, w: usize, out: usize, split: i32, chunk: i32, counter: usize, work: usize): void {
  const p = changetype<ConvParams>(params);
  const items = p.n * p.groups;
  const cPerGroup = p.cIn / p.groups;
  if (split == SPLIT_NONE) {
    backwardInputSlice(params, dy, w, out, 0, items, 0, cPerGroup, work);
    return;
  }
  const total = split == SPLIT_FIRST ? items : cPerGroup;
  for (let s = nextChunk(counter, chunk, total); s >= 0; s = nextChunk(counter, chunk, total)) {
    const e = min(total, s + chunk);
    if (split == SPLIT_FIRST) backwardInputSlice(params, dy, w, out, s, e, 0, cPerGroup, work);
    else backwardInputSlice(params, dy, w, out, 0, items, s, e, work);
  }
}

/**
 * dx for items [itemStart, itemEnd) and input channels [chanStart, chanEnd)
 * of each group (relative to the group). The slice of dx is zeroed first.
 * dcol = W_g^T dy, then col2im adds it into dx.
 */
function backwardInputSlice(
  params: usize, dy: usize, w: usize, out: usize,
  itemStart: i32, itemEnd: i32, chanStart: i32, chanEnd: i32, work: usize,
): void {
  const p = changetype<ConvParams>(params);
  const cPerGroup = p.cIn / p.groups;
  const oPerGroup = p.cOut / p.groups;
  const kHW = p.kH * p.kW;
  const k = cPerGroup * kHW;
  const inHW = p.h * p.w;
  const outHW = p.outH * p.outW;
  const rowStart = chanStart * kHW;
  const rowEnd = chanEnd * kHW;
  const rows = rowEnd - rowStart;
  const direct = isDirect(p);
  const chunk = columnChunk(rows);
  const colBuf = work + (<usize>gemmWorkFloats() << 2);
  for (let item = itemStart; item < itemEnd; item++) {
    const n = item / p.groups;
    const g = item - n * p.groups;
    const dxImg = out + (<usize>(n * p.cIn + g * cPerGroup) * <usize>inHW << 2);
    const dyImg = dy + (<usize>(n * p.cOut + g * oPerGroup) * <usize>outHW << 2);
    // op(A) = W_g^T restricted to rows [rowStart, rowEnd): W_g is oPerGroup x k, read transposed
    const wt = w + (<usize>(g * oPerGroup) * <usize>k << 2) + (<usize>rowStart << 2);
    if (direct) {
      gemmSingle(wt, dyImg, dxImg + (<usize>chanStart * <usize>inHW << 2), rows, outHW, oPerGroup, <usize>k, <usize>outHW, <usize>inHW, true, false, 1, 0, work);
      continue;
    }
    memory.fill(dxImg + (<usize>chanStart * <usize>inHW << 2), 0, <usize>(chanEnd - chanStart) * <usize>inHW << 2);
    for (let c0 = 0; c0 < outHW; c0 += chunk) {
      const cols = min(chunk, outHW - c0);
      gemmSingle(wt, dyImg + (<usize>c0 << 2), colBuf, rows, cols, oPerGroup, <usize>k, <usize>outHW, <usize>cols, true, false, 1, 0, work);
      col2im(p, dxImg, rowStart, rowEnd, c0, cols, colBuf);
    }
  }
}

/**
 * dw (overwritten) for groups in chunks (SPLIT_FIRST) or weight columns (rows
 * of the column matrix, K = C/groups * kH * kW) in chunks (SPLIT_SECOND).
 */
export function conv2dBackwardWeight(params: usize, x: usize, dy: usize, out: usize, split: i32, chunk: i32, counter: usize, work: usize): void {
  const p = changetype<ConvParams>(params);
  const k = (p.cIn / p.groups) * p.kH * p.kW;
  if (split == SPLIT_NONE) {
    backwardWeightSlice(params, x, dy, out, 0, p.groups, 0, k, work);
    return;
  }
  const total = split == SPLIT_FIRST ? p.groups : k;
  for (let s = nextChunk(counter, chunk, total); s >= 0; s = nextChunk(counter, chunk, total)) {
    const e = min(total, s + chunk);
    if (split == SPLIT_FIRST) backwardWeightSlice(params, x, dy, out, s, e, 0, k, work);
    else backwardWeightSlice(params, x, dy, out, 0, p.groups, s, e, work);
  }
}

/**
 * dw for groups [groupStart, groupEnd) and weight columns [rowStart, rowEnd)
 * of K (the column matrix rows), summed over every image:
 * dW_g[:, rows] = sum_n dy[n, g] col[n, g][rows]^T. Overwrites that slice of out.
 */
function backwardWeightSlice(
  params: usize, x: usize, dy: usize, out: usize,
  groupStart: i32, groupEnd: i32, rowStart: i32, rowEnd: i32, work: usize,
): void {
  const p = changetype<ConvParams>(params);
  const cPerGroup = p.cIn / p.groups;
  const oPerGroup = p.cOut / p.groups;
  const k = cPerGroup * p.kH * p.kW;
  const inHW = p.h * p.w;
  const outHW = p.outH * p.outW;
  const rows = rowEnd - rowStart;
  const direct = isDirect(p);
  const chunk = columnChunk(rows);
  const colBuf = work + (<usize>gemmWorkFloats() << 2);
  for (let g = groupStart; g < groupEnd; g++) {
    const dw = out + (<usize>(g * oPerGroup) * <usize>k << 2) + (<usize>rowStart << 2);
    let beta: f32 = 0;
    for (let n = 0; n < p.n; n++) {
      const img = x + (<usize>(n * p.cIn + g * cPerGroup) * <usize>inHW << 2);
      const dyImg = dy + (<usize>(n * p.cOut + g * oPerGroup) * <usize>outHW << 2);
      for (let c0 = 0; c0 < outHW; c0 += chunk) {
        const cols = min(chunk, outHW - c0);
        if (direct) {
          // the image rows are the column matrix rows (one per channel)
          gemmSingle(dyImg + (<usize>c0 << 2), img + (<usize>rowStart * <usize>inHW << 2) + (<usize>c0 << 2), dw, oPerGroup, rows, cols, <usize>outHW, <usize>inHW, <usize>k, false, true, 1, beta, work);
        } else {
          im2col(p, img, rowStart, rowEnd, c0, cols, colBuf);
          gemmSingle(dyImg + (<usize>c0 << 2), colBuf, dw, oPerGroup, rows, cols, <usize>outHW, <usize>cols, <usize>k, false, true, 1, beta, work);
        }
        beta = 1;
      }
    }
    if (beta == 0) {
      // no image (or no output pixel) contributed: the gradient is zero
      for (let o = 0; o < oPerGroup; o++) memory.fill(dw + <usize>o * <usize>k * 4, 0, <usize>rows << 2);
    }
  }
}

/**
 * The weights of the convolution whose forward pass is the input gradient of
 * a stride-1 convolution: out[g*cPG + c][o][kh][kw] = w[g*oPG + o][c][kH-1-kh][kW-1-kw]
 * (shape [cIn][cOut/groups][kH][kW]: input and output channels swapped within
 * each group, kernel rotated by 180 degrees).
 */
export function flipWeights(w: usize, out: usize, cOut: i32, cPerGroup: i32, kH: i32, kW: i32, groups: i32): void {
  const oPerGroup = cOut / groups;
  const taps = kH * kW;
  for (let g = 0; g < groups; g++) {
    for (let o = 0; o < oPerGroup; o++) {
      for (let c = 0; c < cPerGroup; c++) {
        const src = w + (<usize>(((g * oPerGroup + o) * cPerGroup + c) * taps) << 2);
        const dst = out + (<usize>(((g * cPerGroup + c) * oPerGroup + o) * taps) << 2);
        for (let t = 0; t < taps; t++) store<f32>(dst + (<usize>(taps - 1 - t) << 2), load<f32>(src + (<usize>t << 2)));
      }
    }
  }
}
