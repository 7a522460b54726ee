/**
 * Gradient checks: every op's backward against central finite differences,
 * for the input and for every parameter, through the model's backward
 * machinery (tape, accumulation over several consumers, parameter names).
 */
import { describe, expect, it } from 'vitest';
import { createBackend, Generator, type Backend, type Tensor } from '@relevance/core-wasm';
import { Model, sequential, type NodeSpec } from '../../src/index.js';

const be: Backend = await createBackend('reference');
const H = 1e-2;

function randn(shape: number[], seed: number, scale = 1): Tensor {
  const g = new Generator(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return be.tensor(Float32Array.from({ length: n }, () => g.normal() * scale), shape);
}

/** f(model, x) = sum(output * w) for a fixed random w; returns f. */
function objective(model: Model, x: Tensor, w: Float32Array): number {
  const y = model.predict(x);
  const v = y.readSync();
  y.dispose();
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * w[i]!;
  return s;
}

function check(model: Model, x: Tensor, label: string, tolerance = 2e-2): void {
  const out = model.predict(x);
  const wv = Float32Array.from({ length: out.size }, (_, i) => Math.sin(i + 1));
  const gOut = be.tensor(wv, out.shape);
  out.dispose();
  const pass = model.forward(x);
  const grads = model.backward(pass, gOut, { params: true });
  pass.dispose();
  const compare = (analytic: Float32Array | Int32Array, t: Tensor, what: string): void => {
    const base = t.readSync() as Float32Array;
    const count = Math.min(base.length, 12);
    for (let k = 0; k < count; k++) {
      const i = Math.floor((k * base.length) / count);
      const plus = base.slice();
      plus[i]! += H;
      be.write(t, plus);
      const fp = objective(model, x, wv);
      const minus = base.slice();
      minus[i]! -= H;
      be.write(t, minus);
      const fm = objective(model, x, wv);
      be.write(t, base);
      const numeric = (fp - fm) / (2 * H);
      const scale = Math.max(1, Math.abs(numeric));
      expect(Math.abs(analytic[i]! - numeric) / scale, `${label} ${what}[${i}]: analytic ${analytic[i]} numeric ${numeric}`).toBeLessThan(tolerance);
    }
  };
  compare(grads.input!.readSync(), x, 'input');
  for (const [name, p] of model.parameters()) {
    const g = grads.params.get(name);
    expect(g, `${label}: gradient for ${name}`).toBeDefined();
    compare(g!.readSync(), p, name);
  }
  grads.dispose();
}

describe('gradient checks (central finite differences)', () => {
  it('Dense + Tanh + Sigmoid + LeakyReLU + Softmax + LogSoftmax', () => {
    const m = sequential(be, [-1, 5], [
      { type: 'Dense', name: 'fc1', params: { weight: randn([7, 5], 1, 0.5), bias: randn([7], 2, 0.1) } },
      { type: 'Tanh' },
      { type: 'Dense', name: 'fc2', params: { weight: randn([6, 7], 3, 0.5), bias: randn([6], 4, 0.1) } },
      { type: 'Sigmoid' },
      { type: 'Dense', name: 'fc3', params: { weight: randn([4, 6], 5, 0.5) } },
      { type: 'LeakyReLU', attrs: { alpha: 0.2 } },
      { type: 'Softmax', attrs: { axis: 1 } },
    ]);
    check(m, randn([3, 5], 6), 'mlp');
    const m2 = sequential(be, [-1, 5], [
      { type: 'Dense', name: 'fc', params: { weight: randn([4, 5], 7, 0.5), bias: randn([4], 8) } },
      { type: 'LogSoftmax', attrs: { axis: -1 } },
    ]);
    check(m2, randn([2, 5], 9), 'logsoftmax');
  });

  it('Conv2d (stride, padding, groups) + AvgPool + MaxPool + Flatten + BatchNorm', () => {
    const m = sequential(be, [-1, 2, 7, 6], [
      { type: 'Conv2d', name: 'conv1', attrs: { stride: [1, 1], padding: [1, 1, 1, 1] }, params: { weight: randn([4, 2, 3, 3], 10, 0.4), bias: randn([4], 11, 0.1) } },
      { type: 'BatchNorm', name: 'bn1', attrs: { epsilon: 1e-5 }, params: { scale: randn([4], 12), bias: randn([4], 13), mean: randn([4], 14, 0.1), var: be.tensor([0.5, 1, 2, 1.5]) } },
      { type: 'Tanh' },
      { type: 'Conv2d', name: 'conv2', attrs: { stride: [2, 1], padding: [0, 1, 1, 0], groups: 2 }, params: { weight: randn([4, 2, 2, 2], 15, 0.4) } },
      { type: 'AvgPool2d', attrs: { kernel: [2, 2], stride: [1, 1], padding: [1, 1, 0, 0], countIncludePad: false } },
      { type: 'MaxPool2d', attrs: { kernel: [2, 2], stride: [2, 2] } },
      { type: 'Flatten' },
      { type: 'Dense', name: 'fc', params: { weight: randn([3, 24], 16, 0.3), bias: randn([3], 17) } },
    ]);
    check(m, randn([2, 2, 7, 6], 18), 'cnn', 3e-2);
  });

  it('a DAG: residual Add, Concat, GlobalAveragePool, Reshape, Identity, a value read twice', () => {
    const nodes: NodeSpec[] = [
      { name: 'c1', type: 'Conv2d', inputs: ['x'], outputs: ['a'], attrs: { padding: [1, 1, 1, 1] }, params: { weight: randn([3, 3, 3, 3], 20, 0.3) } },
      { name: 't1', type: 'Tanh', inputs: ['a'], outputs: ['b'] },
      { name: 'res', type: 'Add', inputs: ['b', 'x'], outputs: ['c'] },
      { name: 'cat', type: 'Concat', inputs: ['c', 'b'], outputs: ['d'], attrs: { axis: 1 } },
      { name: 'gap', type: 'GlobalAveragePool', inputs: ['d'], outputs: ['e'] },
      { name: 'flat', type: 'Reshape', inputs: ['e'], outputs: ['f'], attrs: { shape: [0, -1] } },
      { name: 'id', type: 'Identity', inputs: ['f'], outputs: ['g'] },
      { name: 'fc', type: 'Dense', inputs: ['g'], outputs: ['h'], params: { weight: randn([2, 6], 21), bias: randn([2], 22) } },
      { name: 'shift', type: 'Add', inputs: ['h'], outputs: ['y'], params: { constant: randn([2], 23) } },
    ];
    const m = new Model(be, { inputs: [{ name: 'x', shape: [-1, 3, 4, 5] }], outputs: ['y'], nodes });
    check(m, randn([2, 3, 4, 5], 24), 'dag');
  });
});

describe('model machinery', () => {
  it('keeps named activations, returns node gradients, and leaks nothing', () => {
    const before = be.memory();
    const m = sequential(be, [-1, 3], [
      { type: 'Dense', name: 'fc1', params: { weight: randn([4, 3], 1), bias: randn([4], 2) } },
      { type: 'ReLU', name: 'relu1' },
      { type: 'Dense', name: 'fc2', params: { weight: randn([2, 4], 3) } },
    ]);
    const x = randn([5, 3], 4);
    const pass = m.forward(x, { keep: ['relu1'] });
    expect(pass.activation('relu1').shape).toEqual([5, 4]);
    const seed = be.ones([5, 2]);
    const g = m.backward(pass, seed, { nodes: ['relu1'], params: true });
    seed.dispose();
    // d(sum y)/d relu1 = column sums of fc2's weight, the same for every row
    const w2 = m.parameters().get('fc2.weight')!.readSync();
    const gr = g.nodes.get('relu1')!.readSync();
    for (let j = 0; j < 4; j++) expect(gr[j]).toBeCloseTo(w2[j]! + w2[4 + j]!, 5);
    expect([...g.params.keys()].sort()).toEqual(['fc1.bias', 'fc1.weight', 'fc2.weight']);
    g.dispose();
    pass.dispose();
    x.dispose();
    m.dispose();
    expect(be.memory()).toEqual(before);
  });

  it('clear errors for unknown ops, missing values, wrong input shapes and unknown layer names', () => {
    expect(() => new Model(be, { inputs: [{ name: 'x', shape: [-1, 2] }], outputs: ['y'], nodes: [{ name: 'n1', type: 'Gelu', inputs: ['x'], outputs: ['y'] }] })).toThrow(/node 'n1' has op type 'Gelu', which is not supported; supported: Dense, Conv2d/);
    expect(() => new Model(be, { inputs: [{ name: 'x', shape: [-1, 2] }], outputs: ['y'], nodes: [{ name: 'n1', type: 'ReLU', inputs: ['z'], outputs: ['y'] }] })).toThrow(/reads value 'z'/);
    const m = sequential(be, [-1, 3], [{ type: 'Dense', name: 'fc1', params: { weight: randn([2, 3], 1) } }]);
    expect(() => m.forward(randn([2, 4], 1))).toThrow(/has shape \[2, 4\], the model expects \[batch, 3\]/);
    expect(() => m.node('conv9')).toThrow(/no layer named 'conv9'; layers: fc1/);
  });
});

describe('layer gradients with stopAt', () => {
  it('stops at a layer, returns its output gradient, and computes nothing below it', () => {
    const m = sequential(be, [-1, 3], [
      { type: 'Dense', name: 'fc1', params: { weight: randn([4, 3], 31), bias: randn([4], 32) } },
      { type: 'ReLU', name: 'relu1' },
      { type: 'Dense', name: 'fc2', params: { weight: randn([2, 4], 33) } },
    ]);
    const x = randn([5, 3], 34);
    const pass = m.forward(x);
    const seed = be.ones([5, 2]);
    const stopped = m.backward(pass, seed, { stopAt: ['relu1'], input: false });
    const full = m.backward(pass, seed, { nodes: ['relu1'] });
    expect(Array.from(stopped.nodes.get('relu1')!.readSync())).toEqual(Array.from(full.nodes.get('relu1')!.readSync()));
    expect(stopped.input).toBeNull();
    const w2 = m.parameters().get('fc2.weight')!.readSync();
    expect(stopped.nodes.get('relu1')!.readSync()[1]).toBeCloseTo(w2[1]! + w2[5]!, 5);
    stopped.dispose();
    full.dispose();
    seed.dispose();
    pass.dispose();
    m.dispose();
  });
});
