/**
 * Vectorised float32 transcendentals (Cephes algorithms, about 1 ulp) for the
 * elementwise and softmax kernels. Scalar tails go through the same vector
 * code on a splat so every element of a tensor is computed the same way.
 */

const LOG2E: f32 = 1.44269504088896341;
/** ln 2 split in a part exact in float32 and the rest (Cody-Waite reduction). */
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;

/** 2^n for integer lanes n in [-126, 127]. */
// @ts-ignore: decorator
@inline function pow2i(n: v128): v128 {
  return i32x4.shl(i32x4.add(n, i32x4.splat(127)), 23);
}

/** e^x per lane; overflow gives +inf, underflow 0 (through denormals), NaN stays NaN. */
export function expV(x: v128): v128 {
  // Beyond these bounds the result is inf or 0 anyway; clamping keeps n in range.
  x = f32x4.min(f32x4.max(x, f32x4.splat(-104.0)), f32x4.splat(89.0));
  const fn = f32x4.floor(f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(0.5)));
  let r = f32x4.sub(x, f32x4.mul(fn, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(fn, f32x4.splat(LN2_LO)));
  const z = f32x4.mul(r, r);
  let y = f32x4.splat(1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(y, z), r), f32x4.splat(1.0));
  // Scale by 2^n in two steps so n in [-150, 129] never leaves the exponent range of one factor.
  const n = i32x4.trunc_sat_f32x4_s(fn);
  const n1 = i32x4.shr_s(n, 1);
  const n2 = i32x4.sub(n, n1);
  return f32x4.mul(f32x4.mul(y, pow2i(n1)), pow2i(n2));
}

/** e^x for one value, computed exactly as expV does. */
// @ts-ignore: decorator
@inline export function expS(x: f32): f32 {
  return f32x4.extract_lane(expV(f32x4.splat(x)), 0);
}

/** 1 / (1 + e^-x). */
// @ts-ignore: decorator
@inline export function sigmoidV(x: v128): v128 {
  return f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), expV(f32x4.neg(x))));
}

/**
 * tanh: an odd polynomial for |x| < 0.625 (keeps relative accuracy near 0),
 * 1 - 2 / (e^{2|x|} + 1) with the sign of x elsewhere.
 */
export function tanhV(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  const t = expV(f32x4.add(ax, ax));
  const large = f32x4.sub(f32x4.splat(1.0), f32x4.div(f32x4.splat(2.0), f32x4.add(t, f32x4.splat(1.0))));
  // copy the sign of x onto the large-|x| branch
  const signMask = i32x4.splat(0x80000000);
  const signed = v128.or(v128.andnot(large, signMask), v128.and(x, signMask));
  return v128.bitselect(small, signed, f32x4.lt(ax, f32x4.splat(0.625)));
}
