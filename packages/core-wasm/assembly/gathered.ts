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
import { gatherB, GatherSource } from './gather-pack';
import { gemmSingle, gemmWorkFloats, MR } from './gemm';
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

function runEntry(e: GatheredEntry, a: usize, w: usize, wStride: i32, rows: usize, rowScale: usize, cols: usize, colScale: usize, out: usize, work: usize): void {
  if (e.m == 0 || e.n == 0) return;
  const gathered = work + (<usize>gemmWorkFloats() << 2);
  if (e.m > MR && e.k > 0) {
    // gemmSingle gathers each depth block where it would pack B; the source sits after the GEMM's work area
    const src = changetype<GatherSource>(gathered);
    src.w = w;
    src.wStride = wStride;
    src.rows = rows + (<usize>e.rowsOffset << 2);
    src.rowScale = rowScale != 0 ? rowScale + (<usize>e.rowsOffset << 2) : 0;
    src.cols = cols + (<usize>e.colsOffset << 2);
    src.colScale = colScale != 0 ? colScale + (<usize>e.colsOffset << 2) : 0;
    gemmSingle(a + (<usize>e.aOffset << 2), 0, out + (<usize>e.outOffset << 2), e.m, e.n, e.k, <usize>e.k, 0, <usize>e.n, false, false, 1, 0, work, 0, 0, gathered);
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
 * Work: gemmWorkFloats() + the largest k * n of the entries with m <= MR
 * (at least GATHER_SOURCE_BYTES / 4 floats).
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
