/**
 * The one multiply-add of the dot-product kernels (GEMM, its few-rows path,
 * the convolutions through it, the SIMD peak). The relaxed-SIMD build
 * (scripts/build-assembly.mjs, ASC_FEATURE_RELAXED_SIMD) emits
 * f32x4.relaxed_madd, a fused multiply-add where the CPU has one (one
 * rounding instead of two); the plain SIMD128 build a separate mul and add.
 * A build gives the same bits for any thread count (every element's sum runs
 * in the same order); the two builds differ in the last bits.
 */

/** a * b + c, lane-wise. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** 1 in the relaxed-SIMD build, 0 in the plain SIMD128 build. */
export function relaxedSimd(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}
