/**
 * Nearest and bilinear resize of NCHW planes (PyTorch's interpolate) and the
 * transpose (backward). Source coordinates and bilinear weights are computed
 * in float64, values are rounded to float32 once.
 */

/** nearest: src = min(floor(dst * (inSize / outSize)), inSize - 1), the scale in float64 as the reference computes it. */
// @ts-ignore: decorator
@inline function nearestSource(dst: i32, inSize: i32, outSize: i32): i32 {
  return min(<i32>Math.floor(<f64>dst * (<f64>inSize / <f64>outSize)), inSize - 1);
}

/** bilinear source coordinate (PyTorch's area_pixel_compute_source_index for linear modes). */
// @ts-ignore: decorator
@inline function linearSource(dst: i32, inSize: i32, outSize: i32, alignCorners: bool): f64 {
  if (alignCorners) {
    return outSize > 1 ? <f64>dst * (<f64>(inSize - 1) / <f64>(outSize - 1)) : 0;
  }
  const s = (<f64>dst + 0.5) * (<f64>inSize / <f64>outSize) - 0.5;
  return s < 0 ? 0 : s;
}

/** out = resize(x); mode 0 nearest, 1 bilinear. */
export function resize2d(x: usize, out: usize, planes: i32, h: i32, w: i32, outH: i32, outW: i32, mode: i32, alignCorners: i32): void {
  const inPlane = <usize>h * <usize>w;
  const outPlane = <usize>outH * <usize>outW;
  for (let plane = 0; plane < planes; plane++) {
    resizePlane(x + ((<usize>plane * inPlane) << 2), out + ((<usize>plane * outPlane) << 2), h, w, outH, outW, mode, alignCorners, false);
  }
}

/** The transpose of resize2d: dx (zeroed first) gets every dy scattered with the forward weights. */
export function resize2dBackward(dy: usize, out: usize, planes: i32, h: i32, w: i32, outH: i32, outW: i32, mode: i32, alignCorners: i32): void {
  const inPlane = <usize>h * <usize>w;
  const outPlane = <usize>outH * <usize>outW;
  memory.fill(out, 0, (<usize>planes * inPlane) << 2);
  for (let plane = 0; plane < planes; plane++) {
    resizePlane(out + ((<usize>plane * inPlane) << 2), dy + ((<usize>plane * outPlane) << 2), h, w, outH, outW, mode, alignCorners, true);
  }
}

/**
 * One plane: the h x w input plane `small` and the outH x outW output plane
 * `big`. Forward (backward false): big = resize(small). Backward (a constant
 * true at the call, so the inlined copy keeps one branch): small += the
 * transpose of resize applied to big, with the forward's weights.
 */
// @ts-ignore: decorator
@inline function resizePlane(small: usize, big: usize, h: i32, w: i32, outH: i32, outW: i32, mode: i32, alignCorners: i32, backward: bool): void {
  for (let oh = 0; oh < outH; oh++) {
    const bigRow = big + ((<usize>oh * <usize>outW) << 2);
    if (mode == 0) {
      const smallRow = small + ((<usize>nearestSource(oh, h, outH) * <usize>w) << 2);
      for (let ow = 0; ow < outW; ow++) {
        const at = smallRow + (<usize>nearestSource(ow, w, outW) << 2);
        if (backward) store<f32>(at, load<f32>(at) + load<f32>(bigRow + (<usize>ow << 2)));
        else store<f32>(bigRow + (<usize>ow << 2), load<f32>(at));
      }
      continue;
    }
    const sh = linearSource(oh, h, outH, alignCorners != 0);
    const h0 = min(<i32>sh, h - 1);
    const h1 = min(h0 + 1, h - 1);
    const lh1 = sh - <f64>h0;
    const lh0 = 1 - lh1;
    const r0 = small + ((<usize>h0 * <usize>w) << 2);
    const r1 = small + ((<usize>h1 * <usize>w) << 2);
    for (let ow = 0; ow < outW; ow++) {
      const sw = linearSource(ow, w, outW, alignCorners != 0);
      const w0 = min(<i32>sw, w - 1);
      const w1 = min(w0 + 1, w - 1);
      const lw1 = sw - <f64>w0;
      const lw0 = 1 - lw1;
      if (backward) {
        const v = <f64>load<f32>(bigRow + (<usize>ow << 2));
        accumulate(r0 + (<usize>w0 << 2), lh0 * lw0 * v);
        accumulate(r0 + (<usize>w1 << 2), lh0 * lw1 * v);
        accumulate(r1 + (<usize>w0 << 2), lh1 * lw0 * v);
        accumulate(r1 + (<usize>w1 << 2), lh1 * lw1 * v);
      } else {
        const top = lw0 * <f64>load<f32>(r0 + (<usize>w0 << 2)) + lw1 * <f64>load<f32>(r0 + (<usize>w1 << 2));
        const bottom = lw0 * <f64>load<f32>(r1 + (<usize>w0 << 2)) + lw1 * <f64>load<f32>(r1 + (<usize>w1 << 2));
        store<f32>(bigRow + (<usize>ow << 2), <f32>(lh0 * top + lh1 * bottom));
      }
    }
  }
}

// @ts-ignore: decorator
@inline function accumulate(at: usize, v: f64): void {
  store<f32>(at, load<f32>(at) + <f32>v);
}
