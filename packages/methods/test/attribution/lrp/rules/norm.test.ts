import { describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import { Model, normRule, sequential } from '../../../../src/index.js';
import { maxRelDiff, stab } from '../helpers.js';

const be = await createBackend('reference');

describe('norm rule', () => {
  it('AvgPool2d: each input gets x_i / stab(sum of its window) of the window relevance', () => {
    const model = sequential(be, [-1, 1, 2, 4], [{ type: 'AvgPool2d', name: 'pool', attrs: { kernel: [2, 2] } }]);
    const xs = [1, 2, -1, 0.5, 3, 4, 2, 0.25];
    const x = be.tensor(xs, [1, 1, 2, 4]);
    const pass = model.forward(x);
    const r = be.tensor([2, -1], [1, 1, 1, 2]);
    const g = model.backward(pass, r, { rules: () => normRule() });
    // window 1: inputs 1, 2, 3, 4 (mean 2.5); window 2: -1, 0.5, 2, 0.25 (mean 0.4375)
    const mean1 = (1 + 2 + 3 + 4) / 4;
    const mean2 = (-1 + 0.5 + 2 + 0.25) / 4;
    const expected = [[1, 2, -1, 0.5, 3, 4, 2, 0.25].map((v, i) => {
      const inFirst = i % 4 < 2;
      return inFirst ? (v / 4) * 2 / stab(mean1, 1e-6) : (v / 4) * -1 / stab(mean2, 1e-6);
    })];
    expect(maxRelDiff([Array.from(g.input!.readSync())], expected)).toBeLessThan(1e-6);
    g.dispose();
    pass.dispose();
  });

  it('GlobalAveragePool: x_i / (H W) * R / stab(mean)', () => {
    const model = sequential(be, [-1, 2, 1, 2], [{ type: 'GlobalAveragePool', name: 'gap' }]);
    const x = be.tensor([1, 3, -2, 0.5], [1, 2, 1, 2]);
    const pass = model.forward(x);
    const g = model.backward(pass, be.tensor([1, 4], [1, 2, 1, 1]), { rules: () => normRule() });
    const expected = [[1 / 2 / stab(2, 1e-6), 3 / 2 / stab(2, 1e-6), -2 / 2 * 4 / stab(-0.75, 1e-6), 0.5 / 2 * 4 / stab(-0.75, 1e-6)]];
    expect(maxRelDiff([Array.from(g.input!.readSync())], expected)).toBeLessThan(1e-6);
    g.dispose();
    pass.dispose();
  });

  it('Add: each input gets its share x_k / (x_1 + x_2)', () => {
    const model = new Model(be, {
      inputs: [{ name: 'a', shape: [-1, 2] }, { name: 'b', shape: [-1, 2] }],
      outputs: ['y'],
      nodes: [{ name: 'add', type: 'Add', inputs: ['a', 'b'], outputs: ['y'] }],
    });
    const a = be.tensor([1, -2], [1, 2]);
    const b = be.tensor([3, 1], [1, 2]);
    const pass = model.forward(new Map([['a', a], ['b', b]]));
    const g = model.backward(pass, be.tensor([4, 1], [1, 2]), { rules: () => normRule() });
    const ra = Array.from(g.inputs.get('a')!.readSync());
    const rb = Array.from(g.inputs.get('b')!.readSync());
    expect(maxRelDiff([ra, rb], [[1 * 4 / stab(4, 1e-6), -2 * 1 / stab(-1, 1e-6)], [3 * 4 / stab(4, 1e-6), 1 * 1 / stab(-1, 1e-6)]])).toBeLessThan(1e-6);
    g.dispose();
    pass.dispose();
  });
});
