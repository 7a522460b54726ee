/**
 * The machine's WebAssembly SIMD peak, measured: tight loops of independent
 * f32x4 multiply-add chains (acc = acc * m + c) through the GEMM micro-kernel's
 * madd (fma.ts): a separate mul and add in the SIMD128 build, a fused
 * multiply-add in the relaxed-SIMD build, so each build measures its own peak.
 * Each chain is latency-bound (mul then add), so the loop needs enough chains
 * to fill two multiply and two add pipes, but few enough that V8 does not
 * spill them (x64 V8 allocates 15 xmm registers); which count is fastest
 * depends on the CPU, so the benchmark tries each and keeps the best.
 * Every function returns a checksum so the work cannot be optimised away.
 */
import { madd } from './fma';

// @ts-ignore: decorator
@inline function lanes(s: v128): f32 {
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}

/** Run `iterations` of the loop with `chains` (8, 10, 11 or 12) accumulators. */
export function simdPeak(chains: i32, iterations: i32, mScalar: f32, cScalar: f32): f32 {
  const m = f32x4.splat(mScalar);
  const c = f32x4.splat(cScalar);
  switch (chains) {
    case 8: return peak8(iterations, m, c);
    case 10: return peak10(iterations, m, c);
    case 11: return peak11(iterations, m, c);
    default: return peak12(iterations, m, c);
  }
}

/** Floating-point operations of simdPeak(chains, iterations): a mul and an add on 4 lanes per chain and iteration. */
export function simdPeakFlops(chains: i32, iterations: i32): f64 {
  return <f64>iterations * <f64>chains * 8;
}

function peak8(iterations: i32, m: v128, c: v128): f32 {
  let a0 = f32x4.splat(1.00);
  let a1 = f32x4.splat(1.01);
  let a2 = f32x4.splat(1.02);
  let a3 = f32x4.splat(1.03);
  let a4 = f32x4.splat(1.04);
  let a5 = f32x4.splat(1.05);
  let a6 = f32x4.splat(1.06);
  let a7 = f32x4.splat(1.07);
  for (let i = 0; i < iterations; i++) {
    a0 = madd(a0, m, c);
    a1 = madd(a1, m, c);
    a2 = madd(a2, m, c);
    a3 = madd(a3, m, c);
    a4 = madd(a4, m, c);
    a5 = madd(a5, m, c);
    a6 = madd(a6, m, c);
    a7 = madd(a7, m, c);
  }
  return lanes(f32x4.add(f32x4.add(f32x4.add(f32x4.add(f32x4.add(f32x4.add(f32x4.add(a0, a1), a2), a3), a4), a5), a6), a7));
}

function peak10(iterations: i32, m: v128, c: v128): f32 {
  let a0 = f32x4.splat(1.00);
  let a1 = f32x4.splat(1.01);
  let a2 = f32x4.splat(1.02);
  let a3 = f32x4.splat(1.03);
  let a4 = f32x4.splat(1.04);
  let a5 = f32x4.splat(1.05);
  let a6 = f32x4.splat(1.06);
  let a7 = f32x4.splat(1.07);
  let a8 = f32x4.splat(1.08);
  let a9 = f32x4.splat(1.09);
  for (let i = 0; i < iterations; i++) {
    a0 = madd(a0, m, c);
    a1 = madd(a1, m, c);
    a2 = madd(a2, m, c);
    a3 = madd(a3, m, c);
    a4 = madd(a4, m, c);
    a5 = madd(a5, m, c);
    a6 = madd(a6, m, c);
    a7 = madd(a7, m, c);
    a8 = madd(a8, m, c);
    a9 = madd(a9, m, c);
  }
  return lanes(f32x4.add(f32x4.add(f32x4.add(f32x4.add(f32x4.add(f32x4.add(f32x4.add(f32x4.add(f32x4.add(a0, a1), a2), a3), a4), a5), a6), a7), a8), a9));
}

function peak11(iterations: i32, m: v128, c: v128): f32 {
  let a0 = f32x4.splat(1.00);
  let a1 = f32x4.splat(1.01);
  let a2 = f32x4.splat(1.02);
  let a3 = f32x4.splat(1.03);
  let a4 = f32x4.splat(1.04);
  let a5 = f32x4.splat(1.05);
  let a6 = f32x4.splat(1.06);
  let a7 = f32x4.splat(1.07);
  let a8 = f32x4.splat(1.08);
  let a9 = f32x4.splat(1.09);
  let a10 = f32x4.splat(1.10);
  for (let i = 0; i < iterations; i++) {
    a0 = madd(a0, m, c);
    a1 = madd(a1, m, c);
    a2 = madd(a2, m, c);
    a3 = madd(a3, m, c);
    a4 = madd(a4, m, c);
    a5 = madd(a5, m, c);
    a6 = madd(a6, m, c);
    a7 = madd(a7, m, c);
    a8 = madd(a8, m, c);
    a9 = madd(a9, m, c);
    a10 = madd(a10, m, c);
  }
  return lanes(f32x4.add(f32x4.add(f32x4.add(f32x4.add(f32x4.add(f32x4.add(f32x4.add(f32x4.add(f32x4.add(f32x4.add(a0, a1), a2), a3), a4), a5), a6), a7), a8), a9), a10));
}

function peak12(iterations: i32, m: v128, c: v128): f32 {
  let a0 = f32x4.splat(1.00);
  let a1 = f32x4.splat(1.01);
  let a2 = f32x4.splat(1.02);
  let a3 = f32x4.splat(1.03);
  let a4 = f32x4.splat(1.04);
  let a5 = f32x4.splat(1.05);
  let a6 = f32x4.splat(1.06);
  let a7 = f32x4.splat(1.07);
  let a8 = f32x4.splat(1.08);
  let a9 = f32x4.splat(1.09);
  let a10 = f32x4.splat(1.10);
  let a11 = f32x4.splat(1.11);
  for (let i = 0; i < iterations; i++) {
    a0 = madd(a0, m, c);
    a1 = madd(a1, m, c);
    a2 = madd(a2, m, c);
    a3 = madd(a3, m, c);
    a4 = madd(a4, m, c);
    a5 = madd(a5, m, c);
    a6 = madd(a6, m, c);
    a7 = madd(a7, m, c);
    a8 = madd(a8, m, c);
    a9 = madd(a9, m, c);
    a10 = madd(a10, m, c);
    a11 = madd(a11, m, c);
  }
  return lanes(f32x4.add(f32x4.add(f32x4.add(f32x4.add(f32x4.add(f32x4.add(f32x4.add(f32x4.add(f32x4.add(f32x4.add(f32x4.add(a0, a1), a2), a3), a4), a5), a6), a7), a8), a9), a10), a11));
}
