/**
 * Paths of the webgpu kernels that the parity cases do not reach: more than
 * 65535 workgroups (2-D dispatch, for real and simulated for every kernel),
 * strided copies above the shader's rank (split on the host), in-place calls
 * (a buffer bound twice), the atomic scatterAdd, implicit-GEMM convolutions
 * with every option, the workgroup-per-weight gradient, and both reduction
 * strategies. Each compares with the reference backend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend, type Conv2dOptions, type Tensor } from '../../src/index.js';
import type { WebGpuKernels } from '../../src/backends/webgpu/index.js';
import { LINKED_SCATTER_MAX_COUNT } from '../../src/backends/webgpu/shaders/indexing.js';
import { strategyFor } from '../../src/backends/webgpu/shaders/reduce.js';
import { parityCases, values, type ParityCase } from '../parity/cases.js';
import { webgpuOrSkip } from './require-webgpu.js';

const gpu = await webgpuOrSkip();

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tolerance: number, what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const bound = tolerance * (1 + Math.abs(want[i]!));
    if (!(Math.abs(got[i]! - want[i]!) <= bound)) {
      expect.fail(`${what}: element ${i}: expected ${want[i]}, got ${got[i]}`);
    }
  }
}

/**
 * One parity case per kernel, plus the ones that reach the other shader
 * variants (tiled gemm, workgroup-per-row reductions): enough to run every
 * shader on a 2-D grid without repeating the whole parity suite.
 */
function spreadCases(): ParityCase[] {
  const seen = new Set<string>();
  return parityCases.filter((c) => {
    const variant = /^m=64 n=64 k=64/.test(c.label) || c.label.includes('[5,1003] axis 1');
    const first = !seen.has(c.kernel);
    seen.add(c.kernel);
    return first || variant;
  });
}

describe.skipIf(!gpu.available)('webgpu kernel paths', () => {
  let backend: Backend;
  let reference: Backend;
  let impl: WebGpuKernels;

  beforeAll(async () => {
    backend = await createBackend('webgpu');
    reference = await createBackend('reference');
    impl = backend.impl as WebGpuKernels;
  });
  afterAll(() => backend?.destroy());

  /** Run `fn` on both backends with the same host inputs and return both outputs. */
  async function both(fn: (be: Backend) => Tensor): Promise<[Float32Array | Int32Array, Float32Array | Int32Array]> {
    const run = (be: Backend) => be.asyncScope(async () => fn(be).read());
    return [await run(backend), await run(reference)];
  }

  it('dispatches more than 65535 workgroups (elementwise over 2^24 + 123 elements)', async () => {
    const n = 65536 * 256 + 123;
    const host = new Float32Array(n);
    for (let i = 0; i < n; i++) host[i] = i % 65521; // distinct neighbours, exact in float32
    const x = backend.tensor(host);
    const y = backend.affine(x, 2, 1);
    const got = await y.read();
    let wrong = -1;
    for (let i = 0; i < n && wrong < 0; i++) if (got[i] !== 2 * (i % 65521) + 1) wrong = i;
    expect(wrong, `first wrong element ${wrong}: ${got[wrong]}`).toBe(-1);
    x.dispose();
    y.dispose();
  });

  it('every kernel gives the same bits when its workgroups are spread over a 2-D grid', async () => {
    const run = (c: ParityCase) => backend.asyncScope(async () => {
      const read: Array<Float32Array | Int32Array> = [];
      for (const t of c.run(backend, false)) read.push(await t.read());
      return read;
    });
    for (const c of spreadCases()) {
      const want = await run(c);
      // A device limit of 3 workgroups along x forces the 2-D layout (x * y >= count, idle extras).
      impl.context.simulateGridWidthLimit(3);
      try {
        const got = await run(c);
        got.forEach((values, o) => expect(Array.from(values), `${c.kernel} ${c.label} output ${o}`).toEqual(Array.from(want[o]!)));
      } finally {
        impl.context.simulateGridWidthLimit(null);
      }
    }
  });

  it('copies ranks beyond the shader limit by splitting on the host', async () => {
    const shape = [2, 3, 2, 2, 3, 2, 2, 2, 3, 2]; // rank 10, no mergeable neighbours after permuting
    const perm = [9, 0, 8, 1, 7, 2, 6, 3, 5, 4];
    const size = shape.reduce((p, d) => p * d, 1);
    const [got, want] = await both((be) => be.permute(be.tensor(values(size, 3), shape), perm));
    expect(Array.from(got)).toEqual(Array.from(want));
    const [slicedGot, slicedWant] = await both((be) =>
      be.slice(be.tensor(values(size, 4), shape), shape.map(() => 0), shape, shape.map((d) => (d > 2 ? 2 : 1))));
    expect(Array.from(slicedGot)).toEqual(Array.from(slicedWant));
  });

  it('runs in-place calls where input and output share a buffer', async () => {
    // gemm with k = 0 scales c in place: unary(affine, out, out)
    const [got, want] = await both((be) => be.gemm(be.zeros([3, 0]), be.zeros([0, 4]), { beta: 0.5, c: be.tensor(values(12, 5), [3, 4]) }));
    expect(Array.from(got)).toEqual(Array.from(want));
    const x = backend.tensor([1, -2, 3]);
    backend.impl.unary('affine', x.storage, x.storage, 3, 2, 1);
    backend.impl.binary('mul', { storage: x.storage, offset: 0, strides: [1] }, { storage: x.storage, offset: 0, strides: [1] }, x.storage, [3], 0);
    expect(Array.from(await x.read())).toEqual([9, 9, 49]);
    x.dispose();
  });

  it('scatterAdd: the linked (deterministic) and the atomic paths both match the reference', async () => {
    for (const count of [LINKED_SCATTER_MAX_COUNT, LINKED_SCATTER_MAX_COUNT + 1]) {
      const axis = 37;
      const indices = Int32Array.from({ length: count }, (_, i) => (i * 7919) % axis);
      const [got, want] = await both((be) => be.scatterAdd(be.tensor(values(2 * axis * 3, 6), [2, axis, 3]), indices, be.tensor(values(2 * count * 3, 7), [2, count, 3]), 1));
      // about count / axis ~ 220 terms per target
      expectClose(got, want, 2e-4, `scatterAdd count=${count}`);
    }
    // the linked path is deterministic bit for bit
    const run = () => backend.asyncScope(() => backend.scatterAdd(backend.zeros([5]), [1, 1, 3, 1, 0, 3], backend.tensor(values(6, 8)), 0).read());
    expect(Array.from(await run())).toEqual(Array.from(await run()));
  });

  it('conv2d and its input gradient as implicit GEMMs (groups, stride, dilation, asymmetric padding)', async () => {
    const configs: Array<{ x: number[]; w: number[]; opts: Conv2dOptions; bias: boolean }> = [
      { x: [2, 32, 9, 7], w: [32, 16, 3, 2], opts: { groups: 2, stride: [2, 1], padding: [1, 0, 2, 1], dilation: [1, 2] }, bias: true },
      { x: [1, 17, 5, 6], w: [20, 17, 1, 1], opts: {}, bias: false },
      { x: [3, 16, 11, 11], w: [16, 16, 3, 3], opts: { stride: 3, padding: 2, dilation: 2 }, bias: true },
    ];
    for (const [index, c] of configs.entries()) {
      const p = backend.conv2dParams(c.x, c.w, c.opts);
      expect(Math.min(p.cOut / p.groups, p.cIn / p.groups, p.n * p.outH * p.outW)).toBeGreaterThanOrEqual(16); // the tiled path
      const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
      const dyShape = [p.n, p.cOut, p.outH, p.outW];
      const [xs, ws, bs, dys] = [values(size(c.x), 20 + index), values(size(c.w), 30 + index), values(p.cOut, 40 + index), values(size(dyShape), 50 + index)];
      const [y, yRef] = await both((be) => be.conv2d(be.tensor(xs, c.x), be.tensor(ws, c.w), c.bias ? be.tensor(bs) : null, c.opts));
      expectClose(y, yRef, 2e-6 * (p.cIn / p.groups) * p.kH * p.kW, `conv2d config ${index}`);
      const [dx, dxRef] = await both((be) => be.conv2dBackwardInput(be.tensor(dys, dyShape), be.tensor(ws, c.w), c.x, c.opts));
      expectClose(dx, dxRef, 2e-6 * (p.cOut / p.groups) * p.kH * p.kW, `conv2dBackwardInput config ${index}`);
    }
  });

  it('conv2d weight gradient with long sums (one workgroup per weight)', async () => {
    const x = [2, 4, 19, 15];
    const w = [6, 2, 3, 3];
    const opts = { padding: [1, 0, 2, 1] as [number, number, number, number], groups: 2, dilation: [1, 2] as [number, number] };
    const p = backend.conv2dParams(x, w, opts);
    expect(p.n * p.outH * p.outW).toBeGreaterThan(256);
    const xs = values(x.reduce((a, b) => a * b, 1), 9);
    const dys = values(p.n * p.cOut * p.outH * p.outW, 10);
    const [got, want] = await both((be) => be.conv2dBackwardWeight(be.tensor(xs, x), be.tensor(dys, [p.n, p.cOut, p.outH, p.outW]), w, opts));
    expectClose(got, want, 1e-5 * 16, 'dw');
  });

  it('reductions use both strategies and agree with the reference', async () => {
    const shapes: Array<[number[], number]> = [[[3, 5000], 1], [[2, 3000, 7], 1], [[400, 70], 1], [[70, 400], 0]];
    const seen = new Set<string>();
    for (const [shape, axis] of shapes) {
      const d = { outer: shape.slice(0, axis).reduce((a, b) => a * b, 1), axis: shape[axis]!, inner: shape.slice(axis + 1).reduce((a, b) => a * b, 1) };
      seen.add(strategyFor(d));
      const size = shape.reduce((a, b) => a * b, 1);
      const xs = values(size, 11, -3, 3);
      for (const op of ['sum', 'max', 'min'] as const) {
        const [got, want] = await both((be) => be.reduce(op, be.tensor(xs, shape), axis));
        expectClose(got, want, op === 'sum' ? 2e-5 * Math.sqrt(d.axis) : 0, `${op} ${JSON.stringify(shape)}`);
      }
      const [am, amRef] = await both((be) => be.argmax(be.tensor(xs, shape), axis));
      expect(Array.from(am)).toEqual(Array.from(amRef));
      const [sm, smRef] = await both((be) => be.logSoftmax(be.tensor(xs, shape), axis));
      expectClose(sm, smRef, 2e-6, `logSoftmax ${JSON.stringify(shape)}`);
    }
    expect([...seen].sort()).toEqual(['thread', 'workgroup']);
  });

  it('caches one pipeline per shader variant', async () => {
    const step = (i: number) => backend.asyncScope(() => backend.add(backend.full([7], i + 1), backend.full([7], 1)).read());
    await step(0);
    const before = impl.stats().pipelines;
    for (let i = 1; i < 5; i++) await step(i);
    expect(impl.stats().pipelines).toBe(before);
  });
});
