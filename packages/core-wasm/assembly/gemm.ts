/**
 * GEMM: C = alpha * op(A) op(B) + beta * C, float32, row-major, Goto/BLIS style.
 *
 * Loops (outer to inner): column blocks of NC, depth blocks of KC (pack a
 * KC x NC block of op(B) into NR-wide panels), row blocks of MC (pack an
 * MC x KC block of op(A) into MR-tall panels), then the MR x NR micro-kernel
 * over every (B panel, A panel) pair. Packing absorbs the transpose flags and
 * zero-pads edge panels so the micro-kernel always runs a full tile.
 *
 * The micro-kernel keeps a 4 x 8 tile of C in eight f32x4 registers: with two
 * B vectors, one broadcast A value and one product that is 12 of the 15 xmm
 * registers V8 allocates on x64, so nothing spills; eight independent add
 * chains cover the add latency on two add pipes.
 *
 * One call computes one block of C given by pointers and leading dimensions,
 * so a thread's share of rows, columns or batch entries is just an offset
 * pointer (see gemm() and schedule.ts). Products of at most four rows skip
 * packing (gemm-small.ts); a convolution's column matrix is packed straight
 * from the image (im2col.ts).
 */
import { ConvParams } from './conv-params';
import { packImageColumns } from './im2col';
import { gatherBlock, GatherSource } from './gather-pack';
import { gemmFewRows } from './gemm-small';
import { nextChunk, SPLIT_FIRST, SPLIT_NONE, SPLIT_SECOND } from './schedule';
import { madd } from './fma';
import { epilogueFor, setEpilogue, storeTile } from './epilogue';

export const MR: i32 = 4;
export const NR: i32 = 8;
/** Depth of a packed block: an A micro-panel (4 KiB) and a B micro-panel (8 KiB) stay in L1. */
export const KC: i32 = 256;
/** Rows of a packed A block: MC x KC floats = 128 KiB stays in L2. */
const MC: i32 = 128;
/** Columns of a packed B block: KC x NC floats = 2 MiB, streamed from L2/L3 one 8 KiB panel at a time. */
export const NC: i32 = 2048;

/** Floats of scratch one thread needs for gemm's packed blocks. */
export function gemmWorkFloats(): i32 {
  return MC * KC + KC * NC;
}

// ---------------------------------------------------------------- packing

/** 4x4 transpose of rows r0..r3 into columns, written as 4 consecutive vectors at dst with stride `step` bytes. */
// @ts-ignore: decorator
@inline function transposeStore4(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, step: usize): void {
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<i64>(t0, t2, 0, 2));
  v128.store(dst + step, v128.shuffle<i64>(t0, t2, 1, 3));
  v128.store(dst + 2 * step, v128.shuffle<i64>(t1, t3, 0, 2));
  v128.store(dst + 3 * step, v128.shuffle<i64>(t1, t3, 1, 3));
}

/**
 * Pack rows [0, mc) x depth [0, kc) of op(A) (origin `a`, already offset to the
 * block) into MR-tall panels: panel q holds, for each p, the MR values
 * op(A)[q*MR + r][p] contiguously. Rows past mc are zero.
 */
function packA(a: usize, lda: usize, transA: bool, mc: i32, kc: i32, dst: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    if (!transA) {
      // op(A)[i][p] = A[i * lda + p]
      const row0 = a + <usize>ir * lda * 4;
      if (rows == MR) {
        const row1 = row0 + lda * 4;
        const row2 = row1 + lda * 4;
        const row3 = row2 + lda * 4;
        let p = 0;
        for (; p + 4 <= kc; p += 4) {
          const off = <usize>p << 2;
          transposeStore4(v128.load(row0 + off), v128.load(row1 + off), v128.load(row2 + off), v128.load(row3 + off), dst + (<usize>p << 4), 16);
        }
        for (; p < kc; p++) {
          const off = <usize>p << 2;
          const d = dst + (<usize>p << 4);
          store<f32>(d, load<f32>(row0 + off));
          store<f32>(d, load<f32>(row1 + off), 4);
          store<f32>(d, load<f32>(row2 + off), 8);
          store<f32>(d, load<f32>(row3 + off), 12);
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const d = dst + (<usize>p << 4);
          for (let r = 0; r < MR; r++) {
            const v: f32 = r < rows ? load<f32>(row0 + (<usize>r * lda + <usize>p) * 4) : 0;
            store<f32>(d + (<usize>r << 2), v);
          }
        }
      }
    } else {
      // op(A)[i][p] = A[p * lda + i]: MR consecutive values per p
      const col0 = a + (<usize>ir << 2);
      if (rows == MR) {
        for (let p = 0; p < kc; p++) {
          v128.store(dst + (<usize>p << 4), v128.load(col0 + <usize>p * lda * 4));
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const s = col0 + <usize>p * lda * 4;
          const d = dst + (<usize>p << 4);
          for (let r = 0; r < MR; r++) store<f32>(d + (<usize>r << 2), r < rows ? load<f32>(s + (<usize>r << 2)) : <f32>0);
        }
      }
    }
    dst += <usize>kc * MR * 4;
  }
}

/**
 * Pack depth [0, kc) x columns [0, nc) of op(B) (origin `b`, already offset)
 * into NR-wide panels: panel q holds, for each p, op(B)[p][q*NR + c] for c < NR
 * contiguously. Columns past nc are zero.
 */
function packB(b: usize, ldb: usize, transB: bool, kc: i32, nc: i32, dst: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    if (!transB) {
      // op(B)[p][j] = B[p * ldb + j]
      const src = b + (<usize>jr << 2);
      if (cols == NR) {
        for (let p = 0; p < kc; p++) {
          const s = src + <usize>p * ldb * 4;
          const d = dst + (<usize>p << 5);
          v128.store(d, v128.load(s));
          v128.store(d, v128.load(s, 16), 16);
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const s = src + <usize>p * ldb * 4;
          const d = dst + (<usize>p << 5);
          for (let c = 0; c < NR; c++) store<f32>(d + (<usize>c << 2), c < cols ? load<f32>(s + (<usize>c << 2)) : <f32>0);
        }
      }
    } else {
      // op(B)[p][j] = B[j * ldb + p]: transpose 4x4 blocks of the stored rows
      const row0 = b + <usize>jr * ldb * 4;
      if (cols == NR) {
        const stride = ldb * 4;
        let p = 0;
        for (; p + 4 <= kc; p += 4) {
          const s = row0 + (<usize>p << 2);
          const d = dst + (<usize>p << 5);
          transposeStore4(v128.load(s), v128.load(s + stride), v128.load(s + 2 * stride), v128.load(s + 3 * stride), d, 32);
          const s4 = s + 4 * stride;
          transposeStore4(v128.load(s4), v128.load(s4 + stride), v128.load(s4 + 2 * stride), v128.load(s4 + 3 * stride), d + 16, 32);
        }
        for (; p < kc; p++) {
          const d = dst + (<usize>p << 5);
          for (let c = 0; c < NR; c++) store<f32>(d + (<usize>c << 2), load<f32>(row0 + (<usize>c * ldb + <usize>p) * 4));
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const d = dst + (<usize>p << 5);
          for (let c = 0; c < NR; c++) {
            store<f32>(d + (<usize>c << 2), c < cols ? load<f32>(row0 + (<usize>c * ldb + <usize>p) * 4) : <f32>0);
          }
        }
      }
    }
    dst += <usize>kc * NR * 4;
  }
}

// ----------------------------------------------------------- micro-kernel

/**
 * C tile (rows x cols of at most MR x NR at c, row pitch ldc floats) =
 * alpha * Apanel * Bpanel + beta * C. The k loop is deliberately not
 * unrolled: binaryen then interleaves the two steps' loads and V8 spills
 * accumulators (measured slower). It runs on the A pointer alone, without a
 * separate counter.
 */
function microKernel(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, rows: i32, cols: i32, alpha: f32, beta: f32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const aEnd = ap + (<usize>kc << 4);
  while (ap < aEnd) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(ap, 4);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(ap, 8);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(ap, 12);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    ap += 16;
    bp += 32;
  }
  storeTile(c, ldc, rows, cols, alpha, beta, c00, c01, c10, c11, c20, c21, c30, c31);
}

/**
 * The micro-kernel for an edge panel of 1 to 3 rows (the rest of the packed A
 * panel is zero padding): the same multiply-adds, in the same order, for the
 * rows that exist only, so C gets the same bits for less work. Products whose
 * row count is not a multiple of MR (a patient's targets, a training batch of
 * 25) end in such a panel.
 */
function microKernelEdge(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, rows: i32, cols: i32, alpha: f32, beta: f32): void {
  const zero = f32x4.splat(0);
  let c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero;
  const aEnd = ap + (<usize>kc << 4);
  while (ap < aEnd) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    const a0 = v128.load32_splat(ap);
    c00 = madd(a0, b0, c00);
    c01 = madd(a0, b1, c01);
    if (rows > 1) {
      const a1 = v128.load32_splat(ap, 4);
      c10 = madd(a1, b0, c10);
      c11 = madd(a1, b1, c11);
    }
    if (rows > 2) {
      const a2 = v128.load32_splat(ap, 8);
      c20 = madd(a2, b0, c20);
      c21 = madd(a2, b1, c21);
    }
    ap += 16;
    bp += 32;
  }
  storeTile(c, ldc, rows, cols, alpha, beta, c00, c01, c10, c11, c20, c21, zero, zero);
}

// ------------------------------------------------------------------ driver

// @ts-ignore: decorator
@inline function roundUp(x: i32, to: i32): i32 {
  return ((x + to - 1) / to) * to;
}

/** The jr / ir loops: every micro-tile of a C block from one packed A block (mc x kc) and one packed B block (kc x nc). */
function macroKernel(pa: usize, pb: usize, c: usize, mc: i32, nc: i32, kc: i32, ldc: usize, alpha: f32, beta: f32): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    const bp = pb + <usize>jr * <usize>kc * 4;
    let cTile = c + (<usize>jr << 2);
    for (let ir = 0; ir < mc; ir += MR) {
      const rows = min(MR, mc - ir);
      if (rows == MR) microKernel(kc, pa + <usize>ir * <usize>kc * 4, bp, cTile, ldc, MR, cols, alpha, beta);
      else microKernelEdge(kc, pa + <usize>ir * <usize>kc * 4, bp, cTile, ldc, rows, cols, alpha, beta);
      cTile += <usize>MR * ldc * 4;
    }
  }
}

// @ts-ignore: decorator
@inline function aOrigin(a: usize, lda: usize, transA: bool, row: i32, depth: i32): usize {
  return transA ? a + (<usize>depth * lda + <usize>row) * 4 : a + (<usize>row * lda + <usize>depth) * 4;
}

// @ts-ignore: decorator
@inline function bOrigin(b: usize, ldb: usize, transB: bool, depth: i32, col: i32): usize {
  return transB ? b + (<usize>col * ldb + <usize>depth) * 4 : b + (<usize>depth * ldb + <usize>col) * 4;
}

/**
 * One product: C (m x n, pitch ldc) = alpha op(A) op(B) + beta C, using `work`
 * (gemmWorkFloats() floats) for packing. With `conv` (a ConvParams address),
 * B is instead the implicit column matrix of the image group at `b`, from
 * column `colBase` on (transB and ldb are ignored). With `gather` (a
 * GatherSource address, m > MR), B is gathered from W block by block
 * (gather-pack.ts; b, transB and ldb are ignored).
 */
export function gemmSingle(
  a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, lda: usize, ldb: usize, ldc: usize,
  transA: bool, transB: bool, alpha: f32, beta: f32, work: usize, conv: usize = 0, colBase: i32 = 0, gather: usize = 0,
): void {
  if (k <= 0) {
    scaleBlock(c, m, n, ldc, beta);
    return;
  }
  if (m <= MR && conv == 0 && gather == 0) {
    // packing B would cost as much as the product itself
    epilogueFor(true);
    gemmFewRows(a, b, c, m, n, k, lda, ldb, ldc, transA, transB, alpha, beta);
    return;
  }
  const packedA = work;
  const packedB = work + <usize>MC * KC * 4;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      // Later depth blocks accumulate onto the first one's result.
      const betaBlock: f32 = pc == 0 ? beta : 1;
      epilogueFor(pc + kc >= k);
      if (conv != 0) packImageColumns(changetype<ConvParams>(conv), b, pc, kc, colBase + jc, nc, packedB, NR);
      else if (gather != 0) gatherBlock(changetype<GatherSource>(gather), pc, kc, jc, nc, packedB);
      else packB(bOrigin(b, ldb, transB, pc, jc), ldb, transB, kc, nc, packedB);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(aOrigin(a, lda, transA, ic, pc), lda, transA, mc, kc, packedA);
        macroKernel(packedA, packedB, c + (<usize>ic * ldc + <usize>jc) * 4, mc, nc, kc, ldc, alpha, betaBlock);
      }
    }
  }
}

// ------------------------------------------- splitting with a packed operand
// A thread that computes a chunk of rows needs all of op(B), one computing a
// chunk of columns all of op(A). Packing that operand once per thread (not
// once per chunk) keeps small chunks, and so dynamic load balancing, cheap.
// The blocking (and so every sum's order) is the same as gemmSingle's.

/** Floats of all of op(B) (k x n) packed: block (jc, pc) starts at k * jc + pc * roundUp(nc, NR). */
// @ts-ignore: decorator
@inline function packedBFloats(k: i32, n: i32): i32 {
  return k * roundUp(n, NR);
}

/** Floats of all of op(A) (m x k) packed: block (pc, ic) starts at pc * roundUp(m, MR) + kc * ic. */
// @ts-ignore: decorator
@inline function packedAFloats(m: i32, k: i32): i32 {
  return roundUp(m, MR) * k;
}

/** Work floats a thread needs for gemm() with split = SPLIT_FIRST / SPLIT_SECOND and prepack. */
export function gemmPrepackFloats(m: i32, n: i32, k: i32, split: i32): i32 {
  return split == SPLIT_FIRST ? MC * KC + packedBFloats(k, n) : KC * NC + packedAFloats(m, k);
}

function packBAll(b: usize, ldb: usize, transB: bool, k: i32, n: i32, dst: usize): void {
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      packB(bOrigin(b, ldb, transB, pc, jc), ldb, transB, min(KC, k - pc), nc, dst + (<usize>(k * jc + pc * roundUp(nc, NR)) << 2));
    }
  }
}

function packAAll(a: usize, lda: usize, transA: bool, m: i32, k: i32, dst: usize): void {
  for (let pc = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    for (let ic = 0; ic < m; ic += MC) {
      packA(aOrigin(a, lda, transA, ic, pc), lda, transA, min(MC, m - ic), kc, dst + (<usize>(pc * roundUp(m, MR) + kc * ic) << 2));
    }
  }
}

/** Rows [r0, r1) of C from op(A) and the fully packed op(B) at pbAll. */
function rowsWithPackedB(
  a: usize, lda: usize, transA: bool, pbAll: usize, c: usize, ldc: usize,
  r0: i32, r1: i32, n: i32, k: i32, alpha: f32, beta: f32, packedA: usize,
): void {
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const betaBlock: f32 = pc == 0 ? beta : 1;
      epilogueFor(pc + kc >= k);
      const pb = pbAll + (<usize>(k * jc + pc * roundUp(nc, NR)) << 2);
      for (let ic = r0; ic < r1; ic += MC) {
        const mc = min(MC, r1 - ic);
        packA(aOrigin(a, lda, transA, ic, pc), lda, transA, mc, kc, packedA);
        macroKernel(packedA, pb, c + (<usize>ic * ldc + <usize>jc) * 4, mc, nc, kc, ldc, alpha, betaBlock);
      }
    }
  }
}

/** Columns [c0, c1) of C from the fully packed op(A) at paAll and op(B). */
function columnsWithPackedA(
  paAll: usize, m: i32, b: usize, ldb: usize, transB: bool, c: usize, ldc: usize,
  c0: i32, c1: i32, k: i32, alpha: f32, beta: f32, packedB: usize,
): void {
  for (let jc = c0; jc < c1; jc += NC) {
    const nc = min(NC, c1 - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const betaBlock: f32 = pc == 0 ? beta : 1;
      epilogueFor(pc + kc >= k);
      packB(bOrigin(b, ldb, transB, pc, jc), ldb, transB, kc, nc, packedB);
      for (let ic = 0; ic < m; ic += MC) {
        const pa = paAll + (<usize>(pc * roundUp(m, MR) + kc * ic) << 2);
        macroKernel(pa, packedB, c + (<usize>ic * ldc + <usize>jc) * 4, min(MC, m - ic), nc, kc, ldc, alpha, betaBlock);
      }
    }
  }
}

// --------------------------------------------------------------- entry point

/** C = beta * C over an m x n block (beta == 0 writes zeros without reading C). */
function scaleBlock(c: usize, m: i32, n: i32, ldc: usize, beta: f32): void {
  for (let i = 0; i < m; i++) {
    const row = c + <usize>i * ldc * 4;
    for (let j = 0; j < n; j++) {
      const at = row + (<usize>j << 2);
      store<f32>(at, beta == 0 ? <f32>0 : beta * load<f32>(at));
    }
  }
}

/** `batch` products; operands advance by their batch strides (floats; 0 = shared). */
function gemmBatch(
  a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32,
  transA: i32, transB: i32, alpha: f32, beta: f32,
  batch: i32, strideA: i32, strideB: i32, strideC: i32, work: usize,
): void {
  for (let i = 0; i < batch; i++) {
    gemmSingle(
      a + <usize>i * <usize>strideA * 4, b + <usize>i * <usize>strideB * 4, c + <usize>i * <usize>strideC * 4,
      m, n, k, <usize>lda, <usize>ldb, <usize>ldc, transA != 0, transB != 0, alpha, beta, work,
    );
  }
}

/**
 * Batched GEMM (see gemmBatch). With split = SPLIT_NONE this call computes
 * everything; otherwise every thread makes the same call and they share the
 * work in chunks of `chunk` rows (SPLIT_FIRST), columns (SPLIT_SECOND) or
 * batch entries (SPLIT_THIRD) claimed from `counter` (an i32, zero at start).
 * With `prepack` (batch 1 only; work of gemmPrepackFloats floats), a thread
 * packs the operand every chunk shares once, on its first chunk.
 * Row and column splits keep each element's summation order, so results are
 * bit-identical to one thread.
 */
export function gemm(
  a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32,
  transA: i32, transB: i32, alpha: f32, beta: f32,
  batch: i32, strideA: i32, strideB: i32, strideC: i32,
  split: i32, chunk: i32, prepack: i32, counter: usize, work: usize,
): void {
  if (split == SPLIT_NONE) {
    gemmBatch(a, b, c, m, n, k, lda, ldb, ldc, transA, transB, alpha, beta, batch, strideA, strideB, strideC, work);
    return;
  }
  const total = split == SPLIT_FIRST ? m : split == SPLIT_SECOND ? n : batch;
  let packed = false;
  for (let start = nextChunk(counter, chunk, total); start >= 0; start = nextChunk(counter, chunk, total)) {
    const count = min(chunk, total - start);
    if (split == SPLIT_FIRST) {
      if (prepack != 0) {
        const pbAll = work + <usize>MC * KC * 4;
        if (!packed) packBAll(b, <usize>ldb, transB != 0, k, n, pbAll);
        packed = true;
        rowsWithPackedB(a, <usize>lda, transA != 0, pbAll, c, <usize>ldc, start, start + count, n, k, alpha, beta, work);
      } else {
        const aRows = a + <usize>(transA != 0 ? start : start * lda) * 4;
        gemmBatch(aRows, b, c + <usize>start * <usize>ldc * 4, count, n, k, lda, ldb, ldc, transA, transB, alpha, beta, batch, strideA, strideB, strideC, work);
      }
    } else if (split == SPLIT_SECOND) {
      if (prepack != 0) {
        const paAll = work + <usize>KC * NC * 4;
        if (!packed) packAAll(a, <usize>lda, transA != 0, m, k, paAll);
        packed = true;
        columnsWithPackedA(paAll, m, b, <usize>ldb, transB != 0, c, <usize>ldc, start, start + count, k, alpha, beta, work);
      } else {
        const bCols = b + <usize>(transB != 0 ? start * ldb : start) * 4;
        gemmBatch(a, bCols, c + (<usize>start << 2), m, count, k, lda, ldb, ldc, transA, transB, alpha, beta, batch, strideA, strideB, strideC, work);
      }
    } else {
      gemmBatch(
        a + <usize>start * <usize>strideA * 4, b + <usize>start * <usize>strideB * 4, c + <usize>start * <usize>strideC * 4,
        m, n, k, lda, ldb, ldc, transA, transB, alpha, beta, count, strideA, strideB, strideC, work,
      );
    }
  }
}

/**
 * gemm (batch 1) with the fused epilogue of epilogue.ts: bias (n floats, 0 =
 * none), ReLU when relu != 0, and its mask written to `mask` (m x n, 0 = none).
 * Splits and sums exactly as gemm, so bit-identical for any thread count.
 * Needs k > 0 (the front end composes the k == 0 case).
 */
export function gemmFused(
  a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, lda: i32, ldb: i32, ldc: i32,
  transA: i32, transB: i32, alpha: f32, beta: f32,
  split: i32, chunk: i32, prepack: i32, counter: usize, bias: usize, mask: usize, relu: i32, work: usize,
): void {
  setEpilogue(true, c, <usize>ldc, bias, mask, relu != 0);
  gemm(a, b, c, m, n, k, lda, ldb, ldc, transA, transB, alpha, beta, 1, 0, 0, 0, split, chunk, prepack, counter, work);
  setEpilogue(false, 0, 1, 0, 0, false);
}

// ------------------------------------------------ B packed once, kept by the caller
// A model's weights don't change between batches: the JS side packs a weight
// operand once (gemmPackB, the layout of packBAll) and keeps it until the
// weights are written. The products below read it instead of packing B; they
// split by rows only and block exactly as gemmSingle / rowsWithPackedB, so
// results are bit-identical to gemm / gemmFused on any thread count.

/** Floats of op(B) (k x n) packed by gemmPackB. */
export function gemmPackedBFloats(k: i32, n: i32): i32 {
  return packedBFloats(k, n);
}

/** Pack all of op(B) (k x n; B stored k x n, or n x k when transB) at dst (gemmPackedBFloats floats). */
export function gemmPackB(b: usize, ldb: i32, transB: i32, k: i32, n: i32, dst: usize): void {
  packBAll(b, <usize>ldb, transB != 0, k, n, dst);
}

/**
 * C (m x n, pitch n) = alpha op(A) op(B) + beta C with op(B) packed by
 * gemmPackB at pb, m > MR, k > 0; the epilogue of gemmFused when fused != 0.
 * split is SPLIT_NONE or SPLIT_FIRST (chunks of rows); work: MC * KC floats.
 */
export function gemmPackedB(
  a: usize, pb: usize, c: usize, m: i32, n: i32, k: i32, lda: i32, transA: i32, alpha: f32, beta: f32,
  split: i32, chunk: i32, counter: usize, fused: i32, bias: usize, mask: usize, relu: i32, work: usize,
): void {
  const ldc = <usize>n;
  if (fused != 0) setEpilogue(true, c, ldc, bias, mask, relu != 0);
  if (split == SPLIT_NONE) {
    rowsWithPackedB(a, <usize>lda, transA != 0, pb, c, ldc, 0, m, n, k, alpha, beta, work);
  } else {
    for (let start = nextChunk(counter, chunk, m); start >= 0; start = nextChunk(counter, chunk, m)) {
      rowsWithPackedB(a, <usize>lda, transA != 0, pb, c, ldc, start, min(m, start + chunk), n, k, alpha, beta, work);
    }
  }
  if (fused != 0) setEpilogue(false, 0, 1, 0, 0, false);
}
