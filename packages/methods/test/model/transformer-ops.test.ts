/**
 * The transformer ops (MatMul, LayerNorm, Mul/Sub/Div, Pow, Sqrt, Erf, GELU,
 * Where, ReduceMean, Transpose, Gather, Slice, Split, Expand): forward against
 * direct formulas, backward (inputs and parameters) against central finite
 * differences of sum(w * op(x)), on awkward shapes (broadcast batch
 * dimensions, odd sizes, steps), and forward parity of the wasm backend with
 * the reference.
 */
import { describe, expect, it } from 'vitest';
import { createBackend, Generator, type Backend, type Tensor } from '@relevance/core-wasm';
import { opDef, type Attrs, type OpDef } from '../../src/index.js';
import { erf } from '../../src/model/ops/elementwise.js';

const be: Backend = await createBackend('reference');
const H = 1e-2;

function randn(shape: number[], seed: number, scale = 1, shift = 0): Tensor {
  const g = new Generator(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return be.tensor(Float32Array.from({ length: n }, () => g.normal() * scale + shift), shape);
}

function ctxOf(op: OpDef, attrs: Attrs, params: Record<string, Tensor>, backend = be) {
  return { be: backend, attrs, params, training: false, node: `test-${op.type}` };
}

/** Σ_k Σ_i w_k[i] * out_k[i] for fixed weights w. */
function objective(op: OpDef, inputs: Tensor[], attrs: Attrs, params: Record<string, Tensor>, w: Float32Array[]): number {
  const r = op.forward(ctxOf(op, attrs, params), inputs);
  let s = 0;
  r.outputs.forEach((y, k) => {
    const v = y.readSync();
    for (let i = 0; i < v.length; i++) s += v[i]! * w[k]![i]!;
    y.dispose();
  });
  for (const t of r.saved ?? []) t.dispose();
  return s;
}

/** `skip`: inputs that only supply a shape (Expand of a constant: no gradient) and parameters that are not differentiable (a mask). */
function gradcheck(type: string, inputs: Tensor[], attrs: Attrs = {}, params: Record<string, Tensor> = {}, skip: { inputs?: number[]; params?: string[] } = {}): void {
  const tolerance = 2e-2;
  const op = opDef(type)!;
  const fwd = op.forward(ctxOf(op, attrs, params), inputs);
  const w = fwd.outputs.map((y, k) => Float32Array.from({ length: y.size }, (_, i) => Math.sin(i + 1 + 7 * k)));
  const dys = fwd.outputs.map((y, k) => be.tensor(w[k]!, y.shape));
  const back = op.backward(ctxOf(op, attrs, params), inputs, fwd.outputs, fwd.saved ?? [], dys, { inputs: inputs.map(() => true), params: Object.keys(params).length > 0 });
  const probe = (t: Tensor, analytic: Tensor | null | undefined, what: string): void => {
    expect(analytic, `${type}: gradient of ${what}`).toBeTruthy();
    expect(analytic!.shape).toEqual(t.shape);
    const g = analytic!.readSync();
    const base = t.readSync() as Float32Array;
    for (let k = 0; k < Math.min(base.length, 10); k++) {
      const i = Math.floor((k * base.length) / Math.min(base.length, 10));
      const at = (d: number): number => {
        const v = base.slice();
        v[i]! += d;
        be.write(t, v);
        return objective(op, inputs, attrs, params, w);
      };
      const numeric = (at(H) - at(-H)) / (2 * H);
      be.write(t, base);
      expect(Math.abs(g[i]! - numeric) / Math.max(1, Math.abs(numeric)), `${type} ${what}[${i}]: analytic ${g[i]} numeric ${numeric}`).toBeLessThan(tolerance);
    }
  };
  inputs.forEach((t, j) => (skip.inputs?.includes(j) ? expect(back.inputs[j]).toBeNull() : probe(t, back.inputs[j], `input ${j}`)));
  for (const [role, p] of Object.entries(params)) if (!skip.params?.includes(role)) probe(p, back.params?.[role], `param ${role}`);
  for (const t of [...fwd.outputs, ...(fwd.saved ?? []), ...dys, ...back.inputs, ...Object.values(back.params ?? {})]) t?.dispose();
  for (const t of [...inputs, ...Object.values(params)]) t.dispose();
}

describe('transformer ops: backward against finite differences', () => {
  it('MatMul with broadcast batch dimensions (rank 4 x rank 3, rank 3 x rank 2, rank 4 x rank 4)', () => {
    gradcheck('MatMul', [randn([2, 3, 5, 4], 1), randn([3, 4, 7], 2)]);
    gradcheck('MatMul', [randn([3, 5, 4], 3), randn([4, 6], 4)]);
    gradcheck('MatMul', [randn([2, 1, 3, 5], 5), randn([2, 3, 5, 3], 6)]);
  });

  it('LayerNorm (input, scale and bias), odd width', () => {
    gradcheck('LayerNorm', [randn([2, 3, 7], 7, 2, 0.5)], { epsilon: 1e-5 }, { scale: randn([7], 8, 0.5, 1), bias: randn([7], 9, 0.1) });
  });

  it('Mul / Sub / Div: two inputs broadcast, and a constant on either side', () => {
    gradcheck('Mul', [randn([2, 3, 1], 10), randn([3, 5], 11)]);
    gradcheck('Sub', [randn([2, 5], 12)], { constantFirst: true }, { constant: randn([5], 13) });
    gradcheck('Div', [randn([2, 3, 4], 14)], {}, { constant: randn([4], 15, 0.1, 2) });
    gradcheck('Div', [randn([2, 4], 16, 0.2, 2)], { constantFirst: true }, { constant: randn([1], 17) });
    gradcheck('Div', [randn([2, 4], 18), randn([2, 4], 19, 0.2, 2)]);
  });

  it('Pow (2, 3, 0.5, 1.7), Sqrt, Erf and GELU', () => {
    for (const exponent of [2, 3, 0.5, 1.7]) gradcheck('Pow', [randn([3, 5], 20, 0.3, 1.5)], { exponent });
    gradcheck('Sqrt', [randn([3, 5], 21, 0.3, 1.5)]);
    gradcheck('Erf', [randn([4, 6], 22, 1.5)]);
    gradcheck('GELU', [randn([4, 6], 23, 2)]);
    gradcheck('GELU', [randn([4, 6], 41, 2)], { approximate: 'tanh' });
  });

  it('Where with a constant mask: two inputs, and a constant on either side', () => {
    const mask = () => be.tensor([1, 0, 1, 1, 0], [5]);
    gradcheck('Where', [randn([3, 5], 34), randn([1, 5], 35)], {}, { condition: mask() }, { params: ['condition'] });
    gradcheck('Where', [randn([3, 5], 36)], { constantSide: 0 }, { condition: mask(), constant: randn([5], 37) }, { params: ['condition'] });
    gradcheck('Where', [randn([3, 5], 38)], { constantSide: 1 }, { condition: mask(), constant: randn([1], 39) }, { params: ['condition'] });
  });

  it('ReduceMean over several axes, with and without keepdims', () => {
    gradcheck('ReduceMean', [randn([2, 3, 4, 5], 24)], { axes: [1, -1], keepdims: 1 });
    gradcheck('ReduceMean', [randn([2, 3, 4], 25)], { axes: [1], keepdims: 0 });
  });

  it('Transpose, Gather (scalar and list, repeated indices), Slice (steps), Split, Expand (a constant to the batch)', () => {
    gradcheck('Transpose', [randn([2, 3, 4, 5], 26)], { perm: [0, 2, 3, 1] });
    gradcheck('Gather', [randn([2, 5, 3], 27)], { axis: 1, indices: [0], scalar: 1 });
    gradcheck('Gather', [randn([2, 5, 3], 28)], { axis: -1, indices: [2, 0, 2], scalar: 0 });
    gradcheck('Slice', [randn([2, 7, 5], 29)], { starts: [1, -4], ends: [7, 1e15], axes: [1, 2], steps: [2, 1] });
    gradcheck('Split', [randn([2, 7, 3], 30)], { axis: 1, split: [2, 4, 1] });
    gradcheck('Expand', [randn([3, 1, 4], 31)], { shape: [-1, 5, 4] });
    gradcheck('Expand', [randn([3, 6], 32)], { shape: [-1, 2, 4] }, { constant: randn([1, 1, 4], 33) }, { inputs: [0] });
  });
});

describe('transformer ops: forward values', () => {
  it('erf matches known values to 2e-7', () => {
    const xs = [-3, -1, -0.5, -1e-3, 0, 1e-3, 0.5, 1, 2, 3.5];
    const known = [-0.9999779095030014, -0.8427007929497149, -0.5204998778130465, -0.0011283787909692363, 0, 0.0011283787909692363, 0.5204998778130465, 0.8427007929497149, 0.9953222650189527, 0.9999992569016276];
    const y = erf(be, be.tensor(Float32Array.from(xs), [xs.length]));
    const v = y.readSync();
    xs.forEach((_, i) => expect(Math.abs(v[i]! - known[i]!)).toBeLessThan(2e-7));
    y.dispose();
  });

  it('LayerNorm normalises the last axis: mean 0, variance 1 / (1 + eps / var) before the affine part', () => {
    const op = opDef('LayerNorm')!;
    const x = randn([3, 9], 40, 3, 1);
    const scale = be.ones([9]);
    const r = op.forward(ctxOf(op, { epsilon: 0 }, { scale }), [x]);
    const v = r.outputs[0]!.readSync();
    for (let row = 0; row < 3; row++) {
      const s = Array.from(v.slice(row * 9, row * 9 + 9));
      const mean = s.reduce((a, b) => a + b, 0) / 9;
      expect(Math.abs(mean)).toBeLessThan(1e-6);
      expect(Math.abs(s.reduce((a, b) => a + (b - mean) ** 2, 0) / 9 - 1)).toBeLessThan(1e-5);
    }
    for (const t of [x, scale, ...r.outputs]) t.dispose();
  });

  it('the wasm backend computes every op like the reference', async () => {
    const wasm = await createBackend('wasm');
    const cases: Array<[string, number[][], Attrs, Record<string, number[]>]> = [
      ['MatMul', [[2, 3, 5, 4], [3, 4, 7]], {}, {}],
      ['LayerNorm', [[2, 3, 7]], { epsilon: 1e-5 }, { scale: [7], bias: [7] }],
      ['GELU', [[5, 9]], {}, {}],
      ['Erf', [[5, 9]], {}, {}],
      ['ReduceMean', [[2, 3, 4, 5]], { axes: [1, 3], keepdims: 0 }, {}],
      ['Slice', [[2, 7, 5]], { starts: [1], ends: [7], axes: [1], steps: [3] }, {}],
    ];
    for (const [type, shapes, attrs, paramShapes] of cases) {
      const op = opDef(type)!;
      const run = (b: Backend): Float32Array => {
        const ins = shapes.map((s, i) => b.tensor(randn(s, 50 + i).readSync() as Float32Array, s));
        const params = Object.fromEntries(Object.entries(paramShapes).map(([k, s], i) => [k, b.tensor(randn(s, 60 + i, 0.5, 1).readSync() as Float32Array, s)]));
        const r = op.forward(ctxOf(op, attrs, params, b), ins);
        const v = r.outputs[0]!.readSync() as Float32Array;
        for (const t of [...ins, ...Object.values(params), ...r.outputs]) t.dispose();
        return v;
      };
      const ref = run(be);
      const got = run(wasm);
      const scale = Math.max(...ref.map(Math.abs));
      const err = Math.max(...ref.map((v, i) => Math.abs(v - got[i]!)));
      expect(err / scale, `${type}: wasm vs reference`).toBeLessThan(1e-5);
    }
  });
});
