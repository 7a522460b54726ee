import { describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import { passRule, sequential } from '../../../../src/index.js';

const be = await createBackend('reference');

describe('pass rule', () => {
  it('passes relevance through a ReLU unchanged, also where the ReLU is off', () => {
    const model = sequential(be, [-1, 4], [{ type: 'ReLU', name: 'relu' }]);
    const x = be.tensor([-1, 2, 0, 3], [1, 4]);
    const pass = model.forward(x);
    const r = be.tensor([0.5, -1, 2, 4], [1, 4]);
    const g = model.backward(pass, r, { rules: () => passRule() });
    expect(Array.from(g.input!.readSync())).toEqual([0.5, -1, 2, 4]);
    g.dispose();
    pass.dispose();
  });
});
