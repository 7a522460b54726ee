/**
 * Elementwise kernels: unary (+ backward), strided binary, where, copy, fill.
 *
 * Each op gets its own loop: the per-op helpers are @inline and called with a
 * constant op code from a switch, so after inlining the optimiser folds the
 * inner switch away and the loop body is straight-line SIMD.
 * Contiguous runs use f32x4; tails and strided rows go scalar through the same
 * formulas (transcendentals through the vector code on a splat, so every
 * element of a tensor is computed identically).
 */
import {
  UNARY_RELU, UNARY_LEAKY_RELU, UNARY_SIGMOID, UNARY_TANH, UNARY_EXP, UNARY_LOG, UNARY_ABS, UNARY_SIGN,
  UNARY_SQUARE, UNARY_SQRT, UNARY_CLAMP, UNARY_POSITIVE, UNARY_NEGATIVE, UNARY_AFFINE, UNARY_RECIPROCAL, UNARY_STEP,
  BINARY_ADD, BINARY_SUB, BINARY_MUL, BINARY_DIV, BINARY_MAX, BINARY_MIN, BINARY_GREATER, BINARY_STABILIZED_DIV,
} from './ops';
import { expV, sigmoidV, tanhV } from './math';
import { stridedExtent, stridedNext, stridedOffset, stridedRank, stridedRows, stridedStart, stridedStride } from './strided';

// ------------------------------------------------------------------- unary

/** log per lane (scalar libm: log is rare enough not to need a vector version). */
// @ts-ignore: decorator
@inline function logV(x: v128): v128 {
  let r = f32x4.splat(Mathf.log(f32x4.extract_lane(x, 0)));
  r = f32x4.replace_lane(r, 1, Mathf.log(f32x4.extract_lane(x, 1)));
  r = f32x4.replace_lane(r, 2, Mathf.log(f32x4.extract_lane(x, 2)));
  return f32x4.replace_lane(r, 3, Mathf.log(f32x4.extract_lane(x, 3)));
}

/** 1.0 in lanes where mask is set, 0.0 elsewhere. */
// @ts-ignore: decorator
@inline function ones(mask: v128): v128 {
  return v128.and(mask, f32x4.splat(1.0));
}

// @ts-ignore: decorator
@inline function unaryV(op: i32, x: v128, p0: f32, p1: f32): v128 {
  const zero = f32x4.splat(0);
  switch (op) {
    case UNARY_RELU: return v128.and(x, f32x4.gt(x, zero)); // x > 0 ? x : +0 (NaN and -0 give +0)
    case UNARY_LEAKY_RELU: return v128.bitselect(x, f32x4.mul(x, f32x4.splat(p0)), f32x4.gt(x, zero));
    case UNARY_SIGMOID: return sigmoidV(x);
    case UNARY_TANH: return tanhV(x);
    case UNARY_EXP: return expV(x);
    case UNARY_LOG: return logV(x);
    case UNARY_ABS: return f32x4.abs(x);
    case UNARY_SIGN: return f32x4.sub(ones(f32x4.gt(x, zero)), ones(f32x4.lt(x, zero)));
    case UNARY_SQUARE: return f32x4.mul(x, x);
    case UNARY_SQRT: return f32x4.sqrt(x);
    case UNARY_CLAMP: return f32x4.min(f32x4.max(x, f32x4.splat(p0)), f32x4.splat(p1));
    case UNARY_POSITIVE: return v128.and(x, f32x4.gt(x, zero));
    case UNARY_NEGATIVE: return v128.and(x, f32x4.lt(x, zero));
    case UNARY_AFFINE: return f32x4.add(f32x4.mul(x, f32x4.splat(p0)), f32x4.splat(p1));
    case UNARY_RECIPROCAL: return f32x4.div(f32x4.splat(1.0), x);
    case UNARY_STEP: return ones(f32x4.gt(x, zero));
    default: return x;
  }
}

// @ts-ignore: decorator
@inline function unaryLoop(op: i32, x: usize, out: usize, size: i32, p0: f32, p1: f32): void {
  let i = 0;
  for (; i + 4 <= size; i += 4) {
    const at = <usize>i << 2;
    v128.store(out + at, unaryV(op, v128.load(x + at), p0, p1));
  }
  for (; i < size; i++) {
    const at = <usize>i << 2;
    store<f32>(out + at, f32x4.extract_lane(unaryV(op, f32x4.splat(load<f32>(x + at)), p0, p1), 0));
  }
}

/** out[i] = f(x[i]) for i < size (x and out may be the same storage). */
export function unary(op: i32, x: usize, out: usize, size: i32, p0: f32, p1: f32): void {
  switch (op) {
    case UNARY_RELU: unaryLoop(UNARY_RELU, x, out, size, p0, p1); break;
    case UNARY_LEAKY_RELU: unaryLoop(UNARY_LEAKY_RELU, x, out, size, p0, p1); break;
    case UNARY_SIGMOID: unaryLoop(UNARY_SIGMOID, x, out, size, p0, p1); break;
    case UNARY_TANH: unaryLoop(UNARY_TANH, x, out, size, p0, p1); break;
    case UNARY_EXP: unaryLoop(UNARY_EXP, x, out, size, p0, p1); break;
    case UNARY_LOG: unaryLoop(UNARY_LOG, x, out, size, p0, p1); break;
    case UNARY_ABS: unaryLoop(UNARY_ABS, x, out, size, p0, p1); break;
    case UNARY_SIGN: unaryLoop(UNARY_SIGN, x, out, size, p0, p1); break;
    case UNARY_SQUARE: unaryLoop(UNARY_SQUARE, x, out, size, p0, p1); break;
    case UNARY_SQRT: unaryLoop(UNARY_SQRT, x, out, size, p0, p1); break;
    case UNARY_CLAMP: unaryLoop(UNARY_CLAMP, x, out, size, p0, p1); break;
    case UNARY_POSITIVE: unaryLoop(UNARY_POSITIVE, x, out, size, p0, p1); break;
    case UNARY_NEGATIVE: unaryLoop(UNARY_NEGATIVE, x, out, size, p0, p1); break;
    case UNARY_AFFINE: unaryLoop(UNARY_AFFINE, x, out, size, p0, p1); break;
    case UNARY_RECIPROCAL: unaryLoop(UNARY_RECIPROCAL, x, out, size, p0, p1); break;
    case UNARY_STEP: unaryLoop(UNARY_STEP, x, out, size, p0, p1); break;
    default: break;
  }
}

// ---------------------------------------------------------- unary backward

/** dy * f'(x), with y = f(x). Ties at kinks follow PyTorch (relu'(0) = 0, clamp passes at the bounds). */
// @ts-ignore: decorator
@inline function unaryBackwardV(op: i32, x: v128, y: v128, dy: v128, p0: f32, p1: f32): v128 {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1.0);
  switch (op) {
    case UNARY_RELU:
    case UNARY_POSITIVE: return v128.and(dy, f32x4.gt(x, zero));
    case UNARY_LEAKY_RELU: return v128.bitselect(dy, f32x4.mul(dy, f32x4.splat(p0)), f32x4.gt(x, zero));
    case UNARY_SIGMOID: return f32x4.mul(dy, f32x4.mul(y, f32x4.sub(one, y)));
    case UNARY_TANH: return f32x4.mul(dy, f32x4.sub(one, f32x4.mul(y, y)));
    case UNARY_EXP: return f32x4.mul(dy, y);
    case UNARY_LOG: return f32x4.div(dy, x);
    case UNARY_ABS: return f32x4.mul(dy, f32x4.sub(ones(f32x4.gt(x, zero)), ones(f32x4.lt(x, zero))));
    case UNARY_SIGN:
    case UNARY_STEP: return zero;
    case UNARY_SQUARE: return f32x4.mul(dy, f32x4.add(x, x));
    case UNARY_SQRT: return f32x4.div(dy, f32x4.add(y, y));
    case UNARY_CLAMP: return v128.and(dy, v128.and(f32x4.ge(x, f32x4.splat(p0)), f32x4.le(x, f32x4.splat(p1))));
    case UNARY_NEGATIVE: return v128.and(dy, f32x4.lt(x, zero));
    case UNARY_AFFINE: return f32x4.mul(dy, f32x4.splat(p0));
    case UNARY_RECIPROCAL: return f32x4.neg(f32x4.mul(dy, f32x4.mul(y, y)));
    default: return dy;
  }
}

// @ts-ignore: decorator
@inline function unaryBackwardLoop(op: i32, x: usize, y: usize, dy: usize, out: usize, size: i32, p0: f32, p1: f32): void {
  let i = 0;
  for (; i + 4 <= size; i += 4) {
    const at = <usize>i << 2;
    v128.store(out + at, unaryBackwardV(op, v128.load(x + at), v128.load(y + at), v128.load(dy + at), p0, p1));
  }
  for (; i < size; i++) {
    const at = <usize>i << 2;
    const r = unaryBackwardV(op, f32x4.splat(load<f32>(x + at)), f32x4.splat(load<f32>(y + at)), f32x4.splat(load<f32>(dy + at)), p0, p1);
    store<f32>(out + at, f32x4.extract_lane(r, 0));
  }
}

/** out[i] = dy[i] * f'(x[i]) for i < size. */
export function unaryBackward(op: i32, x: usize, y: usize, dy: usize, out: usize, size: i32, p0: f32, p1: f32): void {
  switch (op) {
    case UNARY_RELU: unaryBackwardLoop(UNARY_RELU, x, y, dy, out, size, p0, p1); break;
    case UNARY_LEAKY_RELU: unaryBackwardLoop(UNARY_LEAKY_RELU, x, y, dy, out, size, p0, p1); break;
    case UNARY_SIGMOID: unaryBackwardLoop(UNARY_SIGMOID, x, y, dy, out, size, p0, p1); break;
    case UNARY_TANH: unaryBackwardLoop(UNARY_TANH, x, y, dy, out, size, p0, p1); break;
    case UNARY_EXP: unaryBackwardLoop(UNARY_EXP, x, y, dy, out, size, p0, p1); break;
    case UNARY_LOG: unaryBackwardLoop(UNARY_LOG, x, y, dy, out, size, p0, p1); break;
    case UNARY_ABS: unaryBackwardLoop(UNARY_ABS, x, y, dy, out, size, p0, p1); break;
    case UNARY_SIGN: unaryBackwardLoop(UNARY_SIGN, x, y, dy, out, size, p0, p1); break;
    case UNARY_SQUARE: unaryBackwardLoop(UNARY_SQUARE, x, y, dy, out, size, p0, p1); break;
    case UNARY_SQRT: unaryBackwardLoop(UNARY_SQRT, x, y, dy, out, size, p0, p1); break;
    case UNARY_CLAMP: unaryBackwardLoop(UNARY_CLAMP, x, y, dy, out, size, p0, p1); break;
    case UNARY_POSITIVE: unaryBackwardLoop(UNARY_POSITIVE, x, y, dy, out, size, p0, p1); break;
    case UNARY_NEGATIVE: unaryBackwardLoop(UNARY_NEGATIVE, x, y, dy, out, size, p0, p1); break;
    case UNARY_AFFINE: unaryBackwardLoop(UNARY_AFFINE, x, y, dy, out, size, p0, p1); break;
    case UNARY_RECIPROCAL: unaryBackwardLoop(UNARY_RECIPROCAL, x, y, dy, out, size, p0, p1); break;
    case UNARY_STEP: unaryBackwardLoop(UNARY_STEP, x, y, dy, out, size, p0, p1); break;
    default: break;
  }
}

// ------------------------------------------------------------------ binary

// @ts-ignore: decorator
@inline function binaryV(op: i32, a: v128, b: v128, p0: f32): v128 {
  switch (op) {
    case BINARY_ADD: return f32x4.add(a, b);
    case BINARY_SUB: return f32x4.sub(a, b);
    case BINARY_MUL: return f32x4.mul(a, b);
    case BINARY_DIV: return f32x4.div(a, b);
    case BINARY_MAX: return v128.bitselect(a, b, f32x4.ge(a, b)); // a >= b ? a : b (as the reference: ties and NaN b pick a / b)
    case BINARY_MIN: return v128.bitselect(a, b, f32x4.le(a, b));
    case BINARY_GREATER: return ones(f32x4.gt(a, b));
    case BINARY_STABILIZED_DIV: {
      // b + eps * sign0(b), sign0(0) = +1 (Zennit's stabilize)
      const sign0 = v128.bitselect(f32x4.splat(1.0), f32x4.splat(-1.0), f32x4.ge(b, f32x4.splat(0)));
      return f32x4.div(a, f32x4.add(b, f32x4.mul(sign0, f32x4.splat(p0))));
    }
    default: return a;
  }
}

// @ts-ignore: decorator
@inline function binaryS(op: i32, a: f32, b: f32, p0: f32): f32 {
  return f32x4.extract_lane(binaryV(op, f32x4.splat(a), f32x4.splat(b), p0), 0);
}

/** One row of n outputs (contiguous) from a and b with element strides sa, sb. */
// @ts-ignore: decorator
@inline function binaryRow(op: i32, a: usize, b: usize, out: usize, n: i32, sa: i32, sb: i32, p0: f32): void {
  let i = 0;
  if (sa == 1 && sb == 1) {
    for (; i + 4 <= n; i += 4) {
      const at = <usize>i << 2;
      v128.store(out + at, binaryV(op, v128.load(a + at), v128.load(b + at), p0));
    }
  } else if (sa == 1 && sb == 0) {
    const vb = v128.load32_splat(b);
    for (; i + 4 <= n; i += 4) {
      const at = <usize>i << 2;
      v128.store(out + at, binaryV(op, v128.load(a + at), vb, p0));
    }
  } else if (sa == 0 && sb == 1) {
    const va = v128.load32_splat(a);
    for (; i + 4 <= n; i += 4) {
      const at = <usize>i << 2;
      v128.store(out + at, binaryV(op, va, v128.load(b + at), p0));
    }
  }
  for (; i < n; i++) {
    store<f32>(out + (<usize>i << 2), binaryS(op, load<f32>(a + <usize>(i * sa) * 4), load<f32>(b + <usize>(i * sb) * 4), p0));
  }
}

// @ts-ignore: decorator
@inline function binaryND(op: i32, a: usize, b: usize, out: usize, params: usize, p0: f32): void {
  const rank = stridedRank(params);
  const n = stridedExtent(params, rank - 1);
  const sa = stridedStride(params, 0, rank - 1);
  const sb = stridedStride(params, 1, rank - 1);
  const rows = stridedRows(params);
  stridedStart(params, 3);
  for (let r = 0; r < rows; r++) {
    binaryRow(op, a + (stridedOffset(params, 0) << 2), b + (stridedOffset(params, 1) << 2), out + (stridedOffset(params, 2) << 2), n, sa, sb, p0);
    stridedNext(params, 3);
  }
}

/**
 * out = a op b over the strided parameter block `params` (operands a, b, out;
 * out contiguous in its last dimension). Pointers include the views' offsets.
 */
export function binary(op: i32, a: usize, b: usize, out: usize, params: usize, p0: f32): void {
  switch (op) {
    case BINARY_ADD: binaryND(BINARY_ADD, a, b, out, params, p0); break;
    case BINARY_SUB: binaryND(BINARY_SUB, a, b, out, params, p0); break;
    case BINARY_MUL: binaryND(BINARY_MUL, a, b, out, params, p0); break;
    case BINARY_DIV: binaryND(BINARY_DIV, a, b, out, params, p0); break;
    case BINARY_MAX: binaryND(BINARY_MAX, a, b, out, params, p0); break;
    case BINARY_MIN: binaryND(BINARY_MIN, a, b, out, params, p0); break;
    case BINARY_GREATER: binaryND(BINARY_GREATER, a, b, out, params, p0); break;
    case BINARY_STABILIZED_DIV: binaryND(BINARY_STABILIZED_DIV, a, b, out, params, p0); break;
    default: break;
  }
}

// ------------------------------------------------------------ where / copy

/** out = cond != 0 ? a : b over the strided block (operands cond, a, b, out). NaN conditions pick a. */
export function where(cond: usize, a: usize, b: usize, out: usize, params: usize): void {
  const rank = stridedRank(params);
  const n = stridedExtent(params, rank - 1);
  const sc = stridedStride(params, 0, rank - 1);
  const sa = stridedStride(params, 1, rank - 1);
  const sb = stridedStride(params, 2, rank - 1);
  const rows = stridedRows(params);
  const zero = f32x4.splat(0);
  stridedStart(params, 4);
  for (let r = 0; r < rows; r++) {
    const c = cond + (stridedOffset(params, 0) << 2);
    const x = a + (stridedOffset(params, 1) << 2);
    const y = b + (stridedOffset(params, 2) << 2);
    const o = out + (stridedOffset(params, 3) << 2);
    let i = 0;
    if (sc == 1 && sa == 1 && sb == 1) {
      for (; i + 4 <= n; i += 4) {
        const at = <usize>i << 2;
        v128.store(o + at, v128.bitselect(v128.load(x + at), v128.load(y + at), f32x4.ne(v128.load(c + at), zero)));
      }
    }
    for (; i < n; i++) {
      const cv = load<f32>(c + <usize>(i * sc) * 4);
      store<f32>(o + (<usize>i << 2), cv != 0 ? load<f32>(x + <usize>(i * sa) * 4) : load<f32>(y + <usize>(i * sb) * 4));
    }
    stridedNext(params, 4);
  }
}

/** out[view] = src[view] over the strided block (operands src, out); 32-bit words, so float32 and int32 alike. */
export function copy(src: usize, out: usize, params: usize): void {
  const rank = stridedRank(params);
  const n = stridedExtent(params, rank - 1);
  const ss = stridedStride(params, 0, rank - 1);
  const so = stridedStride(params, 1, rank - 1);
  const rows = stridedRows(params);
  stridedStart(params, 2);
  for (let r = 0; r < rows; r++) {
    const s = src + (stridedOffset(params, 0) << 2);
    const o = out + (stridedOffset(params, 1) << 2);
    if (ss == 1 && so == 1) {
      memory.copy(o, s, <usize>n << 2);
    } else if (ss == 0 && so == 1) {
      fill32(o, n, load<i32>(s));
    } else {
      for (let i = 0; i < n; i++) store<i32>(o + <usize>(i * so) * 4, load<i32>(s + <usize>(i * ss) * 4));
    }
    stridedNext(params, 2);
  }
}

/** count 32-bit words at ptr = bits (the JS side passes a float's bit pattern for float32). */
export function fill32(ptr: usize, count: i32, bits: i32): void {
  const v = i32x4.splat(bits);
  let i = 0;
  for (; i + 4 <= count; i += 4) v128.store(ptr + (<usize>i << 2), v);
  for (; i < count; i++) store<i32>(ptr + (<usize>i << 2), bits);
}
