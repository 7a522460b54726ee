/**
 * Parity cases: every kernel on awkward shapes (1, 3, 5, 17, 127, sizes that are
 * not multiples of 4 or of a workgroup), from fixed seeds. Each case runs once
 * on the reference backend and once on the backend under test.
 *
 * Tolerances (per element, r = reference value, x = backend value):
 * - 'exact': bit-identical (copies, indexing, argmax, uniform random).
 * - elementwise: |x - r| <= 1e-5 * |r| + 1e-6 (float32 transcendental accuracy).
 * - reductions over L terms (gemm, conv, sums, pooling, resize): |x - r| <= 1e-5 * |r| + L * 2^-22 * m,
 *   where m is the same case evaluated on |inputs| (the classic bound for a
 *   float32 sum of L terms is L * 2^-24 * sum|terms|; the factor 4 leaves room
 *   for different summation orders and the reference's float64 accumulation).
 */
import { Generator, type Backend, type Tensor } from '../../src/index.js';
import type { UnaryOp, BinaryOp } from '../../src/index.js';

export type Tolerance =
  | { kind: 'exact' }
  | { kind: 'elementwise'; rtol?: number; atol?: number }
  | { kind: 'reduction'; length: number };

export interface ParityCase {
  kernel: string;
  label: string;
  tolerance: Tolerance;
  /** Build inputs (deterministic host data) and run; `abs` replaces every input by its absolute value. */
  run(be: Backend, abs: boolean): Tensor[];
}

/** Deterministic host values in [lo, hi). */
export function values(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const g = new Generator(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * g.uniform();
  return out;
}

function absIf(a: Float32Array, abs: boolean): Float32Array {
  return abs ? a.map(Math.abs) : a;
}

function size(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

function input(be: Backend, shape: readonly number[], seed: number, abs: boolean, lo = -1, hi = 1): Tensor {
  return be.tensor(absIf(values(size(shape), seed, lo, hi), abs), shape);
}

const cases: ParityCase[] = [];
const add = (c: ParityCase): void => {
  cases.push(c);
};

// ------------------------------------------------------------------ gemm
{
  const sizes: Array<[number, number, number]> = [
    [1, 1, 1], [3, 5, 7], [17, 3, 5], [5, 17, 127], [127, 33, 17], [64, 64, 64], [130, 67, 129], [1, 127, 3], [33, 1, 65],
  ];
  let seed = 100;
  for (const [m, n, k] of sizes) {
    for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const s = seed++;
      add({
        kernel: 'gemm',
        label: `m=${m} n=${n} k=${k} transA=${transA} transB=${transB} alpha=1.5`,
        tolerance: { kind: 'reduction', length: k },
        run: (be, abs) => {
          const a = input(be, transA ? [k, m] : [m, k], s, abs);
          const b = input(be, transB ? [n, k] : [k, n], s + 1000, abs);
          return [be.gemm(a, b, { transA, transB, alpha: 1.5 })];
        },
      });
    }
    const s = seed++;
    add({
      kernel: 'gemm',
      label: `m=${m} n=${n} k=${k} alpha=-0.5 beta=0.25 with c`,
      tolerance: { kind: 'reduction', length: k + 1 },
      run: (be, abs) => {
        const a = input(be, [m, k], s, abs);
        const b = input(be, [k, n], s + 1, abs);
        const c = input(be, [m, n], s + 2, abs);
        return [be.gemm(a, b, { alpha: abs ? 0.5 : -0.5, beta: 0.25, c })];
      },
    });
  }
  add({
    kernel: 'gemm',
    label: 'batched 3 x [17x5] @ shared [5x9]',
    tolerance: { kind: 'reduction', length: 5 },
    run: (be, abs) => [be.gemm(input(be, [3, 17, 5], 7, abs), input(be, [5, 9], 8, abs))],
  });
  add({
    kernel: 'gemm',
    label: 'batched 4 x [5x127]^T @ 4 x [5x3]',
    tolerance: { kind: 'reduction', length: 5 },
    run: (be, abs) => [be.gemm(input(be, [4, 5, 127], 9, abs), input(be, [4, 5, 3], 10, abs), { transA: true })],
  });
  add({
    kernel: 'gemm',
    label: 'shared [3x17] @ batched 2 x [17x33]^T... (transB)',
    tolerance: { kind: 'reduction', length: 17 },
    run: (be, abs) => [be.gemm(input(be, [3, 17], 11, abs), input(be, [2, 33, 17], 12, abs), { transB: true })],
  });
}

// ------------------------------------------- gemm with the fused epilogue
{
  // awkward shapes: a single row (few-rows path), partial tiles, k over one depth block (256)
  const sizes: Array<[number, number, number]> = [[1, 1, 1], [3, 5, 7], [1, 127, 3], [17, 3, 5], [5, 17, 127], [130, 67, 129], [33, 9, 300], [0, 3, 4], [4, 6, 0]];
  let seed = 900;
  for (const [m, n, k] of sizes) {
    for (const [transA, transB] of [[false, false], [true, true], [false, true]] as const) {
      const s = seed++;
      const operands = (be: Backend, abs: boolean): [Tensor, Tensor, Tensor] => [
        input(be, transA ? [k, m] : [m, k], s, abs), input(be, transB ? [n, k] : [k, n], s + 1000, abs), input(be, [n], s + 2000, abs),
      ];
      const label = `m=${m} n=${n} k=${k} transA=${transA} transB=${transB}`;
      add({
        kernel: 'gemm+bias', label, tolerance: { kind: 'reduction', length: k + 1 },
        run: (be, abs) => {
          const [a, b, bias] = operands(be, abs);
          return [be.gemm(a, b, { transA, transB, alpha: 1.5, bias })];
        },
      });
      add({
        kernel: 'gemm+bias+relu', label, tolerance: { kind: 'reduction', length: k + 1 },
        run: (be, abs) => {
          const [a, b, bias] = operands(be, abs);
          return [be.gemm(a, b, { transA, transB, bias, relu: true })];
        },
      });
      add({
        // the mask is 0/1 and compared exactly: these seeds keep every pre-activation away from 0
        kernel: 'gemmReluMask', label, tolerance: { kind: 'exact' },
        run: (be, abs) => {
          const [a, b, bias] = operands(be, abs);
          return [be.gemmReluMask(a, b, { transA, transB, bias }).mask];
        },
      });
    }
  }
  add({
    kernel: 'gemm+bias+relu', label: 'relu without bias, beta with c', tolerance: { kind: 'reduction', length: 66 },
    run: (be, abs) => [be.gemm(input(be, [19, 65], 990, abs), input(be, [65, 21], 991, abs), { relu: true, alpha: abs ? 1 : -1, beta: 0.5, c: input(be, [19, 21], 992, abs) })],
  });
}

// ----------------------------------------------------------- gathered gemm
{
  /** Ragged entries over a shared [rowsW x colsW] matrix, deterministic index lists (with repeats). */
  const gathered = (label: string, rowsW: number, colsW: number, shapes: Array<[number, number, number]>, scales: boolean, seed: number): ParityCase => ({
    kernel: 'gatheredGemm',
    label,
    tolerance: { kind: 'reduction', length: Math.max(1, ...shapes.map((s) => s[1])) },
    run: (be, abs) => {
      const g = new Generator(seed);
      const rows: number[] = [], cols: number[] = [];
      const entries = [];
      let aSize = 0;
      for (const [m, k, n] of shapes) {
        entries.push({ m, k, n, aOffset: aSize, rowsOffset: rows.length, colsOffset: cols.length });
        for (let q = 0; q < k; q++) rows.push(g.int(rowsW));
        for (let j = 0; j < n; j++) cols.push(g.int(colsW));
        aSize += m * k;
      }
      const a = input(be, [Math.max(aSize, 1)], seed + 1, abs);
      const w = input(be, [rowsW, colsW], seed + 2, abs);
      const rs = scales ? input(be, [Math.max(rows.length, 1)], seed + 3, abs).reshape([Math.max(rows.length, 1)]) : null;
      const cs = scales ? input(be, [Math.max(cols.length, 1)], seed + 4, abs) : null;
      const rowT = be.tensor(Int32Array.from(rows.length ? rows : [0]));
      const colT = be.tensor(Int32Array.from(cols.length ? cols : [0]));
      const r = be.gatheredGemm(a, w, rowT, rs && rows.length ? rs : null, colT, cs && cols.length ? cs : null, entries);
      return [r.out];
    },
  });
  add(gathered('one entry 1x1x1', 1, 1, [[1, 1, 1]], true, 1500));
  add(gathered('ragged entries incl. k=127, n=17, m=3, repeated indices, with scales', 130, 67, [[3, 127, 17], [1, 5, 3], [16, 64, 64], [5, 1, 33]], true, 1501));
  add(gathered('entries with m = 0 and n = 0 between others, no scales', 40, 41, [[2, 7, 9], [0, 5, 4], [3, 17, 1], [4, 3, 0], [1, 40, 41]], false, 1502));
  add(gathered('200 small entries (the proteomics shape)', 96, 96, Array.from({ length: 200 }, (_, i) => [1 + (i % 7), 20 + (i % 13), 15 + (i % 11)] as [number, number, number]), true, 1503));
}

// ------------------------------------------------------------ unary ops
const unaryDomains: Record<UnaryOp, [number, number, number, number]> = {
  // [lo, hi, p0, p1]
  relu: [-2, 2, 0, 0],
  leaky_relu: [-2, 2, 0.1, 0],
  sigmoid: [-6, 6, 0, 0],
  tanh: [-4, 4, 0, 0],
  exp: [-4, 4, 0, 0],
  log: [0.05, 5, 0, 0],
  abs: [-2, 2, 0, 0],
  sign: [-2, 2, 0, 0],
  square: [-3, 3, 0, 0],
  sqrt: [0.01, 9, 0, 0],
  clamp: [-2, 2, -0.5, 0.75],
  positive: [-2, 2, 0, 0],
  negative: [-2, 2, 0, 0],
  affine: [-2, 2, -1.5, 0.25],
  reciprocal: [0.1, 4, 0, 0],
  step: [-2, 2, 0, 0],
};
{
  let seed = 300;
  for (const op of Object.keys(unaryDomains) as UnaryOp[]) {
    const [lo, hi, p0, p1] = unaryDomains[op];
    for (const n of [1, 5, 17, 127, 1003]) {
      const s = seed++;
      const withZero = op === 'sign' || op === 'relu' || op === 'step' || op === 'abs';
      // the op's domain, with an exact 0 at index 2 for the ops with a kink or jump there
      const inputs = (): Float32Array => {
        const v = values(n, s, lo, hi);
        if (withZero && n > 3) v[2] = 0;
        return v;
      };
      add({
        kernel: `unary:${op}`,
        label: `n=${n}`,
        tolerance: { kind: 'elementwise' },
        run: (be) => [be.unary(op, be.tensor(inputs()), p0, p1)],
      });
      add({
        kernel: `unaryBackward:${op}`,
        label: `n=${n}`,
        tolerance: { kind: 'elementwise' },
        run: (be) => {
          const x = be.tensor(inputs());
          const y = be.unary(op, x, p0, p1);
          return [be.unaryBackward(op, x, y, be.tensor(values(n, s + 7)), p0, p1)];
        },
      });
    }
  }
}

// ----------------------------------------------------------- binary ops
{
  const shapePairs: Array<[number[], number[]]> = [
    [[17], [17]],
    [[1], [1]],
    [[127], [1]],
    [[3, 5], [5]],
    [[5, 1, 3], [1, 4, 3]],
    [[2, 3, 1, 5], [3, 4, 1]],
    [[1, 17], [13, 1]],
    [[2, 1, 3, 1, 5, 1], [1, 2, 1, 4, 1, 3]],
  ];
  const ops: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'max', 'min', 'greater', 'stabilized_div'];
  let seed = 500;
  for (const op of ops) {
    for (const [sa, sb] of shapePairs) {
      const s = seed++;
      add({
        kernel: `binary:${op}`,
        label: `${JSON.stringify(sa)} ${JSON.stringify(sb)}`,
        tolerance: { kind: 'elementwise' },
        run: (be) => {
          const av = values(size(sa), s);
          const bv = values(size(sb), s + 1);
          if (op === 'div') for (let i = 0; i < bv.length; i++) bv[i] = bv[i]! >= 0 ? bv[i]! + 0.25 : bv[i]! - 0.25;
          if (op === 'stabilized_div' && bv.length > 2) bv[1] = 0; // sign(0) = +1
          if ((op === 'max' || op === 'min' || op === 'greater') && bv.length > 0 && av.length > 0) bv[0] = av[0]!; // ties
          return [be.binary(op, be.tensor(av, sa), be.tensor(bv, sb), op === 'stabilized_div' ? 1e-2 : 0)];
        },
      });
    }
  }
  // shapes of cond, a and b; the seed of cond (a and b take the next two); the value above which cond is true
  const whereCases: Array<[number[], number[], number[], number, number]> = [
    [[5, 1, 3], [1, 4, 3], [3], 1, 0],
    [[127], [127], [1], 4, 0.3],
  ];
  for (const [sc, sa, sb, seed, threshold] of whereCases) {
    add({
      kernel: 'where',
      label: `cond [${sc}], a [${sa}], b [${sb}]`,
      tolerance: { kind: 'exact' },
      run: (be) => {
        const c = values(size(sc), seed).map((v) => (v > threshold ? 1 : 0));
        return [be.where(be.tensor(c, sc), input(be, sa, seed + 1, false), input(be, sb, seed + 2, false))];
      },
    });
  }
}

// ---------------------------------------------------- copies and shapes
{
  const perms: Array<[number[], number[]]> = [
    [[3, 5], [1, 0]],
    [[1, 17], [1, 0]],
    [[2, 3, 5], [2, 0, 1]],
    [[3, 1, 5, 7], [0, 2, 3, 1]],
    [[2, 3, 1, 5, 2], [4, 3, 2, 1, 0]],
    [[2, 1, 3, 2, 3, 2], [5, 1, 3, 0, 2, 4]],
    [[127, 3], [1, 0]],
  ];
  for (const [shape, perm] of perms) {
    add({
      kernel: 'permute',
      label: `${JSON.stringify(shape)} by ${JSON.stringify(perm)}`,
      tolerance: { kind: 'exact' },
      run: (be) => [be.permute(input(be, shape, 20, false), perm)],
    });
  }
  add({
    kernel: 'slice',
    label: '[17, 13, 5] [2:15:3, 1:-1, 4:5]',
    tolerance: { kind: 'exact' },
    run: (be) => [be.slice(input(be, [17, 13, 5], 21, false), [2, 1, 4], [15, -1, 5], [3, 1, 1])],
  });
  add({
    kernel: 'slice',
    label: '[127] [-5:200]',
    tolerance: { kind: 'exact' },
    run: (be) => [be.slice(input(be, [127], 22, false), [-5], [200])],
  });
  add({
    kernel: 'concat',
    label: '[3,1,5] + [3,4,5] + [3,2,5] on axis 1',
    tolerance: { kind: 'exact' },
    run: (be) => [be.concat([input(be, [3, 1, 5], 23, false), input(be, [3, 4, 5], 24, false), input(be, [3, 2, 5], 25, false)], 1)],
  });
  add({
    kernel: 'concat',
    label: '[1,17] + [5,17] on axis 0; [5,3] + [5,127] on axis -1',
    tolerance: { kind: 'exact' },
    run: (be) => [
      be.concat([input(be, [1, 17], 26, false), input(be, [5, 17], 27, false)], 0),
      be.concat([input(be, [5, 3], 28, false), input(be, [5, 127], 29, false)], -1),
    ],
  });
  add({
    kernel: 'expand',
    label: '[3,1,5] to [2,3,4,5]',
    tolerance: { kind: 'exact' },
    run: (be) => [be.expand(input(be, [3, 1, 5], 30, false), [2, 3, 4, 5])],
  });
  add({
    kernel: 'copy',
    label: 'clone of [17, 5]; int32 permute',
    tolerance: { kind: 'exact' },
    run: (be) => {
      const ints = be.tensor(Int32Array.from({ length: 15 }, (_, i) => i * 7 - 20), [3, 5]);
      return [be.clone(input(be, [17, 5], 31, false)), be.permute(ints, [1, 0])];
    },
  });
}

// ------------------------------------------------------------ reductions
{
  const shapes: number[][] = [[127], [1, 1], [3, 17, 5], [4, 33, 2, 3], [5, 1003]];
  let seed = 700;
  for (const shape of shapes) {
    for (let axis = 0; axis < shape.length; axis++) {
      for (const op of ['sum', 'mean', 'max', 'min'] as const) {
        const s = seed++;
        add({
          kernel: `reduce:${op}`,
          label: `${JSON.stringify(shape)} axis ${axis}`,
          tolerance: op === 'max' || op === 'min' ? { kind: 'exact' } : { kind: 'reduction', length: shape[axis]! },
          run: (be, abs) => [be.reduce(op, input(be, shape, s, abs), axis, axis % 2 === 0)],
        });
      }
      const s = seed++;
      add({
        kernel: 'argmax',
        label: `${JSON.stringify(shape)} axis ${axis}`,
        tolerance: { kind: 'exact' },
        run: (be) => [be.argmax(input(be, shape, s, false), axis)],
      });
      for (const log of [false, true]) {
        add({
          kernel: log ? 'logSoftmax' : 'softmax',
          label: `${JSON.stringify(shape)} axis ${axis}`,
          tolerance: { kind: 'elementwise', rtol: 1e-5, atol: 2e-6 },
          run: (be) => {
            const x = input(be, shape, s, false, -5, 5);
            const y = log ? be.logSoftmax(x, axis) : be.softmax(x, axis);
            return [y, be.softmaxBackward(y, input(be, shape, s + 1, false), axis, log)];
          },
        });
      }
    }
  }
  add({
    kernel: 'argmax',
    label: 'ties pick the first index',
    tolerance: { kind: 'exact' },
    run: (be) => [be.argmax(be.tensor([1, 3, 3, 2, 0, 0, 0, 0, 5, 5, 5, -1], [3, 4]), 1)],
  });
}

// --------------------------------------------------------------- indexing
{
  add({
    kernel: 'gather',
    label: '[5, 17, 3] axis 1, repeated indices',
    tolerance: { kind: 'exact' },
    run: (be) => [be.gather(input(be, [5, 17, 3], 40, false), [16, 0, 3, 3, 9], 1)],
  });
  add({
    kernel: 'gather',
    label: '[127, 5] axis 0; [3, 127] axis 1; int32 source',
    tolerance: { kind: 'exact' },
    run: (be) => [
      be.gather(input(be, [127, 5], 41, false), Int32Array.from({ length: 60 }, (_, i) => (i * 37) % 127), 0),
      be.gather(input(be, [3, 127], 42, false), [126, 1], 1),
      be.gather(be.tensor(Int32Array.from({ length: 12 }, (_, i) => i), [4, 3]), [2, 2, 0], 0),
    ],
  });
  add({
    kernel: 'scatterAdd',
    label: '[5, 17, 3] axis 1, repeated indices accumulate',
    tolerance: { kind: 'reduction', length: 3 },
    run: (be, abs) => [be.scatterAdd(input(be, [5, 17, 3], 43, abs), [16, 0, 3, 3, 9, 3], input(be, [5, 6, 3], 44, abs), 1)],
  });
  add({
    kernel: 'scatterAdd',
    label: '[127] axis 0 with 300 updates',
    tolerance: { kind: 'reduction', length: 8 },
    run: (be, abs) => [be.scatterAdd(input(be, [127], 45, abs), Int32Array.from({ length: 300 }, (_, i) => (i * 53) % 127), input(be, [300], 46, abs), 0)],
  });
  add({
    kernel: 'oneHot',
    label: 'indices [3, 5] depth 7 on axes -1, 0, 1',
    tolerance: { kind: 'exact' },
    run: (be) => {
      const idx = be.tensor(Int32Array.from({ length: 15 }, (_, i) => (i * 3) % 7), [3, 5]);
      return [be.oneHot(idx, 7), be.oneHot(idx, 7, 0), be.oneHot(idx, 7, 1)];
    },
  });
}

// ----------------------------------------------------------- convolution
{
  interface ConvCase { x: [number, number, number, number]; w: [number, number, number, number]; stride?: number | [number, number]; padding?: number | [number, number] | [number, number, number, number]; dilation?: number | [number, number]; groups?: number; bias: boolean }
  const convs: ConvCase[] = [
    { x: [1, 1, 5, 5], w: [1, 1, 3, 3], bias: false },
    { x: [2, 3, 17, 13], w: [5, 3, 3, 3], stride: 2, padding: 1, bias: true },
    { x: [1, 3, 9, 11], w: [4, 3, 3, 3], dilation: 2, padding: 2, bias: true },
    { x: [2, 6, 7, 7], w: [9, 2, 3, 3], groups: 3, padding: 1, bias: true },
    { x: [1, 2, 6, 5], w: [3, 2, 3, 2], padding: [0, 1, 2, 1], bias: false },
    { x: [3, 5, 4, 4], w: [7, 5, 1, 1], bias: true },
    { x: [1, 4, 17, 3], w: [2, 4, 5, 3], stride: [3, 1], padding: [2, 1], bias: true },
    { x: [2, 4, 8, 8], w: [4, 1, 3, 3], groups: 4, padding: 1, stride: 2, bias: false },
    { x: [2, 32, 9, 9], w: [17, 32, 3, 3], padding: 1, bias: true },
  ];
  let seed = 900;
  for (const c of convs) {
    const s = seed++;
    const opts = { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups };
    const taps = (c.w[1] * c.w[2] * c.w[3]);
    const label = `x ${JSON.stringify(c.x)} w ${JSON.stringify(c.w)} ${JSON.stringify(opts)}`;
    add({
      kernel: 'conv2d',
      label,
      tolerance: { kind: 'reduction', length: taps + 1 },
      run: (be, abs) => [be.conv2d(input(be, c.x, s, abs), input(be, c.w, s + 1, abs), c.bias ? input(be, [c.w[0]], s + 2, abs) : null, opts)],
    });
    add({
      kernel: 'conv2dBackwardInput',
      label,
      tolerance: { kind: 'reduction', length: c.w[0] * c.w[2] * c.w[3] },
      run: (be, abs) => {
        const p = be.conv2dParams(c.x, c.w, opts);
        return [be.conv2dBackwardInput(input(be, [p.n, p.cOut, p.outH, p.outW], s + 3, abs), input(be, c.w, s + 1, abs), c.x, opts)];
      },
    });
    add({
      kernel: 'conv2dBackwardWeight',
      label,
      tolerance: { kind: 'reduction', length: 0 }, // replaced below
      run: (be, abs) => {
        const p = be.conv2dParams(c.x, c.w, opts);
        return [be.conv2dBackwardWeight(input(be, c.x, s, abs), input(be, [p.n, p.cOut, p.outH, p.outW], s + 3, abs), c.w, opts)];
      },
    });
    const last = cases[cases.length - 1]!;
    const outSize = (() => {
      const [n, , h, w] = c.x;
      const [ph0, pw0, ph1, pw1] = typeof c.padding === 'number' ? [c.padding, c.padding, c.padding, c.padding] : c.padding === undefined ? [0, 0, 0, 0] : c.padding.length === 2 ? [c.padding[0], c.padding[1], c.padding[0], c.padding[1]] : c.padding;
      const [sh, sw] = typeof c.stride === 'number' ? [c.stride, c.stride] : c.stride ?? [1, 1];
      const [dh, dw] = typeof c.dilation === 'number' ? [c.dilation, c.dilation] : c.dilation ?? [1, 1];
      const oh = Math.floor((h + ph0 + ph1 - dh * (c.w[2] - 1) - 1) / sh) + 1;
      const ow = Math.floor((w + pw0 + pw1 - dw * (c.w[3] - 1) - 1) / sw) + 1;
      return n * oh * ow;
    })();
    last.tolerance = { kind: 'reduction', length: outSize };
  }
}

// ---------------------------------------------------------------- pooling
{
  interface PoolCase { x: [number, number, number, number]; kernel: number | [number, number]; stride?: number | [number, number]; padding?: number | [number, number] | [number, number, number, number]; dilation?: number; ceilMode?: boolean }
  const pools: PoolCase[] = [
    { x: [1, 1, 4, 4], kernel: 2 },
    { x: [2, 3, 17, 13], kernel: 3, stride: 2, padding: 1 },
    { x: [1, 2, 7, 5], kernel: 2, ceilMode: true },
    { x: [1, 3, 9, 9], kernel: [3, 2], stride: [2, 3], ceilMode: true, padding: [1, 0] },
    { x: [3, 1, 5, 5], kernel: 5 },
    { x: [1, 2, 127, 3], kernel: [4, 1], stride: [3, 1] },
    { x: [2, 2, 8, 8], kernel: 2, stride: 1, dilation: 2 },
  ];
  let seed = 1100;
  for (const c of pools) {
    const s = seed++;
    const opts = { kernel: c.kernel, stride: c.stride, padding: c.padding, dilation: c.dilation, ceilMode: c.ceilMode };
    const label = `x ${JSON.stringify(c.x)} ${JSON.stringify(opts)}`;
    add({
      kernel: 'maxPool2d',
      label,
      tolerance: { kind: 'exact' },
      run: (be) => {
        const { output, indices } = be.maxPool2d(input(be, c.x, s, false), opts);
        const dy = input(be, output.shape, s + 1, false);
        return [output, indices, be.maxPool2dBackward(dy, indices, c.x, opts)];
      },
    });
    if (c.dilation) continue;
    for (const countIncludePad of [true, false]) {
      const o = { ...opts, countIncludePad };
      const [kh, kw] = typeof c.kernel === 'number' ? [c.kernel, c.kernel] : c.kernel;
      add({
        kernel: 'avgPool2d',
        label: `${label} countIncludePad=${countIncludePad}`,
        tolerance: { kind: 'reduction', length: kh * kw },
        run: (be, abs) => [be.avgPool2d(input(be, c.x, s, abs), o)],
      });
      add({
        kernel: 'avgPool2dBackward',
        label: `${label} countIncludePad=${countIncludePad}`,
        tolerance: { kind: 'reduction', length: kh * kw },
        run: (be, abs) => {
          const p = be.pool2dParams('avgPool2d', c.x, o);
          return [be.avgPool2dBackward(input(be, [p.n, p.c, p.outH, p.outW], s + 2, abs), c.x, o)];
        },
      });
    }
  }
}

// ----------------------------------------------------------------- resize
{
  const resizes: Array<{ x: [number, number, number, number]; h: number; w: number; mode: 'nearest' | 'bilinear'; alignCorners?: boolean }> = [
    { x: [1, 1, 8, 8], h: 16, w: 16, mode: 'nearest' },
    { x: [2, 3, 5, 7], h: 17, w: 3, mode: 'nearest' },
    { x: [1, 1, 8, 8], h: 16, w: 16, mode: 'bilinear' },
    { x: [2, 3, 5, 7], h: 17, w: 3, mode: 'bilinear' },
    { x: [1, 2, 13, 1], h: 5, w: 4, mode: 'bilinear', alignCorners: true },
    { x: [1, 1, 1, 1], h: 3, w: 5, mode: 'bilinear' },
  ];
  let seed = 1300;
  for (const r of resizes) {
    const s = seed++;
    const opts = { height: r.h, width: r.w, mode: r.mode, alignCorners: r.alignCorners };
    const label = `x ${JSON.stringify(r.x)} to ${r.h}x${r.w} ${r.mode}${r.alignCorners ? ' alignCorners' : ''}`;
    const spread = Math.ceil(r.h / r.x[2]) * Math.ceil(r.w / r.x[3]) * 4 + 4;
    add({
      kernel: 'resize2d',
      label,
      tolerance: { kind: 'reduction', length: 4 },
      run: (be, abs) => [be.resize2d(input(be, r.x, s, abs), opts)],
    });
    add({
      kernel: 'resize2dBackward',
      label,
      tolerance: { kind: 'reduction', length: spread },
      run: (be, abs) => [be.resize2dBackward(input(be, [r.x[0], r.x[1], r.h, r.w], s + 1, abs), r.x, opts)],
    });
  }
}

// ----------------------------------------------------------------- random
for (const n of [1, 5, 127, 1003, 70001]) {
  add({
    kernel: 'randomUniform',
    label: `n=${n} [-2, 3)`,
    tolerance: { kind: 'exact' },
    run: (be) => {
      const g = new Generator(12345);
      g.nextKey();
      return [be.randomUniform([n], g, -2, 3), be.randomUniform([n], g)];
    },
  });
  add({
    kernel: 'randomNormal',
    label: `n=${n} mean 1 std 2`,
    tolerance: { kind: 'elementwise', rtol: 1e-5, atol: 2e-5 },
    run: (be) => [be.randomNormal([n], new Generator(2 ** 40 + 17), 1, 2)],
  });
}

// ------------------------------------------------------------- optimisers
for (const n of [1, 17, 1003]) {
  for (const decoupled of [false, true]) {
    add({
      kernel: 'adamStep',
      label: `n=${n} decoupled=${decoupled}, 3 steps`,
      tolerance: { kind: 'elementwise', rtol: 2e-5, atol: 1e-6 },
      run: (be) => {
        const param = be.tensor(values(n, 1));
        const m = be.zeros([n]);
        const v = be.zeros([n]);
        for (let step = 1; step <= 3; step++) {
          be.adamStep(param, be.tensor(values(n, 10 + step)), m, v, { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled, step });
        }
        return [param, m, v];
      },
    });
  }
  for (const nesterov of [false, true]) {
    add({
      kernel: 'sgdStep',
      label: `n=${n} nesterov=${nesterov}, 3 steps`,
      tolerance: { kind: 'elementwise' },
      run: (be) => {
        const param = be.tensor(values(n, 2));
        const vel = be.zeros([n]);
        for (let step = 1; step <= 3; step++) {
          be.sgdStep(param, be.tensor(values(n, 20 + step)), vel, { lr: 0.1, momentum: 0.9, nesterov, weightDecay: 1e-3, dampening: 0 });
        }
        return [param, vel];
      },
    });
  }
}

// Optimiser state decaying into the subnormal range (a unit whose gradient stays 0) is stored as 0 on every
// backend: state starts at 2e-38 (normal), gradients are 0 on every other element, and after 6 steps
// m = 0.9^6 * 2e-38 would be subnormal.
for (const n of [5, 17]) {
  const tiny = (): number[] => Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 2e-38 : 3e-38 * (i + 1)));
  const sparseGrad = (step: number): number[] => Array.from(values(n, 30 + step), (g, i) => (i % 2 === 0 ? 0 : g * 1e-3));
  add({
    kernel: 'adamStep',
    label: `n=${n}, state decaying below the smallest normal float32, 6 steps`,
    tolerance: { kind: 'elementwise', rtol: 2e-5, atol: 1e-6 },
    run: (be) => {
      const param = be.tensor(values(n, 3));
      const m = be.tensor(tiny());
      const v = be.tensor(tiny());
      for (let step = 1; step <= 6; step++) be.adamStep(param, be.tensor(sparseGrad(step)), m, v, { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, step });
      return [param, m, v];
    },
  });
  add({
    kernel: 'sgdStep',
    label: `n=${n}, momentum buffer decaying below the smallest normal float32, 6 steps`,
    tolerance: { kind: 'elementwise' },
    run: (be) => {
      const param = be.tensor(values(n, 4));
      const vel = be.tensor(tiny());
      for (let step = 1; step <= 6; step++) be.sgdStep(param, be.tensor(sparseGrad(step)), vel, { lr: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0, dampening: 0 });
      return [param, vel];
    },
  });
}

// ---------------------------------------------------- memory and composites
add({
  kernel: 'tensor/fill',
  label: 'round trips, full, zeros, int32',
  tolerance: { kind: 'exact' },
  run: (be) => [
    be.tensor(values(127, 3), [127]),
    be.full([3, 5], -2.5),
    be.zeros([17]),
    be.tensor(Int32Array.from([1, -2, 3, 2147483647, -2147483648])),
  ],
});
add({
  kernel: 'addBias/biasGrad',
  label: '[5, 17] axis 1; [2, 3, 5, 7] axis 1',
  tolerance: { kind: 'reduction', length: 70 },
  run: (be, abs) => [
    be.addBias(input(be, [5, 17], 1, abs), input(be, [17], 2, abs)),
    be.biasGrad(input(be, [5, 17], 3, abs)),
    be.addBias(input(be, [2, 3, 5, 7], 4, abs), input(be, [3], 5, abs)),
    be.biasGrad(input(be, [2, 3, 5, 7], 6, abs)),
  ],
});
add({
  kernel: 'binaryBackward',
  label: 'mul and div with broadcasting [3,1,5] x [4,5]',
  tolerance: { kind: 'elementwise', rtol: 2e-5, atol: 5e-6 },
  run: (be) => {
    const a = input(be, [3, 1, 5], 1, false);
    const b = be.tensor(values(20, 2, 0.5, 2), [4, 5]);
    const dy = input(be, [3, 4, 5], 3, false);
    const m = be.binaryBackward('mul', a, b, dy);
    const d = be.binaryBackward('div', a, b, dy);
    return [m.da, m.db, d.da, d.db];
  },
});
add({
  kernel: 'reduceBackward',
  label: 'sum, mean, max on [3, 17, 5] axis 1',
  tolerance: { kind: 'elementwise' },
  run: (be) => {
    const x = input(be, [3, 17, 5], 1, false);
    const dy = input(be, [3, 1, 5], 2, false);
    return [be.reduceBackward('sum', x, dy, 1), be.reduceBackward('mean', x, dy, 1), be.reduceBackward('max', x, dy, 1)];
  },
});
add({
  kernel: 'gemmBackward',
  label: 'all transpose combinations, 17x5 @ 5x3',
  tolerance: { kind: 'reduction', length: 17 },
  run: (be, abs) => {
    const out: Tensor[] = [];
    for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const a = input(be, transA ? [5, 17] : [17, 5], 1, abs);
      const b = input(be, transB ? [3, 5] : [5, 3], 2, abs);
      const dc = input(be, [17, 3], 3, abs);
      const g = be.gemmBackward(a, b, dc, { transA, transB, alpha: 0.5 });
      out.push(g.da, g.db);
    }
    return out;
  },
});

export const parityCases: readonly ParityCase[] = cases;
