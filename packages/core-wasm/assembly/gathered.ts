/**
 * Gathered GEMM: a ragged batch of products against one shared matrix W,
 * each through its own rows and columns of W with per-index scales
 * (relevance propagation through only the active units of a layer).
 *
 * Entry e: C (m x n) = A (m x k) * B, B[q][j] = rowScale[q] * W[rows[q]][cols[j]] * colScale[j].
 * B is gathered (scales folded in) into the thread's work area, then the
 * ordinary GEMM runs on it: its few-rows path for m <= 4; otherwise the
 * entry runs gemmSingle's loops with each depth block of B gathered straight
 * into the packed panels where gemmSingle would pack it (no row-major copy to
 * pack again; the block is used while it is in cache), so every sum keeps
 * gemmSingle's order.
 */
import { epilogueFor } from './epilogue';
import { gemmSingle, gemmWorkFloats, KC, macroKernel, MC, MR, NC, NR, packA } from './gemm';
import { nextChunk, SPLIT_NONE } from './schedule';

/** An entry in the table the JS side writes: seven i32 words. */
@unmanaged
class GatheredEntry {
  m: i32;
  k: i32;
  n: i32;
  aOffset: i32;
  rowsOffset: i32;
  colsOffset: i32;
  outOffset: i32;
}

const ENTRY_BYTES: usize = 28;

/** Eight gathered values of one B row (column byte offsets o0..o7 into `row`) as two vectors, times rs and the column scales. */
// @ts-ignore: decorator
@inline function gather8(row: usize, o0: usize, o1: usize, o2: usize, o3: usize, o4: usize, o5: usize, o6: usize, o7: usize, rs: v128, cs0: v128, cs1: v128, scaled: bool, dst: usize): void {
  let v0 = f32x4.splat(load<f32>(row + o0));
  v0 = f32x4.replace_lane(v0, 1, load<f32>(row + o1));
  v0 = f32x4.replace_lane(v0, 2, load<f32>(row + o2));
  v0 = f32x4.replace_lane(v0, 3, load<f32>(row + o3));
  let v1 = f32x4.splat(load<f32>(row + o4));
  v1 = f32x4.replace_lane(v1, 1, load<f32>(row + o5));
  v1 = f32x4.replace_lane(v1, 2, load<f32>(row + o6));
  v1 = f32x4.replace_lane(v1, 3, load<f32>(row + o7));
  // the same two roundings per value as gatherB: (rs * w) * colScale
  v0 = f32x4.mul(rs, v0);
  v1 = f32x4.mul(rs, v1);
  if (scaled) {
    v0 = f32x4.mul(v0, cs0);
    v1 = f32x4.mul(v1, cs1);
  }
  v128.store(dst, v0);
  v128.store(dst, v1, 16);
}

/** Gather B for one entry into dst (k x n, row-major), eight columns at a time. Scales at 0 mean 1. */
function gatherB(w: usize, wStride: i32, rows: usize, rowScale: usize, cols: usize, colScale: usize, k: i32, n: i32, dst: usize): void {
  const scaled = colScale != 0;
  const full = n & ~7;
  for (let q = 0; q < k; q++) {
    const row = w + (<usize>load<i32>(rows + (<usize>q << 2)) * <usize>wStride << 2);
    const rsv: f32 = rowScale != 0 ? load<f32>(rowScale + (<usize>q << 2)) : 1;
    const rs = f32x4.splat(rsv);
    const d = dst + (<usize>(q * n) << 2);
    for (let j = 0; j < full; j += 8) {
      const c = cols + (<usize>j << 2);
      const s = scaled ? colScale + (<usize>j << 2) : 0;
      gather8(
        row, <usize>load<i32>(c) << 2, <usize>load<i32>(c, 4) << 2, <usize>load<i32>(c, 8) << 2, <usize>load<i32>(c, 12) << 2,
        <usize>load<i32>(c, 16) << 2, <usize>load<i32>(c, 20) << 2, <usize>load<i32>(c, 24) << 2, <usize>load<i32>(c, 28) << 2,
        rs, scaled ? v128.load(s) : rs, scaled ? v128.load(s, 16) : rs, scaled, d + (<usize>j << 2),
      );
    }
    for (let j = full; j < n; j++) {
      let v = rsv * load<f32>(row + (<usize>load<i32>(cols + (<usize>j << 2)) << 2));
      if (scaled) v *= load<f32>(colScale + (<usize>j << 2));
      store<f32>(d + (<usize>j << 2), v);
    }
  }
}

/**
 * Gather one depth block of B (rows [0, kc) of the entry's index lists from
 * `rows`, columns [0, nc) from `cols`) into NR-wide packed panels at dst, zero
 * padded: what gemm.ts's packB makes of the row-major gathered block. Row by
 * row: each W row is read once, front to back, and its values go to every panel.
 */
function gatherBlock(w: usize, wStride: i32, rows: usize, rowScale: usize, cols: usize, colScale: usize, kc: i32, nc: i32, dst: usize): void {
  const scaled = colScale != 0;
  const full = nc & ~(NR - 1);
  const panelBytes = <usize>kc * NR * 4;
  for (let p = 0; p < kc; p++) {
    const row = w + (<usize>load<i32>(rows + (<usize>p << 2)) * <usize>wStride << 2);
    const rsv: f32 = rowScale != 0 ? load<f32>(rowScale + (<usize>p << 2)) : 1;
    const rs = f32x4.splat(rsv);
    let d = dst + (<usize>p << 5);
    let c = cols;
    let s = colScale;
    for (let jr = 0; jr < full; jr += NR) {
      gather8(
        row, <usize>load<i32>(c) << 2, <usize>load<i32>(c, 4) << 2, <usize>load<i32>(c, 8) << 2, <usize>load<i32>(c, 12) << 2,
        <usize>load<i32>(c, 16) << 2, <usize>load<i32>(c, 20) << 2, <usize>load<i32>(c, 24) << 2, <usize>load<i32>(c, 28) << 2,
        rs, scaled ? v128.load(s) : rs, scaled ? v128.load(s, 16) : rs, scaled, d,
      );
      d += panelBytes;
      c += NR * 4;
      if (scaled) s += NR * 4;
    }
    if (full < nc) {
      // the last, partial panel: zero past the columns
      for (let t = 0; t < NR; t++) {
        let v: f32 = 0;
        if (full + t < nc) {
          v = rsv * load<f32>(row + (<usize>load<i32>(c + (<usize>t << 2)) << 2));
          if (scaled) v *= load<f32>(s + (<usize>t << 2));
        }
        store<f32>(d + (<usize>t << 2), v);
      }
    }
  }
}

/**
 * C (m x n, m > MR, k > 0) = A (m x k) B with B gathered: gemmSingle's loops
 * (column blocks, depth blocks, row blocks) with gatherBlock in place of packB,
 * in the same work area, so every element is summed exactly as gemmSingle sums it.
 */
function gatheredSingle(a: usize, w: usize, wStride: i32, rows: usize, rowScale: usize, cols: usize, colScale: usize, c: usize, m: i32, k: i32, n: i32, work: usize): void {
  const packedA = work;
  const packedB = work + <usize>MC * KC * 4;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const betaBlock: f32 = pc == 0 ? 0 : 1;
      epilogueFor(pc + kc >= k);
      gatherBlock(
        w, wStride, rows + (<usize>pc << 2), rowScale != 0 ? rowScale + (<usize>pc << 2) : 0,
        cols + (<usize>jc << 2), colScale != 0 ? colScale + (<usize>jc << 2) : 0, kc, nc, packedB,
      );
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(a + ((<usize>ic * <usize>k + <usize>pc) << 2), <usize>k, false, mc, kc, packedA);
        macroKernel(packedA, packedB, c + ((<usize>ic * <usize>n + <usize>jc) << 2), mc, nc, kc, <usize>n, 1, betaBlock);
      }
    }
  }
}

function runEntry(e: GatheredEntry, a: usize, w: usize, wStride: i32, rows: usize, rowScale: usize, cols: usize, colScale: usize, out: usize, work: usize): void {
  if (e.m == 0 || e.n == 0) return;
  const gathered = work + (<usize>gemmWorkFloats() << 2);
  if (e.m > MR && e.k > 0) {
    gatheredSingle(
      a + (<usize>e.aOffset << 2), w, wStride, rows + (<usize>e.rowsOffset << 2), rowScale != 0 ? rowScale + (<usize>e.rowsOffset << 2) : 0,
      cols + (<usize>e.colsOffset << 2), colScale != 0 ? colScale + (<usize>e.colsOffset << 2) : 0, out + (<usize>e.outOffset << 2), e.m, e.k, e.n, work,
    );
    return;
  }
  gatherB(
    w, wStride, rows + (<usize>e.rowsOffset << 2), rowScale != 0 ? rowScale + (<usize>e.rowsOffset << 2) : 0,
    cols + (<usize>e.colsOffset << 2), colScale != 0 ? colScale + (<usize>e.colsOffset << 2) : 0, e.k, e.n, gathered,
  );
  gemmSingle(
    a + (<usize>e.aOffset << 2), gathered, out + (<usize>e.outOffset << 2), e.m, e.n, e.k,
    <usize>e.k, <usize>e.n, <usize>e.n, false, false, 1, 0, work,
  );
}

/**
 * Every entry of the table (count entries at `entries`), or, with split !=
 * SPLIT_NONE, chunks of entries claimed from `counter` by every thread.
 * Work: gemmWorkFloats() + the largest k * n of the entries with m <= MR.
 */
export function gatheredGemm(
  a: usize, w: usize, wStride: i32, rows: usize, rowScale: usize, cols: usize, colScale: usize, out: usize,
  entries: usize, count: i32, split: i32, chunk: i32, counter: usize, work: usize,
): void {
  if (split == SPLIT_NONE) {
    for (let i = 0; i < count; i++) {
      runEntry(changetype<GatheredEntry>(entries + <usize>i * ENTRY_BYTES), a, w, wStride, rows, rowScale, cols, colScale, out, work);
    }
    return;
  }
  for (let s = nextChunk(counter, chunk, count); s >= 0; s = nextChunk(counter, chunk, count)) {
    const end = min(count, s + chunk);
    for (let i = s; i < end; i++) {
      runEntry(changetype<GatheredEntry>(entries + <usize>i * ENTRY_BYTES), a, w, wStride, rows, rowScale, cols, colScale, out, work);
    }
  }
}
