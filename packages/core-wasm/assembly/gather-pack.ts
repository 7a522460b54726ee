/**
 * Gathering a matrix B[q][j] = rowScale[q] * W[rows[q]][cols[j]] * colScale[j]
 * (scales at address 0 mean 1) for gathered GEMM (gathered.ts): row-major for
 * the few-rows path, or one depth block at a time straight into the GEMM's
 * packed panels (gemm.ts's gemmSingle with a GatherSource), as a convolution's
 * column matrix is packed straight from the image (im2col.ts).
 */
import { NR } from './gemm';

/** Where B comes from: W (row pitch wStride floats) and the index and scale lists of one entry. */
@unmanaged
export class GatherSource {
  w: usize;
  rows: usize;
  rowScale: usize;
  cols: usize;
  colScale: usize;
  wStride: i32;
}

/** Bytes of a GatherSource (five addresses and an i32 on wasm32). */
export const GATHER_SOURCE_BYTES: usize = 24;

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
export function gatherB(w: usize, wStride: i32, rows: usize, rowScale: usize, cols: usize, colScale: usize, k: i32, n: i32, dst: usize): void {
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
 * Gather the block of B at depth [pc, pc + kc) and columns [jc, jc + nc) into
 * NR-wide packed panels at dst, zero padded: what gemm.ts's packB makes of the
 * same block gathered row-major (gemmSingle calls this in place of packB). Row by
 * row: each W row is read once, front to back, and its values go to every panel.
 */
export function gatherBlock(src: GatherSource, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize): void {
  const w = src.w, wStride = src.wStride;
  const rows = src.rows + (<usize>pc << 2);
  const rowScale = src.rowScale != 0 ? src.rowScale + (<usize>pc << 2) : 0;
  const cols = src.cols + (<usize>jc << 2);
  const colScale = src.colScale != 0 ? src.colScale + (<usize>jc << 2) : 0;
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
