/**
 * Hand-built ONNX models (encoded with the importer's own schema), each
 * checked against a forward computed by hand in plain JavaScript.
 */
import { describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import { importOnnx, type Model } from '../../src/index.js';
import { buildOnnx, f32, floatAttr, i64, intAttr, intsAttr, onnxNode, stringAttr, values, type TestModel } from './onnx-test-models.js';

const be = await createBackend('reference');

function run(m: TestModel, x: number[], shape: number[]): { model: Model; y: number[]; yShape: readonly number[] } {
  const model = importOnnx(be, buildOnnx(m), { source: 'test.onnx' });
  const xt = be.tensor(Float32Array.from(x), shape);
  const yt = model.predict(xt);
  const y = Array.from(yt.readSync());
  const yShape = yt.shape;
  xt.dispose();
  yt.dispose();
  return { model, y, yShape };
}

function expectClose(actual: readonly number[], expected: readonly number[], tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected[i]!))));
}

/** y[n, j] = sum_i x[n, i] * w[i, j] (+ b[j]) for x [n, k], w [k, m]. */
function matmul(x: number[], w: number[], n: number, k: number, m: number, b?: number[]): number[] {
  const y: number[] = [];
  for (let r = 0; r < n; r++) for (let j = 0; j < m; j++) {
    let s = b ? b[j]! : 0;
    for (let i = 0; i < k; i++) s += x[r * k + i]! * w[i * m + j]!;
    y.push(s);
  }
  return y;
}

/** Direct 2-D convolution, one image, one input channel and one output channel, explicit pads [t, l, b, r]. */
function conv1x1ch(x: number[], h: number, w: number, k: number[], kh: number, kw: number, stride: number, pads: number[], bias = 0): { y: number[]; oh: number; ow: number } {
  const [pt, pl, pb, pr] = pads as [number, number, number, number];
  const oh = Math.floor((h + pt + pb - kh) / stride) + 1;
  const ow = Math.floor((w + pl + pr - kw) / stride) + 1;
  const y: number[] = [];
  for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) {
    let s = bias;
    for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) {
      const r = i * stride + a - pt;
      const c = j * stride + b - pl;
      if (r >= 0 && r < h && c >= 0 && c < w) s += x[r * w + c]! * k[a * kw + b]!;
    }
    y.push(s);
  }
  return { y, oh, ow };
}

describe('synthetic ONNX models', () => {
  it('MatMul + Add of an initializer becomes one Dense (weight transposed) named after the MatMul', () => {
    const w = values(4 * 3, 1);
    const b = values(3, 2);
    const x = values(2 * 4, 3);
    const { model, y } = run({
      inputs: [['x', [-1, 4]]],
      outputs: [['y', [-1, 3]]],
      nodes: [onnxNode('MatMul', '/lin/MatMul', ['x', 'W'], ['mm']), onnxNode('Add', '/lin/Add', ['b', 'mm'], ['y'])],
      initializers: [f32('W', [4, 3], w), f32('b', [3], b)],
    }, x, [2, 4]);
    expect(model.nodes.map((n) => [n.name, n.type])).toEqual([['/lin/MatMul', 'Dense']]);
    expect(model.outputs).toEqual(['y']);
    expect(model.node('lin').paramNames).toEqual({ weight: 'W', bias: 'b' });
    expect(model.node('lin').params.weight!.shape).toEqual([3, 4]);
    expectClose(y, matmul(x, w, 2, 4, 3, b));
    model.dispose();
  });

  it('MatMul + Add is not fused when the product is read elsewhere too', () => {
    const w = values(2 * 2, 25);
    const x = values(2 * 2, 26);
    const { model, y } = run({
      inputs: [['x', [-1, 2]]],
      outputs: [['y', [-1, 2]]],
      nodes: [
        onnxNode('MatMul', 'mm', ['x', 'W'], ['m']),
        onnxNode('Add', 'add', ['m', 'b'], ['mb']),
        onnxNode('Add', 'both', ['m', 'mb'], ['y']),
      ],
      initializers: [f32('W', [2, 2], w), f32('b', [2], [1, 2])],
    }, x, [2, 2]);
    expect(model.nodes.map((n) => n.type).sort()).toEqual(['Add', 'Add', 'Dense']);
    expectClose(y, matmul(x, w, 2, 2, 2).map((v, i) => 2 * v + [1, 2][i % 2]!));
    model.dispose();
  });

  it('a bare MatMul with an initializer becomes Dense without bias', () => {
    const w = values(3 * 2, 4);
    const x = values(2 * 3, 5);
    const { model, y } = run({
      inputs: [['x', [-1, 3]]],
      outputs: [['y', [-1, 2]]],
      nodes: [onnxNode('MatMul', 'mm', ['x', 'W'], ['y'])],
      initializers: [f32('W', [3, 2], w)],
    }, x, [2, 3]);
    expect(model.nodes.map((n) => n.type)).toEqual(['Dense']);
    expect(Object.keys(model.nodes[0]!.params)).toEqual(['weight']);
    expectClose(y, matmul(x, w, 2, 3, 2));
    model.dispose();
  });

  it('Gemm folds transB=0, alpha and beta, with C of shape [1, out]', () => {
    const w = values(3 * 2, 6); // [in=3, out=2] since transB=0
    const c = values(2, 7);
    const x = values(2 * 3, 8);
    const { model, y } = run({
      inputs: [['x', [-1, 3]]],
      outputs: [['y', [-1, 2]]],
      nodes: [onnxNode('Gemm', '/fc/Gemm', ['x', 'W', 'C'], ['y'], [floatAttr('alpha', 2), floatAttr('beta', 0.5), intAttr('transB', 0)])],
      initializers: [f32('W', [3, 2], w), f32('C', [1, 2], c)],
    }, x, [2, 3]);
    expectClose(y, matmul(x, w.map((v) => 2 * v), 2, 3, 2, c.map((v) => 0.5 * v)));
    model.dispose();
  });

  it('Gemm with a computed C becomes Dense + Add', () => {
    const w = values(2 * 2, 9); // transB=1: [out, in]
    const x = values(2 * 2, 10);
    const { model, y } = run({
      inputs: [['x', [-1, 2]]],
      outputs: [['y', [-1, 2]]],
      nodes: [onnxNode('Relu', 'r', ['x'], ['rx']), onnxNode('Gemm', 'g', ['x', 'W', 'rx'], ['y'], [intAttr('transB', 1)])],
      initializers: [f32('W', [2, 2], w)],
    }, x, [2, 2]);
    expect(model.nodes.map((n) => n.type).sort()).toEqual(['Add', 'Dense', 'ReLU']);
    expect(model.node('g/Add').inputs).toEqual(['y:product', 'rx']);
    const wt = [w[0]!, w[2]!, w[1]!, w[3]!];
    const expected = matmul(x, wt, 2, 2, 2).map((v, i) => v + Math.max(0, x[i]!));
    expectClose(y, expected);
    model.dispose();
  });

  it('Reshape with its shape from a Constant node (0 copies the batch, -1 is inferred)', () => {
    const w = values(6 * 2, 11);
    const x = values(2 * 2 * 3, 12);
    const { model, y, yShape } = run({
      inputs: [['x', [-1, 2, 3]]],
      outputs: [['y', [-1, 2]]],
      nodes: [
        { op_type: 'Constant', name: 'shape_const', input: [], output: ['shape'], attribute: [{ name: 'value', type: 4, t: i64('', [0, -1]) }] },
        onnxNode('Reshape', '/Reshape', ['x', 'shape'], ['flat']),
        onnxNode('Gemm', '/fc/Gemm', ['flat', 'W'], ['y'], [intAttr('transB', 0)]),
      ],
      initializers: [f32('W', [6, 2], w)],
    }, x, [2, 2, 3]);
    expect(model.nodes.map((n) => n.type)).toEqual(['Reshape', 'Dense']);
    expect(model.nodes[0]!.attrs.shape).toEqual([0, -1]);
    expect(model.valueShapes.get('flat')).toEqual([-1, 6]);
    expect(yShape).toEqual([2, 2]);
    expectClose(y, matmul(x, w, 2, 6, 2));
    model.dispose();
  });

  it('Reshape reads a shape initializer too (value_ints Constant and int64 initializer)', () => {
    const x = values(2 * 6, 13);
    const { model, yShape, y } = run({
      inputs: [['x', [-1, 6]]],
      outputs: [['y', [-1, 2, 3]]],
      nodes: [onnxNode('Reshape', 'rs', ['x', 'target'], ['y'])],
      initializers: [i64('target', [-1, 2, 3])],
    }, x, [2, 6]);
    expect(yShape).toEqual([2, 2, 3]);
    expectClose(y, x);
    model.dispose();
  });

  it('BatchNormalization (inference) matches (x - mean) / sqrt(var + eps) * scale + bias', () => {
    const scale = [1.5, -0.5];
    const bias = [0.1, 0.2];
    const mean = [0.3, -0.4];
    const variance = [2, 0.5];
    const eps = 1e-3;
    const x = values(2 * 2 * 2 * 2, 14);
    const { model, y } = run({
      opset: 15,
      inputs: [['x', [-1, 2, 2, 2]]],
      outputs: [['y', [-1, 2, 2, 2]]],
      nodes: [onnxNode('BatchNormalization', '/bn/BatchNormalization', ['x', 's', 'b', 'm', 'v'], ['y'], [floatAttr('epsilon', eps), floatAttr('momentum', 0.9), intAttr('training_mode', 0)])],
      initializers: [f32('s', [2], scale), f32('b', [2], bias), f32('m', [2], mean), f32('v', [2], variance)],
    }, x, [2, 2, 2, 2]);
    expect(model.node('bn').type).toBe('BatchNorm');
    expect(model.node('bn').paramNames).toEqual({ scale: 's', bias: 'b', mean: 'm', var: 'v' });
    const expected = x.map((v, i) => {
      const c = Math.floor(i / 4) % 2;
      return ((v - mean[c]!) / Math.sqrt(variance[c]! + Math.fround(eps))) * scale[c]! + bias[c]!;
    });
    expectClose(y, expected);
    model.dispose();
  });

  for (const autoPad of ['SAME_UPPER', 'SAME_LOWER'] as const) {
    it(`Conv with auto_pad=${autoPad} and stride 2 pads the odd pixel at the ${autoPad === 'SAME_UPPER' ? 'end' : 'beginning'}`, () => {
      const k = values(9, 15);
      const x = values(16, 16);
      const { model, y, yShape } = run({
        inputs: [['x', [-1, 1, 4, 4]]],
        outputs: [['y', [-1, 1, 2, 2]]],
        nodes: [onnxNode('Conv', '/conv/Conv', ['x', 'K', 'B'], ['y'], [stringAttr('auto_pad', autoPad), intsAttr('strides', [2, 2]), intsAttr('kernel_shape', [3, 3])])],
        initializers: [f32('K', [1, 1, 3, 3], k), f32('B', [1], [0.25])],
      }, x, [1, 1, 4, 4]);
      // out = ceil(4 / 2) = 2; total pad = (2 - 1) * 2 + 3 - 4 = 1
      const pads = autoPad === 'SAME_UPPER' ? [0, 0, 1, 1] : [1, 1, 0, 0];
      expect(model.node('conv').attrs.padding).toEqual(pads);
      expect(yShape).toEqual([1, 1, 2, 2]);
      expectClose(y, conv1x1ch(x, 4, 4, k, 3, 3, 2, pads, 0.25).y);
      model.dispose();
    });
  }

  it('Conv with auto_pad=VALID, dilations and explicit asymmetric pads', () => {
    const k = values(4, 17);
    const x = values(25, 18);
    const valid = run({
      inputs: [['x', [-1, 1, 5, 5]]],
      outputs: [['y', [-1, 1, 4, 4]]],
      nodes: [onnxNode('Conv', 'c', ['x', 'K'], ['y'], [stringAttr('auto_pad', 'VALID')])],
      initializers: [f32('K', [1, 1, 2, 2], k)],
    }, x, [1, 1, 5, 5]);
    expectClose(valid.y, conv1x1ch(x, 5, 5, k, 2, 2, 1, [0, 0, 0, 0]).y);
    valid.model.dispose();
    const padded = run({
      inputs: [['x', [-1, 1, 5, 5]]],
      outputs: [['y', [-1, 1, 5, 6]]],
      nodes: [onnxNode('Conv', 'c', ['x', 'K'], ['y'], [intsAttr('pads', [1, 0, 0, 2])])],
      initializers: [f32('K', [1, 1, 2, 2], k)],
    }, x, [1, 1, 5, 5]);
    expect(padded.yShape).toEqual([1, 1, 5, 6]);
    expectClose(padded.y, conv1x1ch(x, 5, 5, k, 2, 2, 1, [1, 0, 0, 2]).y);
    padded.model.dispose();
  });

  it('Softmax at opset 11 (axis=1 on [batch, classes], "coerce to 2-D") and LogSoftmax at opset 13', () => {
    const x = values(2 * 4, 19);
    const softmaxRows = (v: number[]): number[] => {
      const out: number[] = [];
      for (let r = 0; r < 2; r++) {
        const row = v.slice(r * 4, r * 4 + 4);
        const m = Math.max(...row);
        const e = row.map((a) => Math.exp(a - m));
        const s = e.reduce((a, b) => a + b, 0);
        out.push(...e.map((a) => a / s));
      }
      return out;
    };
    const s11 = run({ opset: 11, inputs: [['x', [-1, 4]]], outputs: [['y', [-1, 4]]], nodes: [onnxNode('Softmax', 'sm', ['x'], ['y'], [intAttr('axis', 1)])] }, x, [2, 4]);
    expect(s11.model.nodes[0]!.attrs.axis).toBe(1);
    expectClose(s11.y, softmaxRows(x));
    s11.model.dispose();
    // opset 11 default axis is 1, which is the last axis of a 2-D input
    const d11 = run({ opset: 11, inputs: [['x', [-1, 4]]], outputs: [['y', [-1, 4]]], nodes: [onnxNode('Softmax', 'sm', ['x'], ['y'])] }, x, [2, 4]);
    expectClose(d11.y, softmaxRows(x));
    d11.model.dispose();
    const l13 = run({ opset: 13, inputs: [['x', [-1, 4]]], outputs: [['y', [-1, 4]]], nodes: [onnxNode('LogSoftmax', 'lsm', ['x'], ['y'])] }, x, [2, 4]);
    expectClose(l13.y, softmaxRows(x).map(Math.log));
    l13.model.dispose();
  });

  it('MaxPool with ONNX default strides (1, not the kernel) and AveragePool with count_include_pad 0 and 1', () => {
    const x = [1, 5, 2, 4, 3, 9, 7, 8, 6];
    const mp = run({
      inputs: [['x', [-1, 1, 3, 3]]],
      outputs: [['y', [-1, 1, 2, 2]]],
      nodes: [onnxNode('MaxPool', 'mp', ['x'], ['y'], [intsAttr('kernel_shape', [2, 2])])],
    }, x, [1, 1, 3, 3]);
    expect(mp.y).toEqual([5, 9, 8, 9]);
    mp.model.dispose();
    for (const include of [0, 1]) {
      const ap = run({
        inputs: [['x', [-1, 1, 3, 3]]],
        outputs: [['y', [-1, 1, 2, 2]]],
        nodes: [onnxNode('AveragePool', 'ap', ['x'], ['y'], [intsAttr('kernel_shape', [2, 2]), intsAttr('strides', [2, 2]), intsAttr('pads', [1, 1, 0, 0]), intAttr('count_include_pad', include)])],
      }, x, [1, 1, 3, 3]);
      // windows (padded top-left): {1}, {5,2}, {4,7}, {3,9,8,6}
      const expected = include ? [1 / 4, 7 / 4, 11 / 4, 26 / 4] : [1, 7 / 2, 11 / 2, 26 / 4];
      expectClose(ap.y, expected);
      ap.model.dispose();
    }
  });

  it('GlobalAveragePool, Flatten, LeakyRelu, Sigmoid, Tanh, Dropout, Concat, Add of two values, Identity', () => {
    const x = values(2 * 2 * 2 * 2, 20);
    const { model, y, yShape } = run({
      inputs: [['x', [-1, 2, 2, 2]]],
      outputs: [['y', [-1, 6]]],
      nodes: [
        onnxNode('GlobalAveragePool', 'gap', ['x'], ['g']),
        onnxNode('Flatten', 'flat', ['g'], ['f'], [intAttr('axis', 1)]),
        onnxNode('LeakyRelu', 'lr', ['f'], ['a'], [floatAttr('alpha', 0.2)]),
        onnxNode('Sigmoid', 'sg', ['f'], ['s']),
        onnxNode('Tanh', 'th', ['f'], ['t']),
        onnxNode('Dropout', 'do', ['t', 'ratio'], ['d']),
        onnxNode('Add', 'sum', ['a', 'd'], ['p']),
        onnxNode('Identity', 'id', ['s'], ['si']),
        onnxNode('Concat', 'cat', ['p', 'si', 'f'], ['y'], [intAttr('axis', 1)]),
      ],
      initializers: [f32('ratio', [], [0.3])],
    }, x, [2, 2, 2, 2]);
    expect(yShape).toEqual([2, 6]);
    expect(model.node('do').type).toBe('Dropout');
    expect(model.node('do').attrs.ratio).toBeCloseTo(0.3, 6);
    const expected: number[] = [];
    for (let n = 0; n < 2; n++) {
      const f = [0, 1].map((c) => x.slice(n * 8 + c * 4, n * 8 + c * 4 + 4).reduce((p, v) => p + v, 0) / 4);
      const p = f.map((v) => (v > 0 ? v : 0.2 * v) + Math.tanh(v));
      expected.push(...p, ...f.map((v) => 1 / (1 + Math.exp(-v))), ...f);
    }
    expectClose(y, expected);
    model.dispose();
  });

  it('an Add of a constant becomes Add with a constant parameter; an Identity of an initializer is that initializer', () => {
    const w = values(2 * 2, 21);
    const x = values(2 * 2, 22);
    const { model, y } = run({
      opset: 12,
      inputs: [['x', [-1, 2]]],
      outputs: [['y', [-1, 2]]],
      nodes: [
        onnxNode('Identity', 'shared', ['fc.weight'], ['w_alias']),
        onnxNode('Gemm', 'g', ['x', 'w_alias'], ['h'], [intAttr('transB', 1)]),
        onnxNode('Add', 'shift', ['h', 'offset'], ['y']),
      ],
      initializers: [f32('fc.weight', [2, 2], w), f32('offset', [2], [1, -1])],
    }, x, [2, 2]);
    expect(model.nodes.map((n) => n.type)).toEqual(['Dense', 'Add']);
    expect(model.node('g').paramNames.weight).toBe('fc.weight');
    expect(model.node('shift').paramNames.constant).toBe('offset');
    const wt = [w[0]!, w[2]!, w[1]!, w[3]!];
    expectClose(y, matmul(x, wt, 2, 2, 2, [1, -1]));
    model.dispose();
  });

  it('older exporters list initializers among the graph inputs: they are not model inputs', () => {
    const bytes = buildOnnx({
      inputs: [['x', [-1, 2]], ['W', [2, 2]]],
      outputs: [['y', [-1, 2]]],
      nodes: [onnxNode('Gemm', 'g', ['x', 'W'], ['y'], [intAttr('transB', 1)])],
      initializers: [f32('W', [2, 2], [1, 0, 0, 1])],
    });
    const model = importOnnx(be, bytes);
    expect(model.inputs.map((i) => i.name)).toEqual(['x']);
    model.dispose();
  });

  it('gradients flow through an imported MatMul + Add (d/dx of sum(y * seed) = seed W^T)', () => {
    const w = values(3 * 2, 23);
    const model = importOnnx(be, buildOnnx({
      inputs: [['x', [-1, 3]]],
      outputs: [['y', [-1, 2]]],
      nodes: [onnxNode('MatMul', 'mm', ['x', 'W'], ['m']), onnxNode('Add', 'add', ['m', 'b'], ['y'])],
      initializers: [f32('W', [3, 2], w), f32('b', [2], [0.5, -0.5])],
    }));
    const x = be.tensor(Float32Array.from(values(3, 24)), [1, 3]);
    const pass = model.forward(x);
    const grads = model.backward(pass, be.tensor([1, -2], [1, 2]));
    const g = Array.from(grads.input!.readSync());
    expectClose(g, [0, 1, 2].map((i) => w[i * 2]! * 1 + w[i * 2 + 1]! * -2));
    grads.dispose();
    pass.dispose();
    x.dispose();
    model.dispose();
  });
});
