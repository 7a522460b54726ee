import { describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import { flatRule, sequential } from '../../../../src/index.js';
import { denseCase, maxRelDiff, ruleOnDense, stab } from '../helpers.js';

const be = await createBackend('reference');

describe('flat rule', () => {
  it('Dense: every input gets sum_j R_j / stab(n_in)', () => {
    const c = denseCase(19);
    const expected = c.r.map((r) => Array.from({ length: c.inW }, () => r.reduce((s, v) => s + v / stab(c.inW, 1e-6), 0)));
    expect(maxRelDiff(ruleOnDense(be, flatRule(), c), expected)).toBeLessThan(1e-6);
  });

  it('Conv2d: each output spreads evenly over its receptive field; zero padding counts 0', () => {
    // 1 channel 3x3 input, 3x3 kernel, padding 1: the centre output sees 9 inputs, a corner output 4
    const weight = be.tensor(Array.from({ length: 9 }, (_, i) => i - 4), [1, 1, 3, 3]);
    const model = sequential(be, [-1, 1, 3, 3], [{ type: 'Conv2d', name: 'conv', attrs: { padding: [1, 1, 1, 1] }, params: { weight } }]);
    const x = be.tensor(Array.from({ length: 9 }, (_, i) => i * 0.1 - 0.3), [1, 1, 3, 3]);
    const pass = model.forward(x);
    // relevance 1 on the top-left output only: it sees inputs (0,0), (0,1), (1,0), (1,1)
    const r = be.tensor([1, 0, 0, 0, 0, 0, 0, 0, 0], [1, 1, 3, 3]);
    const g = model.backward(pass, r, { rules: () => flatRule() });
    const v = Array.from(g.input!.readSync());
    const share = 1 / stab(4, 1e-6);
    expect(maxRelDiff([v], [[share, share, 0, share, share, 0, 0, 0, 0]])).toBeLessThan(1e-6);
    g.dispose();
    pass.dispose();
    model.dispose();
  });
});
