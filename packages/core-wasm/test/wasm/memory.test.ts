/**
 * The wasm backend's memory: the JS-side allocator reuses freed blocks (no
 * growth over long alloc/free loops), coalesces neighbours, grows the shared
 * memory on demand without invalidating earlier tensors, and reads copy.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Backend, createBackend, Generator } from '../../src/index.js';
import { WasmAllocator } from '../../src/backends/wasm/allocator.js';
import { createWasmImpl, type WasmImpl } from '../../src/backends/wasm/index.js';

const impl: WasmImpl = await createWasmImpl({ threads: 1 });
const be = new Backend(impl, impl.threads);

afterAll(() => be.destroy());

function allocator(initialPages = 1): { alloc: WasmAllocator; memory: WebAssembly.Memory; grows: () => number } {
  const memory = new WebAssembly.Memory({ initial: initialPages, maximum: 1024, shared: true });
  let grows = 0;
  const alloc = new WasmAllocator(memory, 1000, () => grows++);
  return { alloc, memory, grows: () => grows };
}

describe('WasmAllocator', () => {
  it('aligns blocks to 64 bytes above the base and never overlaps live blocks', () => {
    const { alloc } = allocator();
    const blocks: Array<[number, number]> = [];
    for (const bytes of [0, 1, 63, 64, 65, 200, 4096, 10]) {
      const p = alloc.allocate(bytes);
      expect(p % 64).toBe(0);
      expect(p).toBeGreaterThanOrEqual(1024);
      blocks.push([p, alloc.blockSize(p)!]);
    }
    blocks.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < blocks.length; i++) expect(blocks[i]![0]).toBeGreaterThanOrEqual(blocks[i - 1]![0] + blocks[i - 1]![1]);
  });

  it('reuses freed memory across 10,000 alloc/free loops of mixed sizes', () => {
    const { alloc, grows } = allocator();
    const sizes = [4, 100, 4096, 257, 64 * 1024, 12];
    for (let loop = 0; loop < 10_000; loop++) {
      const ptrs = sizes.map((s) => alloc.allocate(s * ((loop % 3) + 1)));
      for (const p of ptrs.reverse()) alloc.free(p);
    }
    const s = alloc.stats();
    expect(s.liveBlocks).toBe(0);
    expect(s.liveBytes).toBe(0);
    // everything went back to the top: no free fragments, no memory beyond one loop's peak
    expect(s.freeBlocks).toBe(0);
    expect(s.top).toBe(1024);
    expect(grows()).toBeLessThanOrEqual(3);
  });

  it('coalesces free neighbours and fits later requests into the holes', () => {
    const { alloc } = allocator();
    const a = alloc.allocate(640);
    const b = alloc.allocate(640);
    const c = alloc.allocate(640);
    const guard = alloc.allocate(64); // keeps the three off the top
    alloc.free(a);
    alloc.free(c);
    alloc.free(b); // merges a, b, c into one 1920-byte block
    expect(alloc.stats().freeBlocks).toBe(1);
    expect(alloc.stats().freeBytes).toBe(1920);
    const big = alloc.allocate(1900);
    expect(big).toBe(a);
    alloc.free(big);
    alloc.free(guard);
    expect(alloc.stats().top).toBe(1024);
  });

  it('rejects double frees and unknown addresses', () => {
    const { alloc } = allocator();
    const p = alloc.allocate(100);
    alloc.free(p);
    expect(() => alloc.free(p)).toThrow(/not a live block/);
    expect(() => alloc.free(12345)).toThrow(/not a live block/);
  });

  it('grows the memory (at least doubling) and reports it', () => {
    const { alloc, memory, grows } = allocator(1);
    const p = alloc.allocate(200_000);
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(p + 200_000);
    expect(grows()).toBe(1);
  });

  it('throws a clear error when the memory cannot grow', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
    const alloc = new WasmAllocator(memory, 0, () => {});
    expect(() => alloc.allocate(1 << 20)).toThrow(/out of memory/);
  });
});

describe('wasm backend memory', () => {
  it('tensor create/dispose loops do not leak (10,000 iterations)', () => {
    const warm = be.tensor(new Float32Array(1000));
    warm.dispose();
    const before = impl.memoryStats();
    for (let i = 0; i < 10_000; i++) {
      be.scope(() => {
        const a = be.tensor(new Float32Array(37).fill(i), [37]);
        const b = be.full([1000], 2);
        const c = be.add(be.reshape(a, [37, 1]), be.reshape(b.reshape([1000]), [1, 1000]));
        return be.sum(c, 1);
      }).dispose();
    }
    const after = impl.memoryStats();
    expect(after.liveBlocks).toBe(before.liveBlocks);
    expect(after.liveBytes).toBe(before.liveBytes);
    expect(after.capacity).toBe(before.capacity);
    expect(be.memory().storages).toBe(0);
  });

  it('memory growth keeps earlier tensors valid', () => {
    const early = be.tensor(Float32Array.from({ length: 1001 }, (_, i) => i * 0.5));
    const earlyInt = be.tensor(Int32Array.from({ length: 77 }, (_, i) => 3 - i));
    const capacity = impl.memoryStats().capacity;
    // more than the current memory: forces at least one grow
    const big = be.full([capacity / 4 + 1000], 3);
    expect(impl.memoryStats().capacity).toBeGreaterThan(capacity);
    expect(Array.from(early.readSync())).toEqual(Array.from({ length: 1001 }, (_, i) => i * 0.5));
    expect(Array.from(earlyInt.readSync())).toEqual(Array.from({ length: 77 }, (_, i) => 3 - i));
    // kernels and writes after growth see both the old and the new tensors
    const s = be.sumAll(early);
    expect(s.readSync()[0]).toBe(0.5 * (1000 * 1001) / 2);
    const bigData = big.readSync();
    expect(bigData[bigData.length - 1]).toBe(3);
    for (const t of [early, earlyInt, big, s]) t.dispose();
  });

  it('readSync and read return copies that later writes do not change', async () => {
    const t = be.tensor([1, 2, 3]);
    const copy = t.readSync();
    const asyncCopy = await t.read();
    be.write(t, Float32Array.from([7, 8, 9]));
    expect(Array.from(copy)).toEqual([1, 2, 3]);
    expect(Array.from(asyncCopy)).toEqual([1, 2, 3]);
    expect(copy.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(t.readSync())).toEqual([7, 8, 9]);
    t.dispose();
  });

  it('int32 storages share the memory with float32 ones', () => {
    const i = be.tensor(Int32Array.from([2, 0, 1, 2]));
    const x = be.tensor([10, 11, 12], [3]);
    const g = be.gather(x, i, 0);
    expect(Array.from(g.readSync())).toEqual([12, 10, 11, 12]);
    const filled = be.full([5], -3, 'int32');
    expect(Array.from(filled.readSync())).toEqual([-3, -3, -3, -3, -3]);
    for (const t of [i, x, g, filled]) t.dispose();
  });

  it('falls back to one thread over an unshared memory, with the same results', async () => {
    const fallbackImpl = await createWasmImpl({ threads: 4, sharedMemory: false });
    expect(fallbackImpl.threads).toBe(1);
    const fallback = new Backend(fallbackImpl, 1);
    const run = (b: Backend): number[][] => b.scope(() => {
      const g = new Generator(3);
      const a = b.randomUniform([70, 90], g);
      const x = b.randomNormal([2, 3, 9, 9], g);
      const w = b.randomUniform([4, 3, 3, 3], g);
      return [b.gemm(a, a, { transB: true }), b.conv2d(x, w, null, { padding: 1 }), b.softmax(a, 1)].map((t) => Array.from(t.readSync()));
    });
    const before = fallbackImpl.memoryStats().capacity;
    const big = fallback.zeros([before / 4 + 10]); // grows an unshared memory: views must be refreshed
    expect(run(fallback)).toEqual(run(be));
    big.dispose();
    fallback.destroy();
  });

  it('creates several independent backends', async () => {
    const other = await createBackend('wasm', { threads: 1 });
    const a = other.tensor([1, 2]);
    const b = be.tensor([5, 6]);
    expect(Array.from(a.readSync())).toEqual([1, 2]);
    expect(Array.from(b.readSync())).toEqual([5, 6]);
    b.dispose();
    other.destroy();
  });
});
