/**
 * Packed weights kept across calls (src/backends/wasm/index.ts packedOperand,
 * assembly/gemm.ts gemmPackedB): a storage used as B a second time with the
 * same values and layout is packed once and read from then on. Products from
 * the kept packing are bit-identical to the per-call path (a fresh copy of the
 * weights, never packed) on one and three threads and in both builds, with
 * and without the fused epilogue; a write, fill or optimiser step makes the
 * next product use the new values; freeing the weights frees the packing.
 * The same holds for a convolution's flipped weights (the stride-1 input
 * gradient), kept the same way.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Backend, createBackend, type GemmOptions, type Tensor } from '../../src/index.js';
import { createWasmImpl, type WasmImpl } from '../../src/backends/wasm/index.js';
import { values } from '../parity/cases.js';
import { enableRelaxedSimd } from '../helpers/relaxed-simd.js';

const relaxed = enableRelaxedSimd();
const reference = await createBackend('reference');
const started: Backend[] = [];

async function start(simd: 'simd128' | 'relaxed', threads: number): Promise<{ be: Backend; impl: WasmImpl }> {
  // threshold 0: every product above a few rows splits on three threads
  const impl = await createWasmImpl({ simd, threads, parallelMinFlops: threads > 1 ? 0 : undefined });
  const be = new Backend(impl, impl.threads);
  started.push(be);
  return { be, impl };
}

afterAll(() => {
  for (const be of started) be.destroy();
});

const rand = (be: Backend, shape: number[], seed: number): Tensor => be.tensor(values(shape[0]! * shape[1]!, seed), shape);

function expectSame(actual: Float32Array | Int32Array, expected: Float32Array | Int32Array, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) throw new Error(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

/** [m, n, k, transA, transB]: depth over KC (256), columns over NC (2048), edges of MR / NR, single-thread few-row products. */
const SHAPES: Array<[number, number, number, boolean, boolean]> = [
  [37, 13, 300, false, true],
  [130, 70, 513, true, false],
  [6, 9, 5, false, false],
  [3, 21, 40, false, true],
  [67, 2053, 33, false, true],
];

/** The product with a fresh copy of w (never packed: its first use) and with w itself. */
function both(be: Backend, x: Tensor, w: Tensor, o: GemmOptions): { fresh: Float32Array; kept: Float32Array } {
  const copy = be.clone(w);
  const fresh = be.scope(() => be.gemm(x, copy, o).readSync() as Float32Array);
  copy.dispose();
  const kept = be.scope(() => be.gemm(x, w, o).readSync() as Float32Array);
  return { fresh, kept };
}

const builds: Array<'simd128' | 'relaxed'> = ['simd128', 'relaxed'];
for (const simd of builds) {
  describe.skipIf(simd === 'relaxed' && !relaxed.available)(`kept packings, ${simd} build ${relaxed.reason}`, () => {
    for (const threads of [1, 3]) {
      it(`match the per-call product on ${threads} thread(s), awkward shapes, plain and fused`, async () => {
        const { be, impl } = await start(simd, threads);
        for (const [s, [m, n, k, transA, transB]] of SHAPES.entries()) {
          const x = rand(be, transA ? [k, m] : [m, k], 10 + s);
          const x2 = rand(be, transA ? [k, m] : [m, k], 20 + s);
          const w = rand(be, transB ? [n, k] : [k, n], 30 + s);
          const bias = be.tensor(values(n, 40 + s), [n]);
          const before = impl.packedProducts;
          for (const o of [{ transA, transB }, { transA, transB, bias, relu: true }] as GemmOptions[]) {
            // first use of w, then the second (packs), then a new A against the packing
            for (const input of [x, x, x2]) {
              const { fresh, kept } = both(be, input, w, o);
              expectSame(kept, fresh, `${m}x${n}x${k} ${o.relu ? 'fused' : 'plain'}`);
            }
          }
          const masked = be.scope(() => be.gemmReluMask(x2, w, { transA, transB, bias }).mask.readSync());
          const copy = be.clone(w);
          expectSame(masked, be.scope(() => be.gemmReluMask(x2, copy, { transA, transB, bias }).mask.readSync()), 'mask');
          copy.dispose();
          // one thread packs above 4 rows (fewer: no packing at all); split products when split by rows (m >= n)
          const packs = threads === 1 ? m > 4 : m >= n;
          if (!packs) expect(impl.packedProducts, 'products of at most 4 rows or split by columns never pack').toBe(before);
          else expect(impl.packedProducts, 'later products should read the kept packing').toBeGreaterThan(before);
          for (const t of [x, x2, w, bias]) t.dispose();
        }
      });
    }

    it('are bit-identical on one and three threads and agree with the reference', async () => {
      const one = await start(simd, 1);
      const three = await start(simd, 3);
      const run = (be: Backend): Float32Array => {
        const x = rand(be, [203, 300], 1);
        const w = rand(be, [150, 300], 2);
        let y: Float32Array = new Float32Array(0);
        for (let i = 0; i < 3; i++) y = be.scope(() => be.gemm(x, w, { transB: true }).readSync() as Float32Array);
        x.dispose();
        w.dispose();
        return y;
      };
      const y1 = run(one.be);
      expectSame(run(three.be), y1, 'three threads vs one');
      expect(three.impl.packedProducts).toBeGreaterThan(0);
      const ref = run(reference);
      for (let i = 0; i < ref.length; i++) expect(Math.abs(y1[i]! - ref[i]!)).toBeLessThan(1e-4 * 20);
    });

    it('follow writes, fills and optimiser steps of the weights, and are freed with them', async () => {
      const { be, impl } = await start(simd, 1);
      const x = rand(be, [40, 64], 3);
      const w = rand(be, [64, 24], 4);
      be.scope(() => be.gemm(x, x, { transB: true })); // the work area (kept by the backend) exists from here
      const live = impl.memoryStats().liveBytes;
      const check = (what: string): void => {
        for (let i = 0; i < 2; i++) {
          const { fresh, kept } = both(be, x, w, {});
          expectSame(kept, fresh, what);
        }
      };
      check('initial');
      be.write(w, values(64 * 24, 5));
      check('after write');
      const grad = rand(be, [64, 24], 6);
      const m = be.zeros([64, 24]);
      const v = be.zeros([64, 24]);
      be.adamStep(w, grad, m, v, { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, step: 1 });
      check('after an Adam step');
      const velocity = be.zeros([64, 24]);
      be.sgdStep(w, grad, velocity, { lr: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0, dampening: 0 });
      check('after an SGD step');
      for (const t of [grad, m, v, velocity, w]) t.dispose();
      expect(impl.memoryStats().liveBytes, 'the packing goes with its storage').toBe(live - 64 * 24 * 4);
      x.dispose();
    });

    it('keep a convolution\'s flipped weights for the input gradient, and follow writes', async () => {
      const { be, impl } = await start(simd, 1);
      // stride 1 and 12 input channels > 2 x 4 output channels: the transposed-convolution path
      for (const [groups, cIn, cOut, pad] of [[1, 12, 4, 1], [2, 14, 2, [0, 1, 2, 1]]] as const) {
        const dy = be.tensor(values(2 * cOut * 5 * 6, 7), [2, cOut, 5, 6]);
        const w = be.tensor(values(cOut * (cIn / groups) * 9, 8), [cOut, cIn / groups, 3, 3]);
        const o = { padding: pad, groups } as const;
        const inputShape = [2, cIn, 5 + 2 - (typeof pad === 'number' ? 2 * pad : pad[0] + pad[2]), 6 + 2 - (typeof pad === 'number' ? 2 * pad : pad[1] + pad[3])];
        const check = (what: string): void => {
          const copy = be.clone(w);
          const fresh = be.scope(() => be.conv2dBackwardInput(dy, copy, inputShape, o).readSync());
          copy.dispose();
          for (let i = 0; i < 2; i++) expectSame(be.scope(() => be.conv2dBackwardInput(dy, w, inputShape, o).readSync()), fresh, what);
          const ref = reference.scope(() => {
            const rdy = reference.tensor(be.readSync(dy) as Float32Array, dy.shape);
            const rw = reference.tensor(be.readSync(w) as Float32Array, w.shape);
            return reference.conv2dBackwardInput(rdy, rw, inputShape, o).readSync();
          });
          for (let i = 0; i < ref.length; i++) expect(Math.abs(fresh[i]! - ref[i]!), what).toBeLessThan(1e-4);
        };
        check('initial');
        be.write(w, values(w.size, 9));
        check('after write');
        const live = impl.memoryStats().liveBytes;
        w.dispose();
        const block = Math.ceil((w.size * 4) / 64) * 64;
        expect(live - impl.memoryStats().liveBytes, 'the weights and their one kept flipped copy are freed').toBe(2 * block);
        dy.dispose();
      }
    });
  });
}
