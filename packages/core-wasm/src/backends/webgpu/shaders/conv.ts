/**
 * 2-D convolution (NCHW, weights [cOut, cIn / groups, kH, kW]) with stride,
 * asymmetric padding, dilation and groups, and its two gradients. All of them
 * gather (no atomics), so results are deterministic.
 *
 * - forward: an implicit GEMM per group (tiled-matmul.ts), with
 *   y[co, (n, oy, ox)] = sum over (ci, kh, kw) of w[co, (ci, kh, kw)] x[(ci, kh, kw), (n, oy, ox)],
 *   where the patch matrix of x is gathered on the fly. With fewer than 16
 *   output channels per group, or tiny outputs, one thread per output instead.
 * - input gradient: also an implicit GEMM per group,
 *   dx[ci, (n, iy, ix)] = sum over (co, kh, kw) of w[co, ci, kh, kw] dy[co, n, oy, ox],
 *   where (oy, ox) is the output position whose window puts tap (kh, kw) on
 *   (iy, ix) (iy + padTop - kh * dilation must be a multiple of the stride;
 *   other terms load zero). Small cases use one thread per dx element.
 * - weight gradient: each dw[co, ci, kh, kw] sums n * outH * outW terms, either
 *   with one thread, or for long sums with a workgroup that splits the sum and
 *   combines in shared memory (workgroup-reduce.ts).
 */
import type { Conv2dParams } from '../../../kernels.js';
import type { Storage } from '../../../tensor.js';
import type { BufferBinding, GpuContext } from '../device.js';
import { Params } from '../params.js';
import {
  ENTRY_ARGS, WORKGROUP_LINEAR_ID, WORKGROUP_SIZE, declarations, elementwiseMain, input, output, read, workgroupsFor, write,
  type BufferDecl,
} from './common.js';
import { forEachWindowContaining, OUTPUT_COORDS } from './windows.js';
import { TILED_MATMUL_FIELDS, TILED_MIN_SIDE, tileGrid, tiledMatmulSource } from './tiled-matmul.js';
import { WORKGROUP_REDUCE_WGSL } from './workgroup-reduce.js';

/** Convolution geometry (i32: window arithmetic goes negative), then the implicit GEMM's shape. */
const PARAMS = `
  images: i32,
  cIn: i32,
  h: i32,
  w: i32,
  cOut: i32,
  kH: i32,
  kW: i32,
  strideH: i32,
  strideW: i32,
  padTop: i32,
  padLeft: i32,
  dilationH: i32,
  dilationW: i32,
  outH: i32,
  outW: i32,
  cInPerGroup: i32,
  cOutPerGroup: i32,
  count: u32,${TILED_MATMUL_FIELDS}`;

/** The implicit GEMM's m, n, k per group; zeros for the direct kernels. */
interface MatmulShape {
  m: number;
  n: number;
  k: number;
}

function convParams(p: Conv2dParams, count: number, matmul: MatmulShape = { m: 0, n: 0, k: 0 }): Params {
  const grid = tileGrid(matmul.m, matmul.n, p.groups);
  return new Params()
    .i32(p.n).i32(p.cIn).i32(p.h).i32(p.w).i32(p.cOut).i32(p.kH).i32(p.kW)
    .i32(p.strideH).i32(p.strideW).i32(p.padTop).i32(p.padLeft).i32(p.dilationH).i32(p.dilationW)
    .i32(p.outH).i32(p.outW).i32(p.cIn / p.groups).i32(p.cOut / p.groups)
    .u32(count, 'element count')
    .u32(matmul.m).u32(matmul.n).u32(matmul.k).u32(p.groups).u32(grid.tilesN).u32(grid.tilesPerBatch);
}

/** Dispatch a convolution kernel as an implicit GEMM (when both sides reach a tile) or directly. */
function dispatchConv(
  ctx: GpuContext, key: string, p: Conv2dParams, bindings: BufferBinding[], count: number, matmul: MatmulShape,
  tiled: () => string, direct: () => string,
): void {
  if (matmul.m >= TILED_MIN_SIDE && matmul.n >= TILED_MIN_SIDE) {
    const workgroups = tileGrid(matmul.m, matmul.n, p.groups).workgroups;
    ctx.dispatch({ key: `${key}:tiled`, source: tiled }, { params: convParams(p, count, matmul), bindings, workgroups });
  } else {
    ctx.dispatch({ key: `${key}:direct`, source: direct }, { params: convParams(p, count), bindings, workgroups: workgroupsFor(count) });
  }
}

// ---------------------------------------------------------------- forward

function forwardBuffers(hasBias: boolean): BufferDecl[] {
  return [read('x'), read('weight'), ...(hasBias ? [read('bias')] : []), write('y')];
}

function forwardDirect(hasBias: boolean): string {
  return `${declarations(PARAMS, forwardBuffers(hasBias))}
${elementwiseMain('params.count', `${OUTPUT_COORDS}
  let co = plane % params.cOut;
  let image = plane / params.cOut;
  let group = co / params.cOutPerGroup;
  var acc = ${hasBias ? 'bias[co]' : '0.0'};
  for (var ci = 0; ci < params.cInPerGroup; ci++) {
    let xPlane = (image * params.cIn + group * params.cInPerGroup + ci) * params.h;
    let wPlane = (co * params.cInPerGroup + ci) * params.kH;
    for (var kh = 0; kh < params.kH; kh++) {
      let iy = oy * params.strideH - params.padTop + kh * params.dilationH;
      if (iy < 0 || iy >= params.h) { continue; }
      let xRow = (xPlane + iy) * params.w;
      let wRow = (wPlane + kh) * params.kW;
      for (var kw = 0; kw < params.kW; kw++) {
        let ix = ox * params.strideW - params.padLeft + kw * params.dilationW;
        if (ix < 0 || ix >= params.w) { continue; }
        acc += x[xRow + ix] * weight[wRow + kw];
      }
    }
  }
  y[i] = acc;`)}`;
}

/**
 * WGSL for the implicit GEMMs' loads and stores: a k index as a window tap
 * (channel, kh, kw) and a column as a pixel (image, row, column) of a
 * [images, height, width] grid.
 */
const TILED_COORDS = `
fn tapOf(kk: u32) -> vec3<i32> {
  let tap = i32(kk);
  return vec3<i32>(tap / (params.kH * params.kW), (tap / params.kW) % params.kH, tap % params.kW);
}

fn pixelOf(col: u32, height: i32, width: i32) -> vec3<i32> {
  let at = i32(col);
  return vec3<i32>(at / (width * height), (at / width) % height, at % width);
}`;

/** Rows: output channels of the group; columns: (image, oy, ox); k: (ci, kh, kw), the weight's own layout. */
function forwardTiled(hasBias: boolean): string {
  return tiledMatmulSource({
    paramsStruct: PARAMS,
    buffers: forwardBuffers(hasBias),
    aAlongK: 'true',
    bAlongK: 'false',
    functions: `
fn loadA(group: u32, row: u32, kk: u32) -> f32 {
  return weight[(group * params.m + row) * params.k + kk];
}

fn loadB(group: u32, kk: u32, col: u32) -> f32 {
  let tap = tapOf(kk);
  let out = pixelOf(col, params.outH, params.outW);
  let iy = out.y * params.strideH - params.padTop + tap.y * params.dilationH;
  let ix = out.z * params.strideW - params.padLeft + tap.z * params.dilationW;
  if (iy < 0 || iy >= params.h || ix < 0 || ix >= params.w) { return 0.0; }
  return x[((out.x * params.cIn + i32(group) * params.cInPerGroup + tap.x) * params.h + iy) * params.w + ix];
}

fn storeC(group: u32, row: u32, col: u32, sum: f32) {
  let co = i32(group) * params.cOutPerGroup + i32(row);
  let out = pixelOf(col, params.outH, params.outW);
  y[((out.x * params.cOut + co) * params.outH + out.y) * params.outW + out.z] = sum${hasBias ? ' + bias[co]' : ''};
}
${TILED_COORDS}`,
  });
}

export function runConv2d(ctx: GpuContext, x: Storage, w: Storage, bias: Storage | null, out: Storage, p: Conv2dParams): void {
  const count = p.n * p.cOut * p.outH * p.outW;
  const hasBias = bias !== null;
  const bindings = [input(x), input(w), ...(bias ? [input(bias)] : []), output(out)];
  const matmul = { m: p.cOut / p.groups, n: p.n * p.outH * p.outW, k: (p.cIn / p.groups) * p.kH * p.kW };
  dispatchConv(ctx, `conv2d:${hasBias ? 'bias' : 'plain'}`, p, bindings, count, matmul, () => forwardTiled(hasBias), () => forwardDirect(hasBias));
}

// ---------------------------------------------------------------- input gradient

const BACKWARD_INPUT_BUFFERS = [read('dy'), read('weight'), write('dx')];

const BACKWARD_INPUT_DIRECT = `${declarations(PARAMS, BACKWARD_INPUT_BUFFERS)}
${elementwiseMain('params.count', `
  let t = i32(i);
  let ix = t % params.w;
  let iy = (t / params.w) % params.h;
  let c = (t / (params.w * params.h)) % params.cIn;
  let image = t / (params.w * params.h * params.cIn);
  let group = c / params.cInPerGroup;
  let ci = c % params.cInPerGroup;
  var acc = 0.0;
  for (var q = 0; q < params.cOutPerGroup; q++) {
    let co = group * params.cOutPerGroup + q;
    let plane = image * params.cOut + co;
    let wPlane = (co * params.cInPerGroup + ci) * params.kH;${forEachWindowContaining(`
      acc += dy[j] * weight[(wPlane + kh) * params.kW + kw];`)}
  }
  dx[i] = acc;`)}`;

/** Rows: input channels of the group; columns: (image, iy, ix); k: (co within the group, kh, kw). */
const BACKWARD_INPUT_TILED = tiledMatmulSource({
  paramsStruct: PARAMS,
  buffers: BACKWARD_INPUT_BUFFERS,
  aAlongK: 'true',
  bAlongK: 'false',
  functions: `
fn loadA(group: u32, row: u32, kk: u32) -> f32 {
  let taps = u32(params.kH * params.kW);
  let co = group * u32(params.cOutPerGroup) + kk / taps;
  return weight[(co * u32(params.cInPerGroup) + row) * taps + kk % taps];
}

fn loadB(group: u32, kk: u32, col: u32) -> f32 {
  let tap = tapOf(kk);
  let pixel = pixelOf(col, params.h, params.w);
  let sy = pixel.y + params.padTop - tap.y * params.dilationH;
  let sx = pixel.z + params.padLeft - tap.z * params.dilationW;
  if (sy < 0 || sx < 0 || sy % params.strideH != 0 || sx % params.strideW != 0) { return 0.0; }
  let oy = sy / params.strideH;
  let ox = sx / params.strideW;
  if (oy >= params.outH || ox >= params.outW) { return 0.0; }
  let co = i32(group) * params.cOutPerGroup + tap.x;
  return dy[((pixel.x * params.cOut + co) * params.outH + oy) * params.outW + ox];
}

fn storeC(group: u32, row: u32, col: u32, sum: f32) {
  let pixel = pixelOf(col, params.h, params.w);
  let c = i32(group) * params.cInPerGroup + i32(row);
  dx[((pixel.x * params.cIn + c) * params.h + pixel.y) * params.w + pixel.z] = sum;
}
${TILED_COORDS}`,
});

export function runConv2dBackwardInput(ctx: GpuContext, dy: Storage, w: Storage, out: Storage, p: Conv2dParams): void {
  const count = p.n * p.cIn * p.h * p.w;
  const matmul = { m: p.cIn / p.groups, n: p.n * p.h * p.w, k: (p.cOut / p.groups) * p.kH * p.kW };
  dispatchConv(ctx, 'conv2d-backward-input', p, [input(dy), input(w), output(out)], count, matmul, () => BACKWARD_INPUT_TILED, () => BACKWARD_INPUT_DIRECT);
}

// ---------------------------------------------------------------- weight gradient

/** WGSL: the weight index `t` split into co, ci, kh, kw, and the input channel. */
const WEIGHT_COORDS = `
  let kw = t % params.kW;
  let kh = (t / params.kW) % params.kH;
  let ci = (t / (params.kW * params.kH)) % params.cInPerGroup;
  let co = t / (params.kW * params.kH * params.cInPerGroup);
  let c = (co / params.cOutPerGroup) * params.cInPerGroup + ci;
  let terms = params.images * params.outH * params.outW;`;

/** WGSL: add term r (over image, oy, ox) of dw[t] to acc. */
const WEIGHT_TERM = `
    let ox = r % params.outW;
    let oy = (r / params.outW) % params.outH;
    let image = r / (params.outW * params.outH);
    let iy = oy * params.strideH - params.padTop + kh * params.dilationH;
    let ix = ox * params.strideW - params.padLeft + kw * params.dilationW;
    if (iy >= 0 && iy < params.h && ix >= 0 && ix < params.w) {
      acc += x[((image * params.cIn + c) * params.h + iy) * params.w + ix] * dy[((image * params.cOut + co) * params.outH + oy) * params.outW + ox];
    }`;

const BACKWARD_WEIGHT_THREAD = `${declarations(PARAMS, [read('x'), read('dy'), write('dw')])}
${elementwiseMain('params.count', `
  let t = i32(i);${WEIGHT_COORDS}
  var acc = 0.0;
  for (var r = 0; r < terms; r++) {${WEIGHT_TERM}
  }
  dw[i] = acc;`)}`;

const BACKWARD_WEIGHT_WORKGROUP = `${declarations(PARAMS, [read('x'), read('dy'), write('dw')])}
${WORKGROUP_REDUCE_WGSL}

@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(${ENTRY_ARGS}) {
  let index = ${WORKGROUP_LINEAR_ID};
  if (index >= params.count) { return; }
  let t = i32(index);${WEIGHT_COORDS}
  var acc = 0.0;
  for (var r = i32(lid); r < terms; r += ${WORKGROUP_SIZE}) {${WEIGHT_TERM}
  }
  let total = workgroupSum(lid, acc);
  if (lid == 0u) { dw[index] = total; }
}`;

/**
 * A workgroup per weight when each sum is long, or when it is moderately long
 * and there are too few weights to keep a device busy with a thread each.
 */
function workgroupPerWeight(weights: number, terms: number): boolean {
  return terms > 4096 || (terms > 256 && weights < 16384);
}

export function runConv2dBackwardWeight(ctx: GpuContext, x: Storage, dy: Storage, out: Storage, p: Conv2dParams): void {
  const count = p.cOut * (p.cIn / p.groups) * p.kH * p.kW;
  const perWorkgroup = workgroupPerWeight(count, p.n * p.outH * p.outW);
  ctx.dispatch(
    perWorkgroup
      ? { key: 'conv2d-backward-weight:workgroup', source: () => BACKWARD_WEIGHT_WORKGROUP }
      : { key: 'conv2d-backward-weight:thread', source: () => BACKWARD_WEIGHT_THREAD },
    { params: convParams(p, count), bindings: [input(x), input(dy), output(out)], workgroups: perWorkgroup ? count : workgroupsFor(count) },
  );
}
