/**
 * GEMM for at most four rows of C (batch-1 inference, vector-matrix
 * products), without packing: with so few rows every element of B is used
 * at most four times, so copying B into panels would cost as much as the
 * product. Up to four rows are computed together so B is read once.
 */
import { madd } from './fma';
import { storeColumn4, storeTile } from './epilogue';

/** Address of op(A)[i][p] (A stored m x k, or k x m when transposed). */
// @ts-ignore: decorator
@inline function aAt(a: usize, lda: usize, transA: bool, i: i32, p: i32): usize {
  return transA ? a + ((<usize>p * lda + <usize>i) << 2) : a + ((<usize>i * lda + <usize>p) << 2);
}

/** C (m <= 4 rows) = alpha op(A) op(B) + beta C. */
export function gemmFewRows(
  a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, lda: usize, ldb: usize, ldc: usize,
  transA: bool, transB: bool, alpha: f32, beta: f32,
): void {
  // Rows past m repeat row 0 (valid memory); their results are not stored.
  const r1 = m > 1 ? 1 : 0;
  const r2 = m > 2 ? 2 : 0;
  const r3 = m > 3 ? 3 : 0;
  if (!transB) {
    // B rows are contiguous: 8 columns at a time
    for (let j = 0; j < n; j += 8) {
      columnBlock(a, lda, transA, r1, r2, r3, b + (<usize>j << 2), ldb, k, min(8, n - j), c + (<usize>j << 2), ldc, m, alpha, beta);
    }
    return;
  }
  // B transposed (stored n x k): each C element is a dot product along k.
  for (let j = 0; j < n; j++) {
    dotColumn(a, lda, transA, r1, r2, r3, b + ((<usize>j * ldb) << 2), k, c + (<usize>j << 2), ldc, m, alpha, beta);
  }
}

/** Lanes [lane, lane + 4) of a B row of `cols` (< 8) floats, zero past the row's end, never read past it. */
// @ts-ignore: decorator
@inline function loadPartial4(row: usize, cols: i32, lane: i32): v128 {
  let v = f32x4.splat(0);
  if (cols > lane) v = f32x4.replace_lane(v, 0, load<f32>(row + (<usize>lane << 2)));
  if (cols > lane + 1) v = f32x4.replace_lane(v, 1, load<f32>(row + (<usize>(lane + 1) << 2)));
  if (cols > lane + 2) v = f32x4.replace_lane(v, 2, load<f32>(row + (<usize>(lane + 2) << 2)));
  if (cols > lane + 3) v = f32x4.replace_lane(v, 3, load<f32>(row + (<usize>(lane + 3) << 2)));
  return v;
}

/**
 * One block of `cols` (<= 8) columns of C at dst, B (not transposed) from
 * column bj on: accumulators for 4 rows x 8 columns in registers.
 */
// @ts-ignore: decorator
@inline function columnBlock(
  a: usize, lda: usize, transA: bool, r1: i32, r2: i32, r3: i32, bj: usize, ldb: usize, k: i32, cols: i32,
  dst: usize, ldc: usize, m: i32, alpha: f32, beta: f32,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < k; p++) {
    const row = bj + ((<usize>p * ldb) << 2);
    let b0: v128, b1: v128;
    if (cols == 8) {
      b0 = v128.load(row);
      b1 = v128.load(row, 16);
    } else {
      // a partial last block: load lane by lane, never past the row
      b0 = loadPartial4(row, cols, 0);
      b1 = loadPartial4(row, cols, 4);
    }
    let av = v128.load32_splat(aAt(a, lda, transA, 0, p));
    c00 = madd(av, b0, c00);
    c01 = madd(av, b1, c01);
    av = v128.load32_splat(aAt(a, lda, transA, r1, p));
    c10 = madd(av, b0, c10);
    c11 = madd(av, b1, c11);
    av = v128.load32_splat(aAt(a, lda, transA, r2, p));
    c20 = madd(av, b0, c20);
    c21 = madd(av, b1, c21);
    av = v128.load32_splat(aAt(a, lda, transA, r3, p));
    c30 = madd(av, b0, c30);
    c31 = madd(av, b1, c31);
  }
  storeTile(dst, ldc, m, cols, alpha, beta, c00, c01, c10, c11, c20, c21, c30, c31);
}

/** One column of C at dst for B transposed (its row bRow): up to four dot products along k. */
// @ts-ignore: decorator
@inline function dotColumn(
  a: usize, lda: usize, transA: bool, r1: i32, r2: i32, r3: i32, bRow: usize, k: i32,
  dst: usize, ldc: usize, m: i32, alpha: f32, beta: f32,
): void {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
  let p = 0;
  if (!transA) {
    for (; p + 4 <= k; p += 4) {
      const bv = v128.load(bRow + (<usize>p << 2));
      s0 = madd(v128.load(aAt(a, lda, false, 0, p)), bv, s0);
      s1 = madd(v128.load(aAt(a, lda, false, r1, p)), bv, s1);
      s2 = madd(v128.load(aAt(a, lda, false, r2, p)), bv, s2);
      s3 = madd(v128.load(aAt(a, lda, false, r3, p)), bv, s3);
    }
  }
  let d0 = sum4(s0), d1 = sum4(s1), d2 = sum4(s2), d3 = sum4(s3);
  for (; p < k; p++) {
    const bv = load<f32>(bRow + (<usize>p << 2));
    d0 += load<f32>(aAt(a, lda, transA, 0, p)) * bv;
    d1 += load<f32>(aAt(a, lda, transA, r1, p)) * bv;
    d2 += load<f32>(aAt(a, lda, transA, r2, p)) * bv;
    d3 += load<f32>(aAt(a, lda, transA, r3, p)) * bv;
  }
  storeColumn4(dst, ldc, m, d0, d1, d2, d3, alpha, beta);
}

// @ts-ignore: decorator
@inline function sum4(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}
