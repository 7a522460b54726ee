/**
 * Philox4x32-10 on the GPU: the published test vectors for the raw bits, and
 * `random` bit-identical to the reference for uniforms (close for normals).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, Generator, philox4x32, uniformFromBits, type Backend } from '../../src/index.js';
import type { WebGpuKernels } from '../../src/backends/webgpu/index.js';
import { declarations, elementwiseMain, read, write } from '../../src/backends/webgpu/shaders/common.js';
import { PHILOX_WGSL } from '../../src/backends/webgpu/shaders/random.js';
import { Params } from '../../src/backends/webgpu/params.js';
import type { RandomKey } from '../../src/kernels.js';
import { webgpuOrSkip } from './require-webgpu.js';

const gpu = await webgpuOrSkip();

/** [counter c0..c3, key k0, k1] -> expected output words (Salmon et al., Random123 kat_vectors). */
const VECTORS: Array<[number[], number[]]> = [
  [[0, 0, 0, 0, 0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
  [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]],
  [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0], [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]],
];

/** A test-only kernel: out[4i..4i+3] = philox(counter, key) for the i-th (counter, key) of `inputs`. */
const PHILOX_BITS = {
  key: 'test:philox-bits',
  source: () => `${declarations('  count: u32,\n  pad0: u32,\n  pad1: u32,\n  pad2: u32,', [read('inputs', 'u32'), write('out', 'u32')])}
${PHILOX_WGSL}
${elementwiseMain('params.count', `
  let at = 6u * i;
  let bits = philox(vec4<u32>(inputs[at], inputs[at + 1u], inputs[at + 2u], inputs[at + 3u]), vec2<u32>(inputs[at + 4u], inputs[at + 5u]));
  out[4u * i] = bits.x;
  out[4u * i + 1u] = bits.y;
  out[4u * i + 2u] = bits.z;
  out[4u * i + 3u] = bits.w;`)}`,
};

describe.skipIf(!gpu.available)('webgpu random (Philox4x32-10)', () => {
  let backend: Backend;
  let reference: Backend;

  beforeAll(async () => {
    backend = await createBackend('webgpu');
    reference = await createBackend('reference');
  });
  afterAll(() => backend?.destroy());

  it('reproduces the Philox4x32-10 test vectors bit for bit', async () => {
    const impl = backend.impl as WebGpuKernels;
    const inputs = backend.tensor(Int32Array.from(VECTORS.flatMap(([input]) => input.map((v) => v | 0))));
    const out = backend.zeros([4 * VECTORS.length], 'int32');
    impl.context.dispatch(PHILOX_BITS, {
      params: new Params().u32(VECTORS.length).u32(0).u32(0).u32(0),
      bindings: [
        { buffer: inputs.storage.handle as GPUBuffer, byteSize: inputs.size * 4, writable: false },
        { buffer: out.storage.handle as GPUBuffer, byteSize: out.size * 4, writable: true },
      ],
      workgroups: 1,
    });
    const words = Array.from(await out.read(), (v) => v >>> 0);
    const scratch = new Uint32Array(4);
    VECTORS.forEach(([[c0, c1, c2, c3, k0, k1], expected], v) => {
      const got = words.slice(4 * v, 4 * v + 4);
      expect(got.map((w) => w.toString(16)), `vector ${v}`).toEqual(expected.map((w) => w.toString(16)));
      philox4x32(c0!, c1!, c2!, c3!, k0!, k1!, scratch);
      expect(got, `vector ${v} vs src/random.ts`).toEqual(Array.from(scratch));
    });
    inputs.dispose();
    out.dispose();
  });

  it('draws the uniform of the first test vector for counter 0 / key 0', async () => {
    const key: RandomKey = { seedLo: 0, seedHi: 0, streamLo: 0, streamHi: 0 };
    const out = backend.zeros([1]);
    backend.impl.random(out.storage, 1, 'uniform', key, 0, 1);
    expect((await out.read())[0]).toBe(Math.fround(uniformFromBits(0x6627e8d5)));
    out.dispose();
  });

  const keys: Array<[string, RandomKey]> = [
    ['zero key', { seedLo: 0, seedHi: 0, streamLo: 0, streamHi: 0 }],
    ['all-ones key and stream', { seedLo: 0xffffffff, seedHi: 0xffffffff, streamLo: 0xffffffff, streamHi: 0xffffffff }],
    ['key of the third test vector', { seedLo: 0xa4093822, seedHi: 0x299f31d0, streamLo: 0x13198a2e, streamHi: 0x03707344 }],
  ];
  const ranges: Array<[number, number]> = [[0, 1], [-2, 3], [1e-3, 7.25], [-1e6, 1e6]];

  for (const [label, key] of keys) {
    it(`uniforms equal the reference bit for bit (${label})`, async () => {
      const n = 4099; // not a multiple of 4 or of the workgroup size
      for (const [a, b] of ranges) {
        const got = backend.zeros([n]);
        const want = reference.zeros([n]);
        backend.impl.random(got.storage, n, 'uniform', key, a, b);
        reference.impl.random(want.storage, n, 'uniform', key, a, b);
        const [g, w] = [await got.read(), await want.read()];
        const firstDiff = g.findIndex((v, i) => !Object.is(v, w[i]));
        expect(firstDiff, `[${a}, ${b}): element ${firstDiff} ${g[firstDiff]} vs ${w[firstDiff]}`).toBe(-1);
        got.dispose();
        want.dispose();
      }
    });
  }

  it('uniform and normal tensors from a Generator match the reference', async () => {
    const shape = [3, 127, 5];
    const g1 = new Generator(2 ** 40 + 17);
    const g2 = new Generator(2 ** 40 + 17);
    const u = await backend.randomUniform(shape, g1, -1, 1).read();
    const uRef = await reference.randomUniform(shape, g2, -1, 1).read();
    expect(Array.from(u)).toEqual(Array.from(uRef));
    const z = await backend.randomNormal(shape, g1, 0.5, 3).read();
    const zRef = await reference.randomNormal(shape, g2, 0.5, 3).read();
    let worst = 0;
    for (let i = 0; i < z.length; i++) worst = Math.max(worst, Math.abs(z[i]! - zRef[i]!) / (1 + Math.abs(zRef[i]!)));
    expect(worst).toBeLessThan(2e-6);
  });
});
