/**
 * The shared-memory tiled matrix product, as a template: C = A B per batch
 * entry, where the kernel supplies how to load A (m x k) and B (k x n) and how
 * to store C. gemm uses it with plain strided matrices; convolution uses it as
 * an implicit GEMM, gathering image patches in `loadB` (no im2col buffer).
 *
 * A workgroup of 16 x 16 threads computes a 64 x 64 tile of C, each thread a
 * 4 x 4 block (rows ty + 16 i, columns tx + 16 j: spread out to avoid
 * shared-memory bank conflicts), stepping through k in slabs of 16. The slab
 * of A (64 x 16) and of B (16 x 64) is loaded cooperatively into workgroup
 * memory, so each value read from global memory is used 64 times. Loads walk k
 * or the row/column index, whichever the kernel says is contiguous in memory,
 * so neighbouring threads read neighbouring words. Out-of-range rows, columns
 * and k load zeros and are never stored.
 *
 * Workgroups are numbered linearly over (batch, tile row, tile column) and the
 * device context spreads them over a 2-D grid, so any size fits the dispatch limits.
 */
import { ENTRY_ARGS, WORKGROUP_LINEAR_ID, declarations, type BufferDecl } from './common.js';

const TILE_M = 64;
const TILE_N = 64;
const TILE_K = 16;
const THREADS = 256;

/** The fields the template reads from `params`: include them in the kernel's struct. */
export const TILED_MATMUL_FIELDS = `
  m: u32,
  n: u32,
  k: u32,
  batch: u32,
  tilesN: u32,
  tilesPerBatch: u32,`;

export interface TiledMatmulSpec {
  /** The WGSL struct body; must contain TILED_MATMUL_FIELDS. */
  paramsStruct: string;
  buffers: readonly BufferDecl[];
  /**
   * WGSL defining
   *   fn loadA(batch: u32, row: u32, kk: u32) -> f32
   *   fn loadB(batch: u32, kk: u32, col: u32) -> f32
   *   fn storeC(batch: u32, row: u32, col: u32, sum: f32)
   * called only for row < m, col < n, kk < k.
   */
  functions: string;
  /** WGSL bool: consecutive k of A are adjacent in memory (else consecutive rows). */
  aAlongK: string;
  /** WGSL bool: consecutive k of B are adjacent in memory (else consecutive columns). */
  bAlongK: string;
}

export function tiledMatmulSource(spec: TiledMatmulSpec): string {
  return `${declarations(spec.paramsStruct, spec.buffers)}
${spec.functions}

// tileA[kk][row], tileB[kk][col]: k outermost, so the inner product loop reads rows of both.
var<workgroup> tileA: array<f32, ${TILE_K * TILE_M}>;
var<workgroup> tileB: array<f32, ${TILE_K * TILE_N}>;

@compute @workgroup_size(${THREADS})
fn main(${ENTRY_ARGS}) {
  let tile = ${WORKGROUP_LINEAR_ID};
  if (tile >= params.batch * params.tilesPerBatch) { return; }
  let batch = tile / params.tilesPerBatch;
  let inBatch = tile % params.tilesPerBatch;
  let row0 = (inBatch / params.tilesN) * ${TILE_M}u;
  let col0 = (inBatch % params.tilesN) * ${TILE_N}u;
  let tx = lid % 16u;
  let ty = lid / 16u;
  let aAlongK = ${spec.aAlongK};
  let bAlongK = ${spec.bAlongK};

  var acc: array<vec4<f32>, 4>;
  for (var k0 = 0u; k0 < params.k; k0 += ${TILE_K}u) {
    for (var e = lid; e < ${TILE_M * TILE_K}u; e += ${THREADS}u) {
      var r = e % ${TILE_M}u;
      var c = e / ${TILE_M}u;
      if (aAlongK) {
        r = e / ${TILE_K}u;
        c = e % ${TILE_K}u;
      }
      let row = row0 + r;
      let kk = k0 + c;
      var v = 0.0;
      if (row < params.m && kk < params.k) { v = loadA(batch, row, kk); }
      tileA[c * ${TILE_M}u + r] = v;
    }
    for (var e = lid; e < ${TILE_K * TILE_N}u; e += ${THREADS}u) {
      var r = e / ${TILE_N}u;
      var c = e % ${TILE_N}u;
      if (bAlongK) {
        r = e % ${TILE_K}u;
        c = e / ${TILE_K}u;
      }
      let kk = k0 + r;
      let col = col0 + c;
      var v = 0.0;
      if (kk < params.k && col < params.n) { v = loadB(batch, kk, col); }
      tileB[r * ${TILE_N}u + c] = v;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${TILE_K}u; kk++) {
      let bv = vec4<f32>(
        tileB[kk * ${TILE_N}u + tx],
        tileB[kk * ${TILE_N}u + tx + 16u],
        tileB[kk * ${TILE_N}u + tx + 32u],
        tileB[kk * ${TILE_N}u + tx + 48u]);
      for (var i = 0u; i < 4u; i++) {
        acc[i] += tileA[kk * ${TILE_M}u + ty + 16u * i] * bv;
      }
    }
    workgroupBarrier();
  }

  for (var i = 0u; i < 4u; i++) {
    let row = row0 + ty + 16u * i;
    if (row >= params.m) { continue; }
    for (var j = 0u; j < 4u; j++) {
      let col = col0 + tx + 16u * j;
      if (col < params.n) { storeC(batch, row, col, acc[i][j]); }
    }
  }
}`;
}

export interface TileGrid {
  tilesN: number;
  tilesPerBatch: number;
  workgroups: number;
}

export function tileGrid(m: number, n: number, batch: number): TileGrid {
  const tilesN = Math.ceil(n / TILE_N);
  const tilesPerBatch = Math.ceil(m / TILE_M) * tilesN;
  return { tilesN, tilesPerBatch, workgroups: batch * tilesPerBatch };
}

/** Below this m or n a 64 x 64 tile leaves most threads idle: kernels use a direct (thread per output) form. */
export const TILED_MIN_SIDE = 16;
