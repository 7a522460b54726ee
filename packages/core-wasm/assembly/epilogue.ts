/**
 * The fused epilogue of gemmFused, applied where a tile of C is stored after
 * its last depth block: C = alpha * acc + beta * C + bias[col], then
 * optionally ReLU (x > 0 ? x : 0) and its mask (1 where x > 0, else 0, same
 * layout as C). The state is module-global, so per instance and therefore per
 * thread; gemmFused sets it on every thread and clears it when done, and the
 * drivers switch `epiOn` on for the last depth block only (earlier blocks
 * store partial sums that later blocks accumulate onto).
 */

import { scaled4, storeRow, storeScaled } from './tile';

let epiEnabled: bool = false;
export let epiOn: bool = false;
let epiC: usize = 0;
let epiLdc: usize = 1;
let epiBias: usize = 0;
let epiMask: usize = 0;
let epiRelu: bool = false;

export function setEpilogue(enabled: bool, c: usize, ldc: usize, bias: usize, mask: usize, relu: bool): void {
  epiEnabled = enabled;
  epiOn = false;
  epiC = c;
  epiLdc = ldc;
  epiBias = bias;
  epiMask = mask;
  epiRelu = relu;
}

/** Called by the drivers before storing a depth block: the epilogue runs on the last one only. */
// @ts-ignore: decorator
@inline export function epilogueFor(lastBlock: bool): void {
  epiOn = epiEnabled && lastBlock;
}

/**
 * Store a register tile (rows x cols of at most 4 x 8, row pitch ldc floats)
 * as storeRow would (alpha * acc + beta * C), then the epilogue. Out of line,
 * so the micro-kernels keep one branch and their register allocation.
 */
export function storeTileEpilogue(
  c: usize, ldc: usize, rows: i32, cols: i32, alpha: f32, beta: f32,
  c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128,
): void {
  const pitch = ldc << 2;
  // the tile's rows share their columns: one division per tile finds the bias
  const bias = epiBias != 0 ? epiBias + ((((c - epiC) >> 2) % epiLdc) << 2) : 0;
  storeRowEpilogue(c, c00, c01, cols, alpha, beta, bias);
  if (rows > 1) storeRowEpilogue(c + pitch, c10, c11, cols, alpha, beta, bias);
  if (rows > 2) storeRowEpilogue(c + 2 * pitch, c20, c21, cols, alpha, beta, bias);
  if (rows > 3) storeRowEpilogue(c + 3 * pitch, c30, c31, cols, alpha, beta, bias);
}

/** One row of a tile: alpha * (v0, v1) + beta * C (as tile.ts's storeRow), then the epilogue (bias: the row's first column's, or 0). */
function storeRowEpilogue(dst: usize, v0: v128, v1: v128, cols: i32, alpha: f32, beta: f32, bias: usize): void {
  if (cols == 8) {
    storeEpilogue8(dst, scaled4(dst, v0, alpha, beta), scaled4(dst + 16, v1, alpha, beta), bias);
    return;
  }
  for (let j = 0; j < cols; j++) {
    const v = j < 4 ? lane(v0, j) : lane(v1, j - 4);
    storeScaledEpilogue(dst + (<usize>j << 2), v, alpha, beta);
  }
}

// @ts-ignore: decorator
@inline function lane(v: v128, j: i32): f32 {
  return j == 0 ? f32x4.extract_lane(v, 0) : j == 1 ? f32x4.extract_lane(v, 1) : j == 2 ? f32x4.extract_lane(v, 2) : f32x4.extract_lane(v, 3);
}

/** One element as tile.ts's storeScaled (beta == 0 never reads C), then the epilogue. */
export function storeScaledEpilogue(dst: usize, v: f32, alpha: f32, beta: f32): void {
  storeEpilogue1(dst, beta == 0 ? alpha * v : alpha * v + beta * load<f32>(dst));
}

/** Store 8 finished values (r0, r1) at dst, a full row segment of one tile; bias: its 8 bias values, or 0. */
// @ts-ignore: decorator
@inline function storeEpilogue8(dst: usize, r0: v128, r1: v128, bias: usize): void {
  const off = dst - epiC;
  if (bias != 0) {
    r0 = f32x4.add(r0, v128.load(bias));
    r1 = f32x4.add(r1, v128.load(bias, 16));
  }
  if (epiRelu) {
    const zero = f32x4.splat(0);
    const m0 = f32x4.gt(r0, zero);
    const m1 = f32x4.gt(r1, zero);
    if (epiMask != 0) {
      const one = f32x4.splat(1);
      v128.store(epiMask + off, v128.and(m0, one));
      v128.store(epiMask + off, v128.and(m1, one), 16);
    }
    r0 = v128.and(r0, m0);
    r1 = v128.and(r1, m1);
  }
  v128.store(dst, r0);
  v128.store(dst, r1, 16);
}

/** Store one finished value v at dst. */
function storeEpilogue1(dst: usize, v: f32): void {
  const off = dst - epiC;
  if (epiBias != 0) v += load<f32>(epiBias + ((((off >> 2) % epiLdc)) << 2));
  if (epiRelu) {
    const on = v > 0;
    if (epiMask != 0) store<f32>(epiMask + off, on ? <f32>1 : <f32>0);
    v = on ? v : <f32>0;
  }
  store<f32>(dst, v);
}

/**
 * Store a 4 x 8 register tile (rows <= 4 and cols <= 8 of it) to C at dst:
 * through the fused epilogue when one is set, else as alpha * acc + beta * C.
 */
// @ts-ignore: decorator
@inline export function storeTile(
  dst: usize, ldc: usize, rows: i32, cols: i32, alpha: f32, beta: f32,
  c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128,
): void {
  if (epiOn) {
    storeTileEpilogue(dst, ldc, rows, cols, alpha, beta, c00, c01, c10, c11, c20, c21, c30, c31);
    return;
  }
  const pitch = ldc << 2;
  storeRow(dst, c00, c01, cols, alpha, beta);
  if (rows > 1) storeRow(dst + pitch, c10, c11, cols, alpha, beta);
  if (rows > 2) storeRow(dst + 2 * pitch, c20, c21, cols, alpha, beta);
  if (rows > 3) storeRow(dst + 3 * pitch, c30, c31, cols, alpha, beta);
}

/** Store one column of up to four C elements (rows 0..m-1 at dst, pitch ldc floats): through the epilogue when one is set. */
// @ts-ignore: decorator
@inline export function storeColumn4(dst: usize, ldc: usize, m: i32, d0: f32, d1: f32, d2: f32, d3: f32, alpha: f32, beta: f32): void {
  if (epiOn) {
    storeScaledEpilogue(dst, d0, alpha, beta);
    if (m > 1) storeScaledEpilogue(dst + (ldc << 2), d1, alpha, beta);
    if (m > 2) storeScaledEpilogue(dst + (ldc << 3), d2, alpha, beta);
    if (m > 3) storeScaledEpilogue(dst + 3 * (ldc << 2), d3, alpha, beta);
    return;
  }
  storeScaled(dst, d0, alpha, beta);
  if (m > 1) storeScaled(dst + (ldc << 2), d1, alpha, beta);
  if (m > 2) storeScaled(dst + (ldc << 3), d2, alpha, beta);
  if (m > 3) storeScaled(dst + 3 * (ldc << 2), d3, alpha, beta);
}
