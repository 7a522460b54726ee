/**
 * Reductions along one axis of a tensor seen as [outer, axis, inner]:
 * reduce (sum, mean, max, min), argmax, softmax / log-softmax and their backward.
 *
 * Two layouts: inner == 1 (the axis is contiguous: SIMD along it) and
 * inner > 1 (SIMD across four neighbouring inner positions, striding along the
 * axis). Sums accumulate in float64 (f64x2 lanes) so long axes keep float32
 * accuracy; results are rounded to float32 once.
 */
import { REDUCE_MAX, REDUCE_MEAN, REDUCE_MIN, REDUCE_SUM } from './ops';
import { expV } from './math';

/** f64x2 of lanes 2 and 3 of a f32x4. */
// @ts-ignore: decorator
@inline function promoteHigh(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3));
}

/** Horizontal sum of two f64x2 accumulators. */
// @ts-ignore: decorator
@inline function sum2(a: v128, b: v128): f64 {
  const s = f64x2.add(a, b);
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}

/** Sum of n contiguous floats in float64. */
function rowSum(x: usize, n: i32): f64 {
  let acc0 = f64x2.splat(0), acc1 = f64x2.splat(0), acc2 = f64x2.splat(0), acc3 = f64x2.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const v0 = v128.load(x + (<usize>i << 2));
    const v1 = v128.load(x + (<usize>i << 2), 16);
    acc0 = f64x2.add(acc0, f64x2.promote_low_f32x4(v0));
    acc1 = f64x2.add(acc1, promoteHigh(v0));
    acc2 = f64x2.add(acc2, f64x2.promote_low_f32x4(v1));
    acc3 = f64x2.add(acc3, promoteHigh(v1));
  }
  let s = sum2(acc0, acc1) + sum2(acc2, acc3);
  for (; i < n; i++) s += <f64>load<f32>(x + (<usize>i << 2));
  return s;
}

/** Sum of n contiguous products a[i] * b[i] (products rounded to float32, sums in float64). */
function rowDot(a: usize, b: usize, n: i32): f64 {
  let acc0 = f64x2.splat(0), acc1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const p = f32x4.mul(v128.load(a + (<usize>i << 2)), v128.load(b + (<usize>i << 2)));
    acc0 = f64x2.add(acc0, f64x2.promote_low_f32x4(p));
    acc1 = f64x2.add(acc1, promoteHigh(p));
  }
  let s = sum2(acc0, acc1);
  for (; i < n; i++) s += <f64>(load<f32>(a + (<usize>i << 2)) * load<f32>(b + (<usize>i << 2)));
  return s;
}

/** Max (isMax) or min of n >= 1 contiguous floats; NaN propagates. */
function rowExtreme(x: usize, n: i32, isMax: bool): f32 {
  let acc = v128.load32_splat(x);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    acc = isMax ? f32x4.max(acc, v) : f32x4.min(acc, v);
  }
  let r = isMax
    ? max(max(f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1)), max(f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)))
    : min(min(f32x4.extract_lane(acc, 0), f32x4.extract_lane(acc, 1)), min(f32x4.extract_lane(acc, 2), f32x4.extract_lane(acc, 3)));
  for (; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    r = isMax ? max(r, v) : min(r, v);
  }
  return r;
}

// ------------------------------------------------- column blocks (inner > 1)
// A "column block" is `width` (4 or 1) neighbouring inner positions; every
// helper loads with v128.load (width 4) or load32_splat (width 1) and stores
// 4 lanes or lane 0, so the scalar tail runs exactly the lane computation.

// @ts-ignore: decorator
@inline function loadCols(p: usize, width: i32): v128 {
  return width == 4 ? v128.load(p) : v128.load32_splat(p);
}

// @ts-ignore: decorator
@inline function storeCols(p: usize, v: v128, width: i32): void {
  if (width == 4) v128.store(p, v);
  else store<f32>(p, f32x4.extract_lane(v, 0));
}

// @ts-ignore: decorator
@inline function reduceCols(op: i32, x: usize, out: usize, axis: i32, pitch: usize, width: i32): void {
  if (op == REDUCE_SUM || op == REDUCE_MEAN) {
    let lo = f64x2.splat(0), hi = f64x2.splat(0);
    for (let a = 0; a < axis; a++) {
      const v = loadCols(x + <usize>a * pitch, width);
      lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
      hi = f64x2.add(hi, promoteHigh(v));
    }
    if (op == REDUCE_MEAN) {
      const d = f64x2.splat(<f64>axis);
      lo = f64x2.div(lo, d);
      hi = f64x2.div(hi, d);
    }
    const r = f32x4.demote_f64x2_zero(lo);
    const rh = f32x4.demote_f64x2_zero(hi);
    storeCols(out, v128.shuffle<f32>(r, rh, 0, 1, 4, 5), width);
  } else {
    let acc = loadCols(x, width);
    for (let a = 1; a < axis; a++) {
      const v = loadCols(x + <usize>a * pitch, width);
      acc = op == REDUCE_MAX ? f32x4.max(acc, v) : f32x4.min(acc, v);
    }
    storeCols(out, acc, width);
  }
}

/** reduceCols with a constant op in each branch, so each inlined copy carries no op tests in its loop. */
// @ts-ignore: decorator
@inline function reduceColsOf(op: i32, x: usize, out: usize, axis: i32, pitch: usize, width: i32): void {
  switch (op) {
    case REDUCE_SUM: reduceCols(REDUCE_SUM, x, out, axis, pitch, width); break;
    case REDUCE_MEAN: reduceCols(REDUCE_MEAN, x, out, axis, pitch, width); break;
    case REDUCE_MAX: reduceCols(REDUCE_MAX, x, out, axis, pitch, width); break;
    default: reduceCols(REDUCE_MIN, x, out, axis, pitch, width); break;
  }
}

/** out[o, i] = op over a of x[o, a, i]. */
export function reduce(op: i32, x: usize, out: usize, outer: i32, axis: i32, inner: i32): void {
  if (inner == 1) {
    for (let o = 0; o < outer; o++) {
      const row = x + <usize>o * <usize>axis * 4;
      let r: f32;
      if (op == REDUCE_SUM) r = <f32>rowSum(row, axis);
      else if (op == REDUCE_MEAN) r = <f32>(rowSum(row, axis) / <f64>axis);
      else r = rowExtreme(row, axis, op == REDUCE_MAX);
      store<f32>(out + (<usize>o << 2), r);
    }
    return;
  }
  const pitch = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const src = x + <usize>o * <usize>axis * pitch;
    const dst = out + <usize>o * pitch;
    let i = 0;
    for (; i + 4 <= inner; i += 4) {
      const at = <usize>i << 2;
      reduceColsOf(op, src + at, dst + at, axis, pitch, 4);
    }
    for (; i < inner; i++) {
      const at = <usize>i << 2;
      reduceColsOf(op, src + at, dst + at, axis, pitch, 1);
    }
  }
}

// ------------------------------------------------------------------ argmax

/** out (int32) [o, i] = first index of the maximum of x[o, :, i] (NaN never wins unless it comes first). */
export function argmax(x: usize, out: usize, outer: i32, axis: i32, inner: i32): void {
  const pitch = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const src = x + <usize>o * <usize>axis * pitch;
    const dst = out + <usize>o * pitch;
    let i = 0;
    for (; i + 4 <= inner; i += 4) {
      const at = <usize>i << 2;
      let best = v128.load(src + at);
      let index = i32x4.splat(0);
      for (let a = 1; a < axis; a++) {
        const v = v128.load(src + <usize>a * pitch + at);
        const better = f32x4.gt(v, best);
        best = v128.bitselect(v, best, better);
        index = v128.bitselect(i32x4.splat(a), index, better);
      }
      v128.store(dst + at, index);
    }
    for (; i < inner; i++) {
      const at = <usize>i << 2;
      let best = load<f32>(src + at);
      let index = 0;
      for (let a = 1; a < axis; a++) {
        const v = load<f32>(src + <usize>a * pitch + at);
        if (v > best) {
          best = v;
          index = a;
        }
      }
      store<i32>(dst + at, index);
    }
  }
}

// ----------------------------------------------------------------- softmax

// @ts-ignore: decorator
@inline function softmaxCols(x: usize, out: usize, axis: i32, pitch: usize, width: i32, log: bool): void {
  let m = loadCols(x, width);
  for (let a = 1; a < axis; a++) m = f32x4.max(m, loadCols(x + <usize>a * pitch, width));
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  for (let a = 0; a < axis; a++) {
    const e = expV(f32x4.sub(loadCols(x + <usize>a * pitch, width), m));
    if (!log) storeCols(out + <usize>a * pitch, e, width);
    lo = f64x2.add(lo, f64x2.promote_low_f32x4(e));
    hi = f64x2.add(hi, promoteHigh(e));
  }
  if (log) {
    // log of the float64 sums, lane by lane
    let ls = f32x4.splat(<f32>Math.log(f64x2.extract_lane(lo, 0)));
    ls = f32x4.replace_lane(ls, 1, <f32>Math.log(f64x2.extract_lane(lo, 1)));
    ls = f32x4.replace_lane(ls, 2, <f32>Math.log(f64x2.extract_lane(hi, 0)));
    ls = f32x4.replace_lane(ls, 3, <f32>Math.log(f64x2.extract_lane(hi, 1)));
    for (let a = 0; a < axis; a++) {
      const p = <usize>a * pitch;
      storeCols(out + p, f32x4.sub(f32x4.sub(loadCols(x + p, width), m), ls), width);
    }
  } else {
    const s = v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
    for (let a = 0; a < axis; a++) {
      const p = <usize>a * pitch;
      storeCols(out + p, f32x4.div(loadCols(out + p, width), s), width);
    }
  }
}

/** Numerically stable (log-)softmax along the axis. */
export function softmax(x: usize, out: usize, outer: i32, axis: i32, inner: i32, log: i32): void {
  const pitch = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const src = x + <usize>o * <usize>axis * pitch;
    const dst = out + <usize>o * <usize>axis * pitch;
    if (inner == 1) {
      const m = rowExtreme(src, axis, true);
      const vm = f32x4.splat(m);
      let acc0 = f64x2.splat(0), acc1 = f64x2.splat(0);
      let a = 0;
      for (; a + 4 <= axis; a += 4) {
        const at = <usize>a << 2;
        const e = expV(f32x4.sub(v128.load(src + at), vm));
        if (!log) v128.store(dst + at, e);
        acc0 = f64x2.add(acc0, f64x2.promote_low_f32x4(e));
        acc1 = f64x2.add(acc1, promoteHigh(e));
      }
      let s = sum2(acc0, acc1);
      for (; a < axis; a++) {
        const at = <usize>a << 2;
        const e = f32x4.extract_lane(expV(f32x4.splat(load<f32>(src + at) - m)), 0);
        if (!log) store<f32>(dst + at, e);
        s += <f64>e;
      }
      if (log) {
        const ls = f32x4.splat(<f32>Math.log(s));
        a = 0;
        for (; a + 4 <= axis; a += 4) {
          const at = <usize>a << 2;
          v128.store(dst + at, f32x4.sub(f32x4.sub(v128.load(src + at), vm), ls));
        }
        for (; a < axis; a++) {
          const at = <usize>a << 2;
          store<f32>(dst + at, f32x4.extract_lane(f32x4.sub(f32x4.sub(f32x4.splat(load<f32>(src + at)), vm), ls), 0));
        }
      } else {
        const vs = f32x4.splat(<f32>s);
        a = 0;
        for (; a + 4 <= axis; a += 4) {
          const at = <usize>a << 2;
          v128.store(dst + at, f32x4.div(v128.load(dst + at), vs));
        }
        for (; a < axis; a++) {
          const at = <usize>a << 2;
          store<f32>(dst + at, load<f32>(dst + at) / <f32>s);
        }
      }
      continue;
    }
    let i = 0;
    for (; i + 4 <= inner; i += 4) {
      const at = <usize>i << 2;
      if (log) softmaxCols(src + at, dst + at, axis, pitch, 4, true);
      else softmaxCols(src + at, dst + at, axis, pitch, 4, false);
    }
    for (; i < inner; i++) {
      const at = <usize>i << 2;
      if (log) softmaxCols(src + at, dst + at, axis, pitch, 1, true);
      else softmaxCols(src + at, dst + at, axis, pitch, 1, false);
    }
  }
}

// @ts-ignore: decorator
@inline function softmaxBackwardCols(y: usize, dy: usize, out: usize, axis: i32, pitch: usize, width: i32, log: bool): void {
  // softmax: s = sum(dy * y); log-softmax: s = sum(dy)
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  for (let a = 0; a < axis; a++) {
    const p = <usize>a * pitch;
    const g = loadCols(dy + p, width);
    const t = log ? g : f32x4.mul(g, loadCols(y + p, width));
    lo = f64x2.add(lo, f64x2.promote_low_f32x4(t));
    hi = f64x2.add(hi, promoteHigh(t));
  }
  const s = v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
  for (let a = 0; a < axis; a++) {
    const p = <usize>a * pitch;
    const yv = loadCols(y + p, width);
    const g = loadCols(dy + p, width);
    storeCols(out + p, log ? f32x4.sub(g, f32x4.mul(expV(yv), s)) : f32x4.mul(yv, f32x4.sub(g, s)), width);
  }
}

/** softmax: dx = y * (dy - sum(dy * y)); log-softmax: dx = dy - exp(y) * sum(dy). */
export function softmaxBackward(y: usize, dy: usize, out: usize, outer: i32, axis: i32, inner: i32, log: i32): void {
  const pitch = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const base = <usize>o * <usize>axis * pitch;
    const yr = y + base, gr = dy + base, dst = out + base;
    if (inner == 1) {
      const s = <f32>(log ? rowSum(gr, axis) : rowDot(gr, yr, axis));
      const vs = f32x4.splat(s);
      let a = 0;
      for (; a + 4 <= axis; a += 4) {
        const at = <usize>a << 2;
        const yv = v128.load(yr + at);
        const g = v128.load(gr + at);
        v128.store(dst + at, log ? f32x4.sub(g, f32x4.mul(expV(yv), vs)) : f32x4.mul(yv, f32x4.sub(g, vs)));
      }
      for (; a < axis; a++) {
        const at = <usize>a << 2;
        const yv = load<f32>(yr + at);
        const g = load<f32>(gr + at);
        store<f32>(dst + at, log ? g - f32x4.extract_lane(expV(f32x4.splat(yv)), 0) * s : yv * (g - s));
      }
      continue;
    }
    let i = 0;
    for (; i + 4 <= inner; i += 4) {
      const at = <usize>i << 2;
      if (log) softmaxBackwardCols(yr + at, gr + at, dst + at, axis, pitch, 4, true);
      else softmaxBackwardCols(yr + at, gr + at, dst + at, axis, pitch, 4, false);
    }
    for (; i < inner; i++) {
      const at = <usize>i << 2;
      if (log) softmaxBackwardCols(yr + at, gr + at, dst + at, axis, pitch, 1, true);
      else softmaxBackwardCols(yr + at, gr + at, dst + at, axis, pitch, 1, false);
    }
  }
}
