/**
 * Philox4x32-10 in AssemblyScript (four counters per SIMD lane group) against
 * the Random123 known-answer vectors and against src/random.ts: uniforms
 * bit-identical, normals equal to float32 transcendental accuracy.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Backend, Generator, randomElement } from '../../src/index.js';
import { createWasmImpl, type WasmImpl } from '../../src/backends/wasm/index.js';

const impl: WasmImpl = await createWasmImpl({ threads: 1 });
const be = new Backend(impl, 1);

afterAll(() => be.destroy());

function wasmPhilox(c: [number, number, number, number], k: [number, number]): number[] {
  const out = impl.allocate(4, 'int32');
  impl.core.philoxBlock(c[0], c[1], c[2], c[3], k[0], k[1], out.handle as number);
  const words = Array.from(new Uint32Array((impl.readSync(out) as Int32Array).buffer));
  impl.free(out);
  return words;
}

describe('wasm Philox4x32-10', () => {
  it('matches the known-answer vectors', () => {
    expect(wasmPhilox([0, 0, 0, 0], [0, 0])).toEqual([0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
    expect(wasmPhilox([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff])).toEqual([0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]);
    expect(wasmPhilox([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0])).toEqual([0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]);
  });

  it('uniforms are bit-identical to src/random.ts for every size and range', () => {
    for (const [n, low, high, seed] of [[1, 0, 1, 1], [3, -2, 5, 2], [5, 0, 1, 3], [17, 1e-3, 1e3, 4], [127, -1, 1, 5], [4099, 0, 1, 2 ** 40 + 7]] as const) {
      const g = new Generator(seed);
      const twin = new Generator(seed);
      const t = be.randomUniform([n], g, low, high);
      const key = twin.nextKey();
      const got = t.readSync();
      for (let i = 0; i < n; i++) {
        const want = randomElement(i, 'uniform', key, low, high);
        if (!Object.is(got[i], want)) throw new Error(`n=${n} element ${i}: ${got[i]} vs ${want}`);
      }
      t.dispose();
    }
  });

  it('normals match src/random.ts to float32 accuracy and have the right moments', () => {
    const n = 20_001;
    const g = new Generator(99);
    const key = new Generator(99).nextKey();
    const t = be.randomNormal([n], g, 0.5, 2);
    const got = t.readSync();
    let sum = 0, sq = 0;
    for (let i = 0; i < n; i++) {
      const want = randomElement(i, 'normal', key, 0.5, 2);
      expect(Math.abs(got[i]! - want)).toBeLessThanOrEqual(1e-5 * Math.abs(want) + 2e-6);
      sum += got[i]!;
      sq += got[i]! * got[i]!;
    }
    const mean = sum / n;
    expect(mean).toBeCloseTo(0.5, 1);
    expect(Math.sqrt(sq / n - mean * mean)).toBeCloseTo(2, 1);
    t.dispose();
  });

  it('successive keys give different streams', () => {
    const g = new Generator(5);
    const a = be.randomUniform([8], g);
    const b = be.randomUniform([8], g);
    expect(Array.from(a.readSync())).not.toEqual(Array.from(b.readSync()));
    a.dispose();
    b.dispose();
  });
});
