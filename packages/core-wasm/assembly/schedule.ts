/**
 * Dynamic scheduling across threads: every thread runs the same call and
 * claims chunks of the split dimension from a shared counter (an atomic add
 * in the shared memory) until none is left. A thread slowed by other work
 * simply claims fewer chunks, so uneven cores do not leave the others idle.
 *
 * Split modes (the meaning of dimension 1 and 2 is per kernel; the JS side
 * uses the same numbers, see src/backends/wasm/partition.ts).
 */
export const SPLIT_NONE: i32 = 0;
export const SPLIT_FIRST: i32 = 1;
export const SPLIT_SECOND: i32 = 2;
export const SPLIT_THIRD: i32 = 3;

/** Start of the next unclaimed chunk of `chunk` units out of `total`, or -1 when all are taken. */
export function nextChunk(counter: usize, chunk: i32, total: i32): i32 {
  const index = atomic.add<i32>(counter, 1);
  // index * chunk cannot overflow before index passes total / chunk + threads
  if (index >= (total + chunk - 1) / chunk) return -1;
  return index * chunk;
}
