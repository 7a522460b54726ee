/**
 * Nearest and bilinear resize of NCHW planes (PyTorch's `interpolate`
 * semantics) and the transposed operation for gradients.
 *
 * nearest: src = min(floor(dst * in / out), in - 1), in integer arithmetic.
 * bilinear: src = scale * dst (alignCorners, scale = (in - 1) / (out - 1), 0
 * when out == 1) or max(scale * (dst + 0.5) - 0.5, 0) (scale = in / out);
 * neighbours floor(src) and floor(src) + 1 (clamped to the edge).
 *
 * The backward gathers (one thread per input pixel, no atomics, deterministic):
 * it visits the output rows and columns whose source coordinate lies within
 * one pixel of it (a range found by inverting the scale, with a margin), and
 * recomputes each one's neighbours and weights with the forward's own code.
 */
import type { Resize2dParams } from '../../../kernels.js';
import type { Storage } from '../../../tensor.js';
import type { GpuContext } from '../device.js';
import { Params } from '../params.js';
import { declarations, elementwiseMain, input, output, read, workgroupsFor, write } from './common.js';
import { INPUT_COORDS, OUTPUT_COORDS } from './windows.js';

const PARAMS = `
  h: i32,
  w: i32,
  outH: i32,
  outW: i32,
  scaleH: f32,
  scaleW: f32,
  alignCorners: u32,
  count: u32,`;

function bilinearScale(inSize: number, outSize: number, alignCorners: boolean): number {
  if (alignCorners) return outSize > 1 ? (inSize - 1) / (outSize - 1) : 0;
  return inSize / outSize;
}

function resizeParams(p: Resize2dParams, count: number): Params {
  return new Params()
    .i32(p.h).i32(p.w).i32(p.outH).i32(p.outW)
    .f32(bilinearScale(p.h, p.outH, p.alignCorners)).f32(bilinearScale(p.w, p.outW, p.alignCorners))
    .u32(p.alignCorners ? 1 : 0).u32(count, 'element count');
}

const BILINEAR_HELPERS = `
struct Taps {
  low: i32,
  high: i32,
  // weight of 'high'; 'low' gets 1 - t
  t: f32,
}

fn taps(dst: i32, scale: f32, inSize: i32) -> Taps {
  var src: f32;
  if (params.alignCorners != 0u) {
    src = scale * f32(dst);
  } else {
    src = max(scale * (f32(dst) + 0.5) - 0.5, 0.0);
  }
  let low = min(i32(floor(src)), inSize - 1);
  return Taps(low, min(low + 1, inSize - 1), src - f32(low));
}

// Output positions whose taps may include input index i (inclusive range, with a margin; callers check the taps).
fn outputsTouching(i: i32, scale: f32, inSize: i32, outSize: i32) -> vec2<i32> {
  if (scale <= 0.0) { return vec2<i32>(0, outSize - 1); }
  var low: f32;
  var high: f32;
  if (params.alignCorners != 0u) {
    low = f32(i - 1) / scale;
    high = f32(i + 1) / scale;
  } else {
    low = (f32(i - 1) + 0.5) / scale - 0.5;
    high = (f32(i + 1) + 0.5) / scale - 0.5;
  }
  var last = i32(ceil(high)) + 1;
  if (i == inSize - 1) { last = outSize - 1; }
  return vec2<i32>(max(i32(floor(low)) - 1, 0), min(last, outSize - 1));
}`;

const NEAREST = `${declarations(PARAMS, [read('x'), write('y')])}
${elementwiseMain('params.count', `${OUTPUT_COORDS}
  let sy = min(oy * params.h / params.outH, params.h - 1);
  let sx = min(ox * params.w / params.outW, params.w - 1);
  y[i] = x[(plane * params.h + sy) * params.w + sx];`)}`;

const NEAREST_BACKWARD = `${declarations(PARAMS, [read('dy'), write('dx')])}
${elementwiseMain('params.count', `${INPUT_COORDS}
  // floor(d * in / out) == s exactly for d in [ceil(s * out / in), ceil((s + 1) * out / in))
  let y0 = (iy * params.outH + params.h - 1) / params.h;
  let y1 = ((iy + 1) * params.outH + params.h - 1) / params.h;
  let x0 = (ix * params.outW + params.w - 1) / params.w;
  let x1 = ((ix + 1) * params.outW + params.w - 1) / params.w;
  var acc = 0.0;
  for (var oy = y0; oy < y1; oy++) {
    for (var ox = x0; ox < x1; ox++) {
      acc += dy[(plane * params.outH + oy) * params.outW + ox];
    }
  }
  dx[i] = acc;`)}`;

const BILINEAR = `${declarations(PARAMS, [read('x'), write('y')])}
${BILINEAR_HELPERS}
${elementwiseMain('params.count', `${OUTPUT_COORDS}
  let ty = taps(oy, params.scaleH, params.h);
  let tx = taps(ox, params.scaleW, params.w);
  let top = (plane * params.h + ty.low) * params.w;
  let bottom = (plane * params.h + ty.high) * params.w;
  let upper = (1.0 - tx.t) * x[top + tx.low] + tx.t * x[top + tx.high];
  let lower = (1.0 - tx.t) * x[bottom + tx.low] + tx.t * x[bottom + tx.high];
  y[i] = (1.0 - ty.t) * upper + ty.t * lower;`)}`;

const BILINEAR_BACKWARD = `${declarations(PARAMS, [read('dy'), write('dx')])}
${BILINEAR_HELPERS}
${elementwiseMain('params.count', `${INPUT_COORDS}
  let rows = outputsTouching(iy, params.scaleH, params.h, params.outH);
  let cols = outputsTouching(ix, params.scaleW, params.w, params.outW);
  var acc = 0.0;
  for (var oy = rows.x; oy <= rows.y; oy++) {
    let ty = taps(oy, params.scaleH, params.h);
    let wy = select(0.0, 1.0 - ty.t, ty.low == iy) + select(0.0, ty.t, ty.high == iy);
    if (wy == 0.0) { continue; }
    var rowSum = 0.0;
    for (var ox = cols.x; ox <= cols.y; ox++) {
      let tx = taps(ox, params.scaleW, params.w);
      let wx = select(0.0, 1.0 - tx.t, tx.low == ix) + select(0.0, tx.t, tx.high == ix);
      rowSum += wx * dy[(plane * params.outH + oy) * params.outW + ox];
    }
    acc += wy * rowSum;
  }
  dx[i] = acc;`)}`;

export function runResize2d(ctx: GpuContext, x: Storage, out: Storage, p: Resize2dParams): void {
  const count = p.n * p.c * p.outH * p.outW;
  const bilinear = p.mode === 'bilinear';
  ctx.dispatch(
    { key: `resize2d:${p.mode}`, source: () => (bilinear ? BILINEAR : NEAREST) },
    { params: resizeParams(p, count), bindings: [input(x), output(out)], workgroups: workgroupsFor(count) },
  );
}

export function runResize2dBackward(ctx: GpuContext, dy: Storage, out: Storage, p: Resize2dParams): void {
  const count = p.n * p.c * p.h * p.w;
  const bilinear = p.mode === 'bilinear';
  ctx.dispatch(
    { key: `resize2d-backward:${p.mode}`, source: () => (bilinear ? BILINEAR_BACKWARD : NEAREST_BACKWARD) },
    { params: resizeParams(p, count), bindings: [input(dy), output(out)], workgroups: workgroupsFor(count) },
  );
}
