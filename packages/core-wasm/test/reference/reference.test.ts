/**
 * The reference backend is the oracle, so it is checked against independent
 * facts: hand-computed values, PyTorch's documented conventions, finite
 * differences and adjoint (dot-product) identities for every backward kernel.
 */
import { describe, expect, it } from 'vitest';
import { createBackend, DTypeError, Generator, philox4x32, ShapeError, type Backend, type Tensor } from '../../src/index.js';
import { values } from '../parity/cases.js';

const be: Backend = await createBackend('reference');

function arr(t: Tensor): number[] {
  return Array.from(t.readSync());
}

function dot(a: Tensor, b: Tensor): number {
  const x = a.readSync(), y = b.readSync();
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
  return s;
}

describe('Philox4x32-10', () => {
  it('matches the Random123 known-answer vectors', () => {
    const out = new Uint32Array(4);
    philox4x32(0, 0, 0, 0, 0, 0, out);
    expect([...out]).toEqual([0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
    philox4x32(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, out);
    expect([...out]).toEqual([0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]);
    philox4x32(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, out);
    expect([...out]).toEqual([0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]);
  });

  it('Generator is reproducible, forks independently and draws sensible distributions', () => {
    const a = new Generator(7), b = new Generator(7), c = new Generator(8);
    const xa = Array.from({ length: 5 }, () => a.uniform());
    expect(Array.from({ length: 5 }, () => b.uniform())).toEqual(xa);
    expect(Array.from({ length: 5 }, () => c.uniform())).not.toEqual(xa);
    const g = new Generator(1);
    let sum = 0, sq = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const z = g.normal();
      sum += z;
      sq += z * z;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.03);
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.05);
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 7000; i++) counts[g.int(7)]++;
    for (const k of counts) expect(Math.abs(k - 1000)).toBeLessThan(150);
    const f1 = new Generator(3).fork(), f2 = new Generator(3).fork();
    expect(f1.uniform()).toBe(f2.uniform());
    expect(() => new Generator(-1)).toThrow(/seed/);
  });

  it('device uniforms lie in [low, high) and depend on the stream', () => {
    const g = new Generator(5);
    const u = be.randomUniform([1000], g, -2, 3).readSync();
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(3);
    const v = be.randomUniform([1000], g, -2, 3).readSync();
    expect(Array.from(v)).not.toEqual(Array.from(u));
  });
});

describe('reference kernels: hand-computed values', () => {
  it('gemm with transposes, alpha and beta', () => {
    const a = be.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = be.tensor([7, 8, 9, 10, 11, 12], [3, 2]);
    expect(arr(be.gemm(a, b))).toEqual([58, 64, 139, 154]);
    const c = be.tensor([1, 1, 1, 1], [2, 2]);
    expect(arr(be.gemm(a, b, { alpha: 2, beta: -1, c }))).toEqual([115, 127, 277, 307]);
    // A^T B^T with A 3x2 stored, B 2x3 stored
    expect(arr(be.gemm(be.transpose(a), be.transpose(b), { transA: true, transB: true }))).toEqual([58, 64, 139, 154]);
  });

  it('stabilised division uses sign(0) = +1', () => {
    const r = arr(be.stabilizedDivide(be.tensor([1, 1, 1]), be.tensor([0, -2, 2]), 0.5));
    expect(r).toEqual([2, 1 / -2.5, 1 / 2.5].map(Math.fround));
  });

  it('reductions, argmax ties and softmax', () => {
    const x = be.tensor([1, 5, 5, 2, -1, 0], [2, 3]);
    expect(arr(be.sum(x, 1))).toEqual([11, 1]);
    expect(arr(be.mean(x, 0))).toEqual([1.5, 2, 2.5]);
    expect(arr(be.max(x, 1))).toEqual([5, 2]);
    expect(arr(be.argmax(x, 1))).toEqual([1, 0]);
    const s = arr(be.softmax(be.tensor([0, Math.log(3)], [1, 2]), 1));
    expect(s[0]).toBeCloseTo(0.25, 6);
    expect(s[1]).toBeCloseTo(0.75, 6);
  });

  it('conv2d on a 3x3 image with padding 1 and a bias', () => {
    const x = be.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
    const w = be.tensor([0, 1, 0, 1, 1, 1, 0, 1, 0], [1, 1, 3, 3]); // plus-shaped stencil
    const y = arr(be.conv2d(x, w, be.tensor([10]), { padding: 1 }));
    expect(y).toEqual([17, 21, 21, 27, 35, 33, 29, 39, 33]);
  });

  it('average pooling divisors follow PyTorch count_include_pad', () => {
    const x = be.ones([1, 1, 3, 3]);
    expect(arr(be.avgPool2d(x, { kernel: 2, stride: 2, padding: 1, countIncludePad: true }))).toEqual([0.25, 0.5, 0.5, 1]);
    expect(arr(be.avgPool2d(x, { kernel: 2, stride: 2, padding: 1, countIncludePad: false }))).toEqual([1, 1, 1, 1]);
  });

  it('max pooling: output size with ceil mode, padding never wins, indices are flat', () => {
    const x = be.tensor(values(35, 1), [1, 1, 7, 5]);
    const { output, indices } = be.maxPool2d(x, { kernel: 2, ceilMode: true });
    expect(output.shape).toEqual([1, 1, 4, 3]);
    const neg = be.full([1, 1, 2, 2], -3);
    const p = be.maxPool2d(neg, { kernel: 2, stride: 1, padding: 1 });
    expect(arr(p.output).every((v) => v === -3)).toBe(true);
    const xv = x.readSync();
    const iv = indices.readSync();
    arr(output).forEach((v, i) => expect(xv[iv[i]!]).toBe(v));
  });

  it('resize matches torch.nn.functional.interpolate', () => {
    const x = be.tensor([0, 1], [1, 1, 1, 2]);
    expect(arr(be.resize2d(x, { height: 1, width: 4, mode: 'bilinear' }))).toEqual([0, 0.25, 0.75, 1]);
    expect(arr(be.resize2d(x, { height: 1, width: 4, mode: 'nearest' }))).toEqual([0, 0, 1, 1]);
    expect(arr(be.resize2d(x, { height: 1, width: 3, mode: 'bilinear', alignCorners: true }))).toEqual([0, 0.5, 1]);
  });

  it('optimiser state that would fall below the smallest normal float32 is stored as 0 (no slow subnormals)', () => {
    const p = be.tensor([1, 1]), g = be.tensor([0, 0.5]), m = be.tensor([1.2e-38, 0]), v = be.tensor([1.2e-38, 0]);
    be.adamStep(p, g, m, v, { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, step: 1 });
    // 0.9 * 1.2e-38 = 1.08e-38 would be subnormal (below 2^-126 = 1.18e-38): stored as 0; 0.999 * 1.2e-38 stays
    expect(arr(m)).toEqual([0, Math.fround(0.05)]);
    expect(arr(v)[0]).toBe(Math.fround(0.999 * 1.2e-38));
    const vel = be.tensor([1.2e-38]);
    be.sgdStep(be.tensor([1]), be.tensor([0]), vel, { lr: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0, dampening: 0 });
    expect(arr(vel)).toEqual([0]);
  });

  it('adam matches a hand-computed first step', () => {
    const p = be.tensor([1]), g = be.tensor([0.5]), m = be.zeros([1]), v = be.zeros([1]);
    be.adamStep(p, g, m, v, { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, step: 1 });
    // bias-corrected m / sqrt(v) = g / |g| = 1 on the first step
    expect(arr(p)[0]).toBeCloseTo(0.9, 6);
  });
});

describe('reference backward kernels', () => {
  const h = 1e-2;

  it('unary derivatives match central finite differences', () => {
    const ops = ['leaky_relu', 'sigmoid', 'tanh', 'exp', 'log', 'square', 'sqrt', 'affine', 'reciprocal'] as const;
    for (const op of ops) {
      const xs = values(9, 3, 0.3, 2); // positive, away from kinks
      const x = be.tensor(xs);
      const y = be.unary(op, x, 0.2, 0.1);
      const g = arr(be.unaryBackward(op, x, y, be.ones([9]), 0.2, 0.1));
      const xp = arr(be.unary(op, be.tensor(xs.map((v) => v + h)), 0.2, 0.1));
      const xm = arr(be.unary(op, be.tensor(xs.map((v) => v - h)), 0.2, 0.1));
      g.forEach((gi, i) => expect(gi, op).toBeCloseTo((xp[i]! - xm[i]!) / (2 * h), 2));
    }
  });

  it('softmax and log-softmax backward match finite differences of a weighted sum', () => {
    for (const log of [false, true]) {
      const xs = values(5, 4, -2, 2);
      const wv = values(5, 5);
      const f = (v: Float32Array): number => dot(log ? be.logSoftmax(be.tensor(v, [1, 5])) : be.softmax(be.tensor(v, [1, 5])), be.tensor(wv, [1, 5]));
      const y = log ? be.logSoftmax(be.tensor(xs, [1, 5])) : be.softmax(be.tensor(xs, [1, 5]));
      const g = arr(be.softmaxBackward(y, be.tensor(wv, [1, 5]), -1, log));
      for (let i = 0; i < 5; i++) {
        const p = xs.slice(), m = xs.slice();
        p[i]! += h;
        m[i]! -= h;
        expect(g[i]).toBeCloseTo((f(p) - f(m)) / (2 * h), 3);
      }
    }
  });

  it('conv2d backward kernels are the adjoints of the forward (dot-product test)', () => {
    const settings = [
      { x: [2, 4, 7, 6], w: [6, 2, 3, 2], opts: { stride: [2, 1] as [number, number], padding: [1, 0, 2, 1] as [number, number, number, number], dilation: [1, 2] as [number, number], groups: 2 } },
      { x: [1, 3, 5, 5], w: [2, 3, 3, 3], opts: { padding: 1 } },
    ];
    for (const s of settings) {
      const x = be.tensor(values(s.x.reduce((a, b) => a * b), 1), s.x);
      const w = be.tensor(values(s.w.reduce((a, b) => a * b), 2), s.w);
      const y = be.conv2d(x, w, null, s.opts);
      const dy = be.tensor(values(y.size, 3), y.shape);
      const lhs = dot(y, dy);
      expect(dot(x, be.conv2dBackwardInput(dy, w, s.x, s.opts))).toBeCloseTo(lhs, 3);
      expect(dot(w, be.conv2dBackwardWeight(x, dy, s.w, s.opts))).toBeCloseTo(lhs, 3);
    }
  });

  it('pooling and resize backward kernels are the adjoints of the forward', () => {
    const x = be.tensor(values(2 * 3 * 9 * 7, 6), [2, 3, 9, 7]);
    for (const opts of [{ kernel: 3, stride: 2, padding: 1, countIncludePad: true }, { kernel: [2, 3] as [number, number], ceilMode: true, countIncludePad: false }]) {
      const y = be.avgPool2d(x, opts);
      const dy = be.tensor(values(y.size, 7), y.shape);
      expect(dot(x, be.avgPool2dBackward(dy, x.shape, opts))).toBeCloseTo(dot(y, dy), 4);
      const mp = be.maxPool2d(x, opts);
      const dm = be.tensor(values(mp.output.size, 8), mp.output.shape);
      expect(dot(x, be.maxPool2dBackward(dm, mp.indices, x.shape, opts))).toBeCloseTo(dot(mp.output, dm), 4);
    }
    for (const opts of [{ height: 17, width: 4, mode: 'bilinear' as const }, { height: 5, width: 11, mode: 'nearest' as const }, { height: 4, width: 3, mode: 'bilinear' as const, alignCorners: true }]) {
      const y = be.resize2d(x, opts);
      const dy = be.tensor(values(y.size, 9), y.shape);
      expect(dot(x, be.resize2dBackward(dy, x.shape, opts))).toBeCloseTo(dot(y, dy), 3);
    }
  });

  it('gather and scatterAdd are adjoints', () => {
    const x = be.tensor(values(5 * 17 * 3, 1), [5, 17, 3]);
    const idx = [16, 0, 3, 3, 9];
    const y = be.gather(x, idx, 1);
    const dy = be.tensor(values(y.size, 2), y.shape);
    const back = be.scatterAdd(be.zeros(x.shape), idx, dy, 1);
    expect(dot(x, back)).toBeCloseTo(dot(y, dy), 4);
  });
});

describe('front end: ownership, errors', () => {
  it('scope disposes temporaries and keeps what it returns; memory returns to zero', () => {
    const b0 = be.memory();
    const kept = be.scope(() => {
      const a = be.ones([3]);
      const b = be.add(a, a);
      be.mul(b, b);
      return { result: be.sum(b.reshape([1, 3]), 1) };
    });
    expect(be.memory().tensors).toBe(b0.tensors + 1);
    expect(arr(kept.result)).toEqual([6]);
    kept.result.dispose();
    expect(be.memory()).toEqual(b0);
  });

  it('reshape views share storage until the last view is disposed', () => {
    const b0 = be.memory();
    const a = be.tensor([1, 2, 3, 4]);
    const v = a.reshape([2, 2]);
    a.dispose();
    expect(arr(v)).toEqual([1, 2, 3, 4]);
    expect(be.memory().storages).toBe(b0.storages + 1);
    v.dispose();
    expect(be.memory()).toEqual(b0);
    expect(() => a.readSync()).toThrow(/disposed/);
  });

  it('errors name the kernel and both shapes', () => {
    const a = be.zeros([3, 4]), b = be.zeros([5, 6]);
    expect(() => be.gemm(a, b)).toThrow(ShapeError);
    expect(() => be.gemm(a, b)).toThrow(/gemm: inner dimensions differ.*\[3, 4\] vs \[5, 6\]/);
    expect(() => be.add(be.zeros([3]), be.zeros([4]))).toThrow(/add: shapes do not broadcast: \[3\] vs \[4\]/);
    expect(() => be.relu(be.tensor(Int32Array.from([1])))).toThrow(DTypeError);
    expect(() => be.tensor(new Float64Array(3) as unknown as Float32Array)).toThrow(/Float64Array/);
    expect(() => be.conv2d(be.zeros([1, 3, 5, 5]), be.zeros([2, 4, 3, 3]))).toThrow(/conv2d: weight expects 4 input channels/);
    expect(() => be.gather(be.zeros([3, 4]), [4], 1)).toThrow(/gather: index 4 at position 0 is outside \[0, 4\)/);
    expect(() => be.scope(async () => be.zeros([1]))).toThrow(/asyncScope/);
  });
});
