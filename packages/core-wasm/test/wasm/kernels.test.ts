/**
 * wasm kernels on hand-checked values and on the cases the parity suite does
 * not stress: high-rank broadcasting and strided views (dimension merging),
 * SIMD tails, special values of the vectorised transcendentals, GEMM edge
 * tiles and k blocking, large reductions, the op-code tables.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Backend, BINARY_OPS, createBackend, UNARY_OPS, type Tensor } from '../../src/index.js';
import { createWasmImpl, type WasmImpl } from '../../src/backends/wasm/index.js';
import { BINARY_CODES, UNARY_CODES } from '../../src/backends/wasm/op-codes.js';
import { coalesce } from '../../src/backends/wasm/strided.js';
import { values } from '../parity/cases.js';
import { enableRelaxedSimd } from '../helpers/relaxed-simd.js';

const impl: WasmImpl = await createWasmImpl({ threads: 1 });
const be = new Backend(impl, 1);
const ref = await createBackend('reference');

afterAll(() => be.destroy());

function arr(t: Tensor): number[] {
  return Array.from(t.readSync());
}

/** The same computation on wasm and on the reference; max |difference| relative to the reference's largest magnitude. */
function relativeGap(build: (b: Backend) => Tensor): number {
  const x = be.scope(() => build(be).readSync());
  const r = ref.scope(() => build(ref).readSync());
  let scale = 1e-30, gap = 0;
  for (let i = 0; i < r.length; i++) scale = Math.max(scale, Math.abs(r[i]!));
  for (let i = 0; i < r.length; i++) gap = Math.max(gap, Math.abs(x[i]! - r[i]!));
  expect(x.length).toBe(r.length);
  return gap / scale;
}

function rand(b: Backend, shape: number[], seed: number, lo = -1, hi = 1): Tensor {
  return b.tensor(values(shape.reduce((p, d) => p * d, 1), seed, lo, hi), shape);
}

describe('op-code tables', () => {
  it('cover every op of the contract with distinct codes', () => {
    expect(Object.keys(UNARY_CODES).sort()).toEqual([...UNARY_OPS].sort());
    expect(Object.keys(BINARY_CODES).sort()).toEqual([...BINARY_OPS].sort());
    expect(new Set(Object.values(UNARY_CODES)).size).toBe(UNARY_OPS.length);
    expect(new Set(Object.values(BINARY_CODES)).size).toBe(BINARY_OPS.length);
  });
});

describe('SIMD peak loop', () => {
  it('runs for every chain count and counts its flops', () => {
    for (const chains of [8, 10, 11, 12]) {
      expect(Number.isFinite(impl.core.simdPeak(chains, 1000, 0.9999, 1e-4))).toBe(true);
      expect(impl.core.simdPeakFlops(chains, 1000)).toBe(1000 * chains * 8);
    }
  });
});

describe('strided elementwise', () => {
  it('merges contiguous dimensions and drops unit ones', () => {
    expect(coalesce([2, 3, 4], [[12, 4, 1], [12, 4, 1]])).toEqual({ shape: [24], strides: [[1], [1]] });
    expect(coalesce([2, 1, 3, 4], [[0, 0, 4, 1], [12, 12, 4, 1]])).toEqual({ shape: [2, 12], strides: [[0, 1], [12, 1]] });
    expect(coalesce([1, 1], [[5, 7]])).toEqual({ shape: [1], strides: [[0]] });
  });

  it('binary with rank-6 broadcasting on every side', () => {
    const aShape = [2, 1, 3, 1, 5, 3];
    const bShape = [1, 4, 3, 2, 1, 3];
    for (const op of BINARY_OPS) {
      const gap = relativeGap((b) => b.binary(op, rand(b, aShape, 1, 0.5, 2), rand(b, bShape, 2, 0.5, 2), 0.1));
      expect(gap, op).toBeLessThan(1e-6);
    }
  });

  it('where and copy on rank-7 permuted, sliced and expanded views', () => {
    expect(relativeGap((b) => b.where(b.step(rand(b, [3, 1, 2, 1, 2, 1, 5], 3)), rand(b, [1, 2, 2, 3, 1, 4, 1], 4), rand(b, [5], 5)))).toBe(0);
    expect(relativeGap((b) => b.permute(rand(b, [2, 3, 1, 4, 5, 2, 3], 6), [6, 0, 5, 1, 4, 2, 3]))).toBe(0);
    expect(relativeGap((b) => b.slice(rand(b, [5, 6, 7, 3, 2, 9], 7), [1, 0, 2, 0, 1, 1], [5, 6, 7, 3, 2, 9], [2, 1, 3, 2, 1, 4]))).toBe(0);
    expect(relativeGap((b) => b.expand(rand(b, [3, 1, 1, 2, 1, 1], 8), [2, 3, 4, 5, 2, 3, 2]))).toBe(0);
  });

  it('copy keeps int32 bit patterns', () => {
    const x = be.tensor(Int32Array.from([-1, 2 ** 31 - 1, -(2 ** 31), 7, 0, 12345]), [2, 3]);
    expect(arr(be.transpose(x))).toEqual([-1, 7, 2 ** 31 - 1, 0, -(2 ** 31), 12345]);
  });
});

describe('unary transcendentals', () => {
  it('exp, sigmoid, tanh, log at special values', () => {
    const x = be.tensor([0, -0, 1, -1, 88, 89, 100, -87, -100, -104, -200, Infinity, -Infinity, NaN, 1e-8, -1e-8, 20, -20]);
    const e = be.exp(x).readSync();
    expect(e[0]).toBe(1);
    expect(e[2]).toBeCloseTo(Math.E, 6);
    expect(e[4]! / Math.fround(Math.exp(88))).toBeCloseTo(1, 6);
    expect(e[5]).toBe(Infinity);
    expect(e[6]).toBe(Infinity);
    expect(e[7]! / Math.exp(-87)).toBeCloseTo(1, 5);
    expect(Math.abs(e[8]! - Math.fround(Math.exp(-100)))).toBeLessThanOrEqual(2 ** -149); // denormal range: within one denormal step
    expect(e[10]).toBe(0);
    expect(e[11]).toBe(Infinity);
    expect(e[12]).toBe(0);
    expect(e[13]).toBeNaN();
    const t = be.tanh(x).readSync();
    expect(t[14]).toBeCloseTo(1e-8, 15); // relative accuracy near 0 (polynomial branch)
    expect(t[15]).toBeCloseTo(-1e-8, 15);
    expect(t[11]).toBe(1);
    expect(t[12]).toBe(-1);
    expect(t[16]).toBe(1);
    expect(t[17]).toBe(-1);
    expect(t[13]).toBeNaN();
    const s = be.sigmoid(x).readSync();
    expect(s[0]).toBe(0.5);
    expect(s[12]).toBe(0);
    expect(s[11]).toBe(1);
    expect(s[17]! / (1 / (1 + Math.exp(20)))).toBeCloseTo(1, 5);
    const l = be.log(be.tensor([1, 0, -1, Infinity, Math.E])).readSync();
    expect(Array.from(l.subarray(0, 4))).toEqual([0, -Infinity, NaN, Infinity]);
    expect(l[4]).toBeCloseTo(1, 6);
  });

  it('every unary op over a long range matches the reference (SIMD body and scalar tail)', () => {
    for (const op of UNARY_OPS) {
      const [lo, hi] = op === 'log' || op === 'sqrt' || op === 'reciprocal' ? [0.01, 50] : [-30, 30];
      expect(relativeGap((b) => b.unary(op, rand(b, [4099], 11, lo, hi), 0.3, 0.7)), op).toBeLessThan(2e-6);
    }
  });
});

describe('GEMM edges', () => {
  it('k larger than one depth block, n larger than one column block, edge tiles everywhere', () => {
    expect(relativeGap((b) => b.gemm(rand(b, [9, 601], 20), rand(b, [601, 2055], 21)))).toBeLessThan(1e-5);
    expect(relativeGap((b) => b.gemm(rand(b, [601, 131], 22), rand(b, [13, 601], 23), { transA: true, transB: true }))).toBeLessThan(1e-5);
  });

  it('a few rows (no packing) with every transpose combination', () => {
    for (const m of [1, 2, 3, 4]) {
      for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        const gap = relativeGap((b) => b.gemm(rand(b, transA ? [701, m] : [m, 701], 50), rand(b, transB ? [1003, 701] : [701, 1003], 51), { transA, transB, alpha: 2, beta: 0.5, c: rand(b, [m, 1003], 52) }));
        expect(gap, `m=${m} transA=${transA} transB=${transB}`).toBeLessThan(1e-5);
      }
    }
  });

  it('beta = 0 ignores NaN in the output buffer; beta != 0 reads it', () => {
    const a = be.tensor([1, 2, 3, 4], [2, 2]);
    const nan = be.full([2, 2], NaN);
    expect(arr(be.gemm(a, a, { beta: 0, c: nan }))).toEqual([7, 10, 15, 22]);
    const c = be.tensor([1, 1, 1, 1], [2, 2]);
    expect(arr(be.gemm(a, a, { alpha: 2, beta: -1, c }))).toEqual([13, 19, 29, 43]);
  });
});

describe('convolution paths', () => {
  it('stride-1 input gradient as a transposed convolution, padding larger than the kernel span (negative transposed padding)', () => {
    for (const [padding, dilation] of [[3, 1], [[3, 0, 1, 2] as const, 1], [5, 2], [[0, 4, 0, 0] as const, 2]] as const) {
      const options = { padding, dilation };
      // 12 input channels > 2 x 4 output channels: the transposed-convolution path
      const p = be.conv2dParams([2, 12, 7, 6], [4, 12, 3, 3], options);
      const gap = relativeGap((b) => b.conv2dBackwardInput(rand(b, [2, 4, p.outH, p.outW], 40), rand(b, [4, 12, 3, 3], 41), [2, 12, 7, 6], options));
      expect(gap, JSON.stringify(options)).toBeLessThan(1e-6);
    }
  });

  it('implicit im2col panels that wrap output rows, strided and dilated', () => {
    for (const [x, w, options] of [
      [[1, 2, 5, 7], [3, 2, 2, 3], { stride: [2, 3], padding: [1, 2, 0, 1] }],
      [[2, 4, 11, 13], [6, 2, 3, 3], { groups: 2, dilation: [2, 1], padding: 2 }],
      [[1, 1, 3, 50], [2, 1, 1, 5], { padding: [0, 2] }],
    ] as const) {
      expect(relativeGap((b) => b.conv2d(rand(b, [...x], 42), rand(b, [...w], 43), null, options)), JSON.stringify(options)).toBeLessThan(1e-6);
    }
  });
});

describe('reductions and softmax', () => {
  it('long sums keep float32 accuracy (float64 accumulation)', () => {
    const n = 1_000_003;
    const x = be.full([n], 0.1);
    const s = be.sumAll(x).readSync()[0]!;
    expect(Math.abs(s - n * Math.fround(0.1)) / (n * 0.1)).toBeLessThan(1e-7);
    expect(be.mean(x.reshape([1, n]), 1).readSync()[0]).toBe(Math.fround(0.1));
  });

  it('inner > 1 layouts with tails, every reduce op and softmax', () => {
    for (const op of ['sum', 'mean', 'max', 'min'] as const) {
      expect(relativeGap((b) => b.reduce(op, rand(b, [3, 77, 13], 30), 1)), op).toBeLessThan(1e-6);
    }
    expect(relativeGap((b) => b.softmax(rand(b, [2, 301, 7], 31, -20, 20), 1))).toBeLessThan(1e-6);
    expect(relativeGap((b) => b.logSoftmax(rand(b, [5, 1029], 32, -20, 20), 1))).toBeLessThan(1e-6);
  });

  it('softmax is stable for large logits', () => {
    expect(arr(be.softmax(be.tensor([1000, 1000, -Infinity])))).toEqual([0.5, 0.5, 0]);
  });
});

describe('optimiser state below the smallest normal float32', () => {
  // x86 takes a microcode assist per subnormal operand and wasm cannot flush to zero: a dead unit's Adam m
  // decaying by beta1 every step made the paper-size predictor's epochs 3-4x slower. Both builds store it as 0.
  const relaxed = enableRelaxedSimd();
  for (const simd of ['simd128', 'relaxed'] as const) {
    it.skipIf(simd === 'relaxed' && !relaxed.available)(`${simd} build: Adam's m and SGD's momentum buffer become 0, not subnormal; the tail lanes too${simd === 'relaxed' && !relaxed.available ? ` (skipped: ${relaxed.reason})` : ''}`, async () => {
      const w = await createBackend('wasm', { simd, threads: 1 });
      const n = 6; // one full vector and a 2-lane tail
      const start = Array.from({ length: n }, () => 1.2e-38);
      const m = w.tensor(start), v = w.tensor(start), vel = w.tensor(start);
      w.adamStep(w.tensor(new Array(n).fill(1)), w.zeros([n]), m, v, { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, step: 1 });
      w.sgdStep(w.tensor(new Array(n).fill(1)), w.zeros([n]), vel, { lr: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0, dampening: 0 });
      expect(Array.from(m.readSync() as Float32Array)).toEqual(new Array(n).fill(0));
      expect(Array.from(vel.readSync() as Float32Array)).toEqual(new Array(n).fill(0));
      // 0.999 * 1.2e-38 is still normal and is kept
      expect(Array.from(v.readSync() as Float32Array)).toEqual(new Array(n).fill(Math.fround(Math.fround(0.999) * Math.fround(1.2e-38))));
      w.destroy();
    });
  }
});
