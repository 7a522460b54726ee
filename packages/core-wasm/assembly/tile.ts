/**
 * Writing a register tile of C: C = alpha * acc + beta * C, where beta == 0
 * never reads C (it may hold garbage, NaN included, by contract).
 */

/** Store lanes [0, count) of v (count <= 4) to dst as alpha * v + beta * dst. */
// @ts-ignore: decorator
@inline export function storePartial4(dst: usize, v: v128, count: i32, alpha: f32, beta: f32): void {
  if (count > 0) storeScaled(dst, f32x4.extract_lane(v, 0), alpha, beta);
  if (count > 1) storeScaled(dst + 4, f32x4.extract_lane(v, 1), alpha, beta);
  if (count > 2) storeScaled(dst + 8, f32x4.extract_lane(v, 2), alpha, beta);
  if (count > 3) storeScaled(dst + 12, f32x4.extract_lane(v, 3), alpha, beta);
}

// @ts-ignore: decorator
@inline export function storeScaled(dst: usize, v: f32, alpha: f32, beta: f32): void {
  // beta == 0 must not read C: it may hold garbage (NaN) by contract.
  store<f32>(dst, beta == 0 ? alpha * v : alpha * v + beta * load<f32>(dst));
}

/** alpha * v + beta * (the 4 floats at dst) as one vector (beta == 0 never reads dst). */
// @ts-ignore: decorator
@inline export function scaled4(dst: usize, v: v128, alpha: f32, beta: f32): v128 {
  const r = f32x4.mul(v, f32x4.splat(alpha));
  return beta != 0 ? f32x4.add(r, f32x4.mul(v128.load(dst), f32x4.splat(beta))) : r;
}

/** One row of the tile: alpha * (v0, v1) + beta * C over `cols` columns. */
// @ts-ignore: decorator
@inline export function storeRow(dst: usize, v0: v128, v1: v128, cols: i32, alpha: f32, beta: f32): void {
  if (cols == 8) {
    v128.store(dst, scaled4(dst, v0, alpha, beta));
    v128.store(dst, scaled4(dst + 16, v1, alpha, beta), 16);
  } else {
    storePartial4(dst, v0, cols, alpha, beta);
    storePartial4(dst + 16, v1, cols - 4, alpha, beta);
  }
}
