/**
 * Splitting kernels across threads: how many threads a call deserves, and
 * the chunk size threads claim work in (dynamic scheduling, see
 * assembly/schedule.ts).
 */

/**
 * Below this many floating-point operations a kernel stays on the calling
 * thread. Measured with bench/core-bench.ts (split-threshold scan, 2-core
 * AMD EPYC): a square GEMM split across two threads already wins from 64^3
 * (0.5 MFLOP: 12.8 vs 14.5 us) when the worker is still polling from the
 * previous kernel, and from about 128^3 when it must be woken from
 * Atomics.wait (tens of microseconds). 2 MFLOP (about 100^3) sits between.
 */
export const PARALLEL_MIN_FLOPS = 2_000_000;

/**
 * Parts to use for `flops` of work with `threads` threads and at most `units`
 * independent units: one below `minFlops`, else as many threads as the work
 * keeps busy with at least minFlops / 2 each.
 */
export function partsFor(flops: number, threads: number, units: number, minFlops = PARALLEL_MIN_FLOPS): number {
  if (threads <= 1 || flops < minFlops) return 1;
  const byWork = minFlops > 0 ? Math.floor(flops / (minFlops / 2)) : threads;
  return Math.max(1, Math.min(threads, units, byWork));
}

/** Split modes of the kernels' `split` argument (assembly/schedule.ts); dimension meanings are per kernel. */
export const SPLIT_NONE = 0;
export const SPLIT_FIRST = 1;
export const SPLIT_SECOND = 2;
export const SPLIT_THIRD = 3;

/** Chunks per thread: enough that a thread slowed by other work hands its share to the others. */
export const CHUNKS_PER_THREAD = 4;

/**
 * Chunk size for `total` units shared by `parts` threads: about
 * CHUNKS_PER_THREAD chunks each, a multiple of `align`, at least `minimum`
 * units (fewer, larger chunks where per-chunk overhead such as re-packing
 * an operand would matter).
 */
export function chunkSize(total: number, parts: number, align = 1, minimum = 1): number {
  const even = Math.ceil(total / (parts * CHUNKS_PER_THREAD));
  const size = Math.max(even, minimum, 1);
  return Math.ceil(size / align) * align;
}

/**
 * Chunk size for `count` independent entries of `flops` operations in all
 * (a ragged batch such as gatheredGemm's): as few entries per chunk as keep
 * about minFlops / 2 of work in each, one where entries are large, so a
 * thread finishing early waits at most about one entry for the other; never
 * more than chunkSize's share. Which thread runs an entry never changes its
 * result.
 */
export function entryChunk(count: number, flops: number, parts: number, minFlops = PARALLEL_MIN_FLOPS): number {
  const mean = flops / Math.max(1, count);
  const byWork = mean > 0 ? Math.ceil(minFlops / 2 / mean) : count;
  return Math.max(1, Math.min(chunkSize(count, parts), byWork));
}
