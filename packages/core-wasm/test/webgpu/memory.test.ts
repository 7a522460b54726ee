/**
 * Memory and ordering on the webgpu backend: pooled buffers are reused (no
 * growth over 1,000 allocate/free loops), reads see every kernel recorded
 * before them, host writes do not overtake recorded kernels, and device errors
 * surface on the next read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../src/index.js';
import type { WebGpuKernels } from '../../src/backends/webgpu/index.js';
import { webgpuOrSkip } from './require-webgpu.js';

const gpu = await webgpuOrSkip();

describe.skipIf(!gpu.available)('webgpu memory and ordering', () => {
  let backend: Backend;
  let impl: WebGpuKernels;

  beforeAll(async () => {
    backend = await createBackend('webgpu');
    impl = backend.impl as WebGpuKernels;
  });
  afterAll(() => backend?.destroy());

  it('reuses pooled buffers over 1,000 allocate/free loops without leaking', async () => {
    const sizes = [1, 3, 17, 127, 1000, 4099, 65537];
    // warm the pool: one of each shape live at once, like a training step
    for (let loop = 0; loop < 2; loop++) {
      const ts = sizes.map((n) => backend.full([n], 1));
      ts.forEach((t) => t.dispose());
    }
    await backend.sync();
    const before = impl.stats().pool;
    const memoryBefore = backend.memory();
    for (let loop = 0; loop < 1000; loop++) {
      const n = sizes[loop % sizes.length]!;
      backend.scope(() => {
        const x = backend.full([n], loop);
        const y = backend.affine(x, 2, 1);
        return backend.sum(backend.relu(y), 0);
      }).dispose();
    }
    const last = backend.scope(() => backend.affine(backend.full([5], 2), 3, 1));
    expect(Array.from(await last.read())).toEqual([7, 7, 7, 7, 7]);
    last.dispose();
    const after = impl.stats().pool;
    expect(backend.memory()).toEqual(memoryBefore);
    expect(after.inUse).toBe(before.inUse);
    // A few buffers for new bucket sizes (the sum outputs) may appear; nothing grows per loop.
    expect(after.created - before.created).toBeLessThan(16);
  });

  it('reads see every kernel recorded before them (1,000 chained kernels)', async () => {
    let x = backend.zeros([1027]);
    for (let i = 0; i < 1000; i++) {
      const next = backend.affine(x, 1, 1);
      x.dispose();
      x = next;
    }
    const values = await x.read();
    expect(values.every((v) => v === 1000)).toBe(true);
    expect(impl.stats().submits).toBeGreaterThan(1); // the batch was split (uniform arena) and stayed ordered
    x.dispose();
  });

  it('a host write does not overtake kernels recorded before it', async () => {
    const a = backend.tensor([1, 2, 3]);
    const doubled = backend.scale(a, 2); // recorded, not yet submitted
    backend.write(a, Float32Array.from([10, 20, 30]));
    const tripled = backend.scale(a, 3);
    expect(Array.from(await doubled.read())).toEqual([2, 4, 6]);
    expect(Array.from(await tripled.read())).toEqual([30, 60, 90]);
    for (const t of [a, doubled, tripled]) t.dispose();
  });

  it('reads int32 and float32 storages, including concurrent reads', async () => {
    const ints = backend.tensor(Int32Array.from([1, -2, 3, 2147483647, -2147483648]));
    const floats = backend.tensor([0.5, -0.25, 1e-30]);
    const [i, f] = await Promise.all([ints.read(), floats.read()]);
    expect(i).toBeInstanceOf(Int32Array);
    expect(Array.from(i)).toEqual([1, -2, 3, 2147483647, -2147483648]);
    expect(Array.from(f)).toEqual([0.5, -0.25, Math.fround(1e-30)]);
    expect(Array.from(await backend.full([3], -7, 'int32').read())).toEqual([-7, -7, -7]);
    ints.dispose();
    floats.dispose();
  });

  it('readSync explains that WebGPU reads are asynchronous', () => {
    const t = backend.zeros([2]);
    expect(() => t.readSync()).toThrow(/await tensor.read\(\)/);
    t.dispose();
  });

  it('refuses tensors larger than a storage binding with a clear error', () => {
    const tooMany = impl.context.maxStorageBytes / 4 + 1;
    expect(() => backend.zeros([tooMany])).toThrow(/exceeds this device's largest storage buffer/);
  });

  it('reports a failing kernel on the next read, then recovers', async () => {
    const out = backend.zeros([4]);
    impl.context.dispatch(
      { key: 'test:broken', source: () => 'this is not WGSL' },
      { bindings: [{ buffer: out.storage.handle as GPUBuffer, byteSize: 16, writable: true }], workgroups: 1 },
    );
    await expect(out.read()).rejects.toThrow(/webgpu backend: .*WGSL/s);
    expect(Array.from(await backend.full([2], 3).read())).toEqual([3, 3]);
    out.dispose();
  });

  it('sync() resolves once recorded work is done', async () => {
    const t = backend.full([100_000], 1.5);
    await backend.sync();
    expect((await t.read())[99_999]).toBe(1.5);
    t.dispose();
  });
});
