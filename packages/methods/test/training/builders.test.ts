/** Builders: layer names as PyTorch users expect, shapes, options, determinism. */
import { describe, expect, it } from 'vitest';
import { createBackend, Generator, type Backend } from '@relevance/core-wasm';
import { cnn, mlp, type Model } from '../../src/index.js';

const be: Backend = await createBackend('reference');

function weights(model: Model): Map<string, Float32Array> {
  return new Map([...model.parameters()].map(([k, t]) => [k, t.readSync() as Float32Array]));
}

describe('mlp', () => {
  it('names fc1, relu1, fc2, relu2, fc3 and parameters fc1.weight [out, in], ...', () => {
    const m = mlp(be, { inputs: 5, hidden: [8, 6], outputs: 2, seed: 1 });
    expect(m.nodes.map((n) => n.name)).toEqual(['fc1', 'relu1', 'fc2', 'relu2', 'fc3']);
    expect([...m.parameters().keys()]).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias', 'fc3.weight', 'fc3.bias']);
    expect(m.parameters().get('fc1.weight')!.shape).toEqual([8, 5]);
    expect(m.parameters().get('fc3.weight')!.shape).toEqual([2, 6]);
    const y = m.predict(be.scope(() => be.keep(be.ones([3, 5]))));
    expect(y.shape).toEqual([3, 2]);
    y.dispose();
    m.dispose();
  });

  it('activations, dropout, output activation and explicit names', () => {
    const m = mlp(be, { inputs: 3, hidden: [4], outputs: 2, activation: 'leaky_relu', leakySlope: 0.2, dropout: 0.1, outputActivation: 'sigmoid', seed: 2 });
    expect(m.nodes.map((n) => `${n.name}:${n.type}`)).toEqual(['fc1:Dense', 'leaky_relu1:LeakyReLU', 'dropout1:Dropout', 'fc2:Dense', 'sigmoid:Sigmoid']);
    expect(m.node('leaky_relu1').attrs.alpha).toBe(0.2);
    m.dispose();
    const named = mlp(be, { inputs: 3, hidden: [4], outputs: 1, names: ['0', '1', '2'], seed: 3 });
    expect([...named.parameters().keys()]).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    named.dispose();
    const before = be.memory().tensors;
    expect(() => mlp(be, { inputs: 3, hidden: [4], outputs: 1, names: ['a'], seed: 3 })).toThrow(/names has 1 entries but the model has 3 layers/);
    expect(be.memory().tensors).toBe(before);
  });

  it('needs explicit randomness; one seed gives one set of weights', () => {
    expect(() => mlp(be, { inputs: 2, hidden: [], outputs: 1 })).toThrow(/seed or a generator/);
    const a = mlp(be, { inputs: 4, hidden: [6], outputs: 2, seed: 7 });
    const b = mlp(be, { inputs: 4, hidden: [6], outputs: 2, generator: new Generator(7) });
    const c = mlp(be, { inputs: 4, hidden: [6], outputs: 2, seed: 8 });
    expect(weights(a)).toEqual(weights(b));
    expect(weights(a).get('fc1.weight')).not.toEqual(weights(c).get('fc1.weight'));
    for (const m of [a, b, c]) m.dispose();
  });

  it('init choices: auto is Kaiming for ReLU and Xavier for tanh; torch_default draws biases', () => {
    const bound = (m: Model): number => (m.parameters().get('fc1.weight')!.readSync() as Float32Array).reduce((b, v) => Math.max(b, Math.abs(v)), 0);
    const relu = mlp(be, { inputs: 600, hidden: [400], outputs: 1, seed: 1 });
    const tanh = mlp(be, { inputs: 600, hidden: [400], outputs: 1, activation: 'tanh', seed: 1 });
    const torch = mlp(be, { inputs: 600, hidden: [400], outputs: 1, init: 'torch_default', seed: 1 });
    // Kaiming uniform (ReLU): sqrt(6 / 600) = 0.1; Xavier uniform with tanh's gain: 5/3 sqrt(6 / 1000) = 0.129; torch: 1 / sqrt(600) = 0.041
    expect(bound(relu)).toBeLessThan(0.1);
    expect(bound(relu)).toBeGreaterThan(0.099);
    expect(bound(tanh)).toBeLessThan(0.1291);
    expect(bound(tanh)).toBeGreaterThan(0.128);
    expect(bound(torch)).toBeLessThan(0.0409);
    expect(bound(torch)).toBeGreaterThan(0.0405);
    expect([...(torch.parameters().get('fc1.bias')!.readSync() as Float32Array)].some((v) => v !== 0)).toBe(true);
    expect([...(relu.parameters().get('fc1.bias')!.readSync() as Float32Array)].every((v) => v === 0)).toBe(true);
    for (const m of [relu, tanh, torch]) m.dispose();
    expect(() => mlp(be, { inputs: 2, hidden: [], outputs: 1, init: 'bogus' as 'auto', seed: 1 })).toThrow(/unknown initialiser/);
  });
});

describe('cnn', () => {
  it('conv blocks, flatten and a dense head with PyTorch-style names', () => {
    const m = cnn(be, { input: [1, 12, 12], conv: [4, { channels: 8, kernel: 3, pool: 'avg' }], hidden: [16], outputs: 2, seed: 1 });
    expect(m.nodes.map((n) => n.name)).toEqual(['conv1', 'relu1', 'pool1', 'conv2', 'relu2', 'pool2', 'flatten', 'fc1', 'relu3', 'fc2']);
    expect(m.node('pool2').type).toBe('AvgPool2d');
    expect(m.parameters().get('conv2.weight')!.shape).toEqual([8, 4, 3, 3]);
    // 12 -> pool 6 -> pool 3: 8 * 3 * 3 = 72 features
    expect(m.parameters().get('fc1.weight')!.shape).toEqual([16, 72]);
    const x = be.zeros([2, 1, 12, 12]);
    const y = m.predict(x);
    expect(y.shape).toEqual([2, 2]);
    for (const t of [x, y]) t.dispose();
    m.dispose();
  });

  it('global average pooling head; errors name the problem', () => {
    const m = cnn(be, { input: [3, 8, 8], conv: [{ channels: 5, pool: 'none' }], globalPool: true, outputs: 4, seed: 2 });
    expect(m.nodes.map((n) => n.name)).toEqual(['conv1', 'relu1', 'gap', 'flatten', 'fc1']);
    expect(m.parameters().get('fc1.weight')!.shape).toEqual([4, 5]);
    m.dispose();
    const before = be.memory().tensors;
    expect(() => cnn(be, { input: [1, 4, 4], conv: [2, 2, 2], outputs: 2, seed: 3 })).toThrow(/shrinks to nothing at conv block 3/);
    expect(be.memory().tensors).toBe(before);
  });
});
