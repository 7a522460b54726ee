/**
 * 2-D max and average pooling (NCHW) and their backward passes. Window
 * positions: oh * stride - padTop + kh * dilation (likewise for w); the output
 * size (ceil mode included) comes from the front end, so windows may run past
 * the padded input and are clipped here.
 */

/** Parameter block written by the JS side (i32 words, in this order). */
@unmanaged
export class PoolParams {
  n: i32;
  c: i32;
  h: i32;
  w: i32;
  kH: i32;
  kW: i32;
  strideH: i32;
  strideW: i32;
  padTop: i32;
  padLeft: i32;
  padBottom: i32;
  padRight: i32;
  dilationH: i32;
  dilationW: i32;
  outH: i32;
  outW: i32;
  countIncludePad: i32;
}

/**
 * Max over each window; indices[j] = flat index into x of the maximum (first
 * on ties; a NaN wins, the last one if several, as in PyTorch). A window with no input element (possible
 * only with dilation) gives -inf and index -1, which the backward skips.
 */
export function maxPool2d(params: usize, x: usize, out: usize, indices: usize): void {
  const p = changetype<PoolParams>(params);
  const planes = p.n * p.c;
  const inHW = p.h * p.w;
  let j: usize = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * inHW;
    for (let oh = 0; oh < p.outH; oh++) {
      const h0 = oh * p.strideH - p.padTop;
      for (let ow = 0; ow < p.outW; ow++) {
        const w0 = ow * p.strideW - p.padLeft;
        let best: f32 = -Infinity;
        let bestIndex = -1;
        for (let kh = 0; kh < p.kH; kh++) {
          const ih = h0 + kh * p.dilationH;
          if (ih < 0 || ih >= p.h) continue;
          const rowIndex = base + ih * p.w;
          for (let kw = 0; kw < p.kW; kw++) {
            const iw = w0 + kw * p.dilationW;
            if (iw < 0 || iw >= p.w) continue;
            const v = load<f32>(x + (<usize>(rowIndex + iw) << 2));
            if (bestIndex < 0 || v > best || v != v) {
              best = v;
              bestIndex = rowIndex + iw;
            }
          }
        }
        store<f32>(out + (j << 2), best);
        store<i32>(indices + (j << 2), bestIndex);
        j++;
      }
    }
  }
}

/**
 * dx[indices[j]] += dy[j]; out (n*c*h*w floats) is overwritten. Overlapping
 * windows send several terms to one element: they are summed in float64 in
 * `scratch` (8 bytes per input element) and rounded once, so the result does
 * not depend on the order of the terms.
 */
export function maxPool2dBackward(params: usize, dy: usize, indices: usize, out: usize, scratch: usize): void {
  const p = changetype<PoolParams>(params);
  const total = p.n * p.c * p.h * p.w;
  const count = p.n * p.c * p.outH * p.outW;
  memory.fill(scratch, 0, <usize>total << 3);
  for (let j = 0; j < count; j++) {
    const k = load<i32>(indices + (<usize>j << 2));
    if (<u32>k >= <u32>total) continue;
    const at = scratch + (<usize>k << 3);
    store<f64>(at, load<f64>(at) + <f64>load<f32>(dy + (<usize>j << 2)));
  }
  for (let i = 0; i < total; i++) store<f32>(out + (<usize>i << 2), <f32>load<f64>(scratch + (<usize>i << 3)));
}

/**
 * Divisor of one window: positions inside the padded input (countIncludePad)
 * or inside the input itself; for dilation 1 this is PyTorch's window area.
 */
// @ts-ignore: decorator
@inline function windowCount(p: PoolParams, h0: i32, w0: i32): i32 {
  const lowH = p.countIncludePad ? -p.padTop : 0;
  const highH = p.countIncludePad ? p.h + p.padBottom : p.h;
  const lowW = p.countIncludePad ? -p.padLeft : 0;
  const highW = p.countIncludePad ? p.w + p.padRight : p.w;
  let rows = 0;
  for (let kh = 0; kh < p.kH; kh++) {
    const ih = h0 + kh * p.dilationH;
    if (ih >= lowH && ih < highH) rows++;
  }
  let cols = 0;
  for (let kw = 0; kw < p.kW; kw++) {
    const iw = w0 + kw * p.dilationW;
    if (iw >= lowW && iw < highW) cols++;
  }
  return rows * cols;
}

/**
 * The input cells of the window at (h0, w0) of the plane at base, row by row:
 * their sum (scatter false), or `share` added to each (scatter true; a
 * constant at each call, so the inlined copy keeps one branch).
 */
// @ts-ignore: decorator
@inline function windowCells(p: PoolParams, base: usize, h0: i32, w0: i32, scatter: bool, share: f32): f32 {
  let sum: f32 = 0;
  for (let kh = 0; kh < p.kH; kh++) {
    const ih = h0 + kh * p.dilationH;
    if (ih < 0 || ih >= p.h) continue;
    const row = base + (<usize>(ih * p.w) << 2);
    for (let kw = 0; kw < p.kW; kw++) {
      const iw = w0 + kw * p.dilationW;
      if (iw < 0 || iw >= p.w) continue;
      const at = row + (<usize>iw << 2);
      if (scatter) store<f32>(at, load<f32>(at) + share);
      else sum += load<f32>(at);
    }
  }
  return sum;
}

/** Mean over each window (sum of the input elements / windowCount; 0 for an empty window). */
export function avgPool2d(params: usize, x: usize, out: usize): void {
  const p = changetype<PoolParams>(params);
  const planes = p.n * p.c;
  const inHW = p.h * p.w;
  let j: usize = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = x + (<usize>(plane * inHW) << 2);
    for (let oh = 0; oh < p.outH; oh++) {
      const h0 = oh * p.strideH - p.padTop;
      for (let ow = 0; ow < p.outW; ow++) {
        const w0 = ow * p.strideW - p.padLeft;
        const sum = windowCells(p, base, h0, w0, false, 0);
        const count = windowCount(p, h0, w0);
        store<f32>(out + (j << 2), count > 0 ? sum / <f32>count : <f32>0);
        j++;
      }
    }
  }
}

/** dx[window] += dy / windowCount; out is zeroed first. */
export function avgPool2dBackward(params: usize, dy: usize, out: usize): void {
  const p = changetype<PoolParams>(params);
  const planes = p.n * p.c;
  const inHW = p.h * p.w;
  memory.fill(out, 0, <usize>(planes * inHW) << 2);
  let j: usize = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = out + (<usize>(plane * inHW) << 2);
    for (let oh = 0; oh < p.outH; oh++) {
      const h0 = oh * p.strideH - p.padTop;
      for (let ow = 0; ow < p.outW; ow++) {
        const w0 = ow * p.strideW - p.padLeft;
        const count = windowCount(p, h0, w0);
        const g = load<f32>(dy + (j << 2));
        j++;
        if (count == 0) continue;
        windowCells(p, base, h0, w0, true, g / <f32>count);
      }
    }
  }
}
