/**
 * Batched GEMM: C = alpha * op(A) op(B) + beta * C.
 *
 * Products with m and n of at least 16 use the shared-memory tiled product
 * (tiled-matmul.ts). Smaller ones (matrix-vector products, tiny batched
 * products) use a direct kernel, one thread per output looping over k, since
 * a 64 x 64 tile would leave most of its threads idle.
 *
 * Transposes are uniform flags, not shader variants. The branch costs nothing
 * next to the loads, and two pipelines compile instead of eight.
 */
import type { GemmParams } from '../../../kernels.js';
import type { Storage } from '../../../tensor.js';
import type { GpuContext } from '../device.js';
import { Params } from '../params.js';
import { declarations, elementwiseMain, input, output, read, workgroupsFor, write } from './common.js';
import { TILED_MATMUL_FIELDS, TILED_MIN_SIDE, tileGrid, tiledMatmulSource } from './tiled-matmul.js';

const PARAMS = `${TILED_MATMUL_FIELDS}
  strideA: u32,
  strideB: u32,
  strideC: u32,
  alpha: f32,
  beta: f32,
  transA: u32,
  transB: u32,
  pad0: u32,
  pad1: u32,
  pad2: u32,`;

const BUFFERS = [read('a'), read('b'), write('c')];

/**
 * WGSL: element (row, kk) of op(A) and (kk, col) of op(B) of batch entry
 * `batch`, and the store C = alpha * sum (+ beta * C). beta == 0 must not read
 * C: a fresh output holds whatever the pooled buffer held (maybe NaN).
 */
const OPERANDS = `
fn loadA(batch: u32, row: u32, kk: u32) -> f32 {
  return a[batch * params.strideA + select(row * params.k + kk, kk * params.m + row, params.transA != 0u)];
}

fn loadB(batch: u32, kk: u32, col: u32) -> f32 {
  return b[batch * params.strideB + select(kk * params.n + col, col * params.k + kk, params.transB != 0u)];
}

fn storeC(batch: u32, row: u32, col: u32, sum: f32) {
  let at = batch * params.strideC + row * params.n + col;
  var value = params.alpha * sum;
  if (params.beta != 0.0) { value += params.beta * c[at]; }
  c[at] = value;
}`;

const DIRECT = `${declarations(PARAMS, BUFFERS)}
${OPERANDS}
${elementwiseMain('params.batch * params.m * params.n', `
  let col = i % params.n;
  let row = (i / params.n) % params.m;
  let batch = i / (params.n * params.m);
  var acc = 0.0;
  for (var kk = 0u; kk < params.k; kk++) {
    acc += loadA(batch, row, kk) * loadB(batch, kk, col);
  }
  storeC(batch, row, col, acc);`)}`;

const TILED_SPEC = {
  paramsStruct: PARAMS,
  buffers: BUFFERS,
  functions: OPERANDS,
  aAlongK: 'params.transA == 0u',
  bAlongK: 'params.transB != 0u',
};

export function runGemm(ctx: GpuContext, a: Storage, b: Storage, out: Storage, p: GemmParams): void {
  const grid = tileGrid(p.m, p.n, p.batch);
  const params = new Params()
    .u32(p.m).u32(p.n).u32(p.k).u32(p.batch).u32(grid.tilesN).u32(grid.tilesPerBatch, 'tiles per batch')
    .u32(p.strideA).u32(p.strideB).u32(p.strideC)
    .f32(p.alpha).f32(p.beta).u32(p.transA ? 1 : 0).u32(p.transB ? 1 : 0)
    .u32(0).u32(0).u32(0);
  const bindings = [input(a), input(b), output(out)];
  if (p.m < TILED_MIN_SIDE || p.n < TILED_MIN_SIDE) {
    ctx.dispatch({ key: 'gemm-direct', source: () => DIRECT }, { params, bindings, workgroups: workgroupsFor(p.batch * p.m * p.n) });
    return;
  }
  ctx.dispatch({ key: 'gemm-tiled', source: () => tiledMatmulSource(TILED_SPEC) }, { params, bindings, workgroups: grid.workgroups });
}
