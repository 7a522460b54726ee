/**
 * Max and average pooling over NCHW planes, with stride, asymmetric padding,
 * dilation and ceil-mode output sizes (already in the params), and their
 * backward passes.
 *
 * The backward passes gather: one thread per input element visits the output
 * windows that contain it (at most kH x kW; those where iy + padTop - kh *
 * dilation is a multiple of the stride), so no atomics are needed and results
 * are deterministic. maxPool2dBackward therefore expects the `indices` that
 * maxPool2d produced with the same parameters (each one inside its window).
 */
import type { Pool2dParams } from '../../../kernels.js';
import type { Storage } from '../../../tensor.js';
import type { GpuContext } from '../device.js';
import { Params } from '../params.js';
import { INFINITY_HELPERS, declarations, elementwiseMain, input, output, read, workgroupsFor, write } from './common.js';
import { forEachWindowCell, forEachWindowContaining, INPUT_COORDS, OUTPUT_COORDS } from './windows.js';

const PARAMS = `
  h: i32,
  w: i32,
  kH: i32,
  kW: i32,
  strideH: i32,
  strideW: i32,
  padTop: i32,
  padLeft: i32,
  padBottom: i32,
  padRight: i32,
  dilationH: i32,
  dilationW: i32,
  outH: i32,
  outW: i32,
  countIncludePad: u32,
  count: u32,`;

function poolParams(p: Pool2dParams, count: number): Params {
  return new Params()
    .i32(p.h).i32(p.w).i32(p.kH).i32(p.kW).i32(p.strideH).i32(p.strideW)
    .i32(p.padTop).i32(p.padLeft).i32(p.padBottom).i32(p.padRight).i32(p.dilationH).i32(p.dilationW)
    .i32(p.outH).i32(p.outW).u32(p.countIncludePad ? 1 : 0).u32(count, 'element count');
}

/** The divisor of window (oy, ox): its cells inside the padded input, or inside the input when padding does not count. */
const AVERAGE_DIVISOR = `
fn windowDivisor(oy: i32, ox: i32) -> f32 {
  var lowY = 0;
  var highY = params.h;
  var lowX = 0;
  var highX = params.w;
  if (params.countIncludePad != 0u) {
    lowY = -params.padTop;
    highY = params.h + params.padBottom;
    lowX = -params.padLeft;
    highX = params.w + params.padRight;
  }
  var rows = 0;
  for (var kh = 0; kh < params.kH; kh++) {
    let y = oy * params.strideH - params.padTop + kh * params.dilationH;
    if (y >= lowY && y < highY) { rows++; }
  }
  var cols = 0;
  for (var kw = 0; kw < params.kW; kw++) {
    let x = ox * params.strideW - params.padLeft + kw * params.dilationW;
    if (x >= lowX && x < highX) { cols++; }
  }
  return f32(max(rows * cols, 1));
}`;

// ---------------------------------------------------------------- max

const MAX_POOL = `${declarations(PARAMS, [read('x'), write('y'), write('indices', 'i32')])}
${INFINITY_HELPERS}
${elementwiseMain('params.count', `${OUTPUT_COORDS}
  var best = negativeInfinity();
  var bestIndex = -1;${forEachWindowCell(`
      let at = (plane * params.h + iy) * params.w + ix;
      let v = x[at];
      // Padding never wins: the first real cell starts the search; later ones must be strictly larger (or NaN).
      if (bestIndex < 0 || v > best || v != v) {
        best = v;
        bestIndex = at;
      }`)}
  y[i] = best;
  indices[i] = bestIndex;`)}`;

export function runMaxPool2d(ctx: GpuContext, x: Storage, out: Storage, indices: Storage, p: Pool2dParams): void {
  const count = p.n * p.c * p.outH * p.outW;
  ctx.dispatch(
    { key: 'max-pool2d', source: () => MAX_POOL },
    { params: poolParams(p, count), bindings: [input(x), output(out), output(indices)], workgroups: workgroupsFor(count) },
  );
}

/**
 * Overlapping windows can route several gradients to one input. They are summed
 * as a float-float pair (TwoSum), so the result is the correctly rounded exact
 * sum, as the reference's float64 accumulation gives.
 */
const COMPENSATED_SUM = `
fn addExact(acc: vec2<f32>, v: f32) -> vec2<f32> {
  let s = acc.x + v;
  let vPart = s - acc.x;
  let err = (acc.x - (s - vPart)) + (v - vPart);
  let low = acc.y + err;
  let high = s + low;
  return vec2<f32>(high, low - (high - s));
}`;

const MAX_POOL_BACKWARD = `${declarations(PARAMS, [read('dy'), read('indices', 'i32'), write('dx')])}
${COMPENSATED_SUM}
${elementwiseMain('params.count', `${INPUT_COORDS}
  var acc = vec2<f32>(0.0, 0.0);${forEachWindowContaining(`
      if (indices[j] == t) { acc = addExact(acc, dy[j]); }`)}
  dx[i] = acc.x;`)}`;

export function runMaxPool2dBackward(ctx: GpuContext, dy: Storage, indices: Storage, out: Storage, p: Pool2dParams): void {
  const count = p.n * p.c * p.h * p.w;
  ctx.dispatch(
    { key: 'max-pool2d-backward', source: () => MAX_POOL_BACKWARD },
    { params: poolParams(p, count), bindings: [input(dy), input(indices), output(out)], workgroups: workgroupsFor(count) },
  );
}

// ---------------------------------------------------------------- average

const AVG_POOL = `${declarations(PARAMS, [read('x'), write('y')])}
${AVERAGE_DIVISOR}
${elementwiseMain('params.count', `${OUTPUT_COORDS}
  var sum = 0.0;${forEachWindowCell(`
      sum += x[(plane * params.h + iy) * params.w + ix];`)}
  y[i] = sum / windowDivisor(oy, ox);`)}`;

export function runAvgPool2d(ctx: GpuContext, x: Storage, out: Storage, p: Pool2dParams): void {
  const count = p.n * p.c * p.outH * p.outW;
  ctx.dispatch(
    { key: 'avg-pool2d', source: () => AVG_POOL },
    { params: poolParams(p, count), bindings: [input(x), output(out)], workgroups: workgroupsFor(count) },
  );
}

const AVG_POOL_BACKWARD = `${declarations(PARAMS, [read('dy'), write('dx')])}
${AVERAGE_DIVISOR}
${elementwiseMain('params.count', `${INPUT_COORDS}
  var acc = 0.0;${forEachWindowContaining(`
      acc += dy[j] / windowDivisor(oy, ox);`)}
  dx[i] = acc;`)}`;

export function runAvgPool2dBackward(ctx: GpuContext, dy: Storage, out: Storage, p: Pool2dParams): void {
  const count = p.n * p.c * p.h * p.w;
  ctx.dispatch(
    { key: 'avg-pool2d-backward', source: () => AVG_POOL_BACKWARD },
    { params: poolParams(p, count), bindings: [input(dy), output(out)], workgroups: workgroupsFor(count) },
  );
}
