/**
 * Optimisers against PyTorch's update rules: a few steps by hand, then a
 * float64 transcription of torch.optim's documented algorithms over several
 * steps (momentum, dampening, Nesterov, L2 weight decay, Adam, AdamW).
 */
import { describe, expect, it } from 'vitest';
import { createBackend, type Backend, type Tensor } from '@relevance/core-wasm';
import { adam, adamw, createOptimizer, sgd, type Optimizer } from '../../src/index.js';

const be: Backend = await createBackend('reference');

const START = [1, -2, 0.5];
const GRADS = [[0.5, 0.25, -1], [-1, 2, 0.1], [0.3, -0.7, 0.2], [0, 1, -0.5]];

/** Run an optimiser over GRADS; returns the parameter after each step. */
function trajectory(make: (params: Map<string, Tensor>) => Optimizer, steps = GRADS.length): number[][] {
  const w = be.tensor(START, [3]);
  const params = new Map([['w', w]]);
  const opt = make(params);
  const out: number[][] = [];
  for (let s = 0; s < steps; s++) {
    const g = be.tensor(GRADS[s]!, [3]);
    opt.step(new Map([['w', g]]));
    g.dispose();
    out.push([...(w.readSync() as Float32Array)]);
  }
  opt.dispose();
  w.dispose();
  return out;
}

/** torch.optim.SGD's algorithm (docs pseudo-code) in float64. */
function torchSgd(o: { lr: number; momentum?: number; dampening?: number; nesterov?: boolean; weightDecay?: number }): number[][] {
  const p = [...START];
  let b: number[] | null = null;
  const out: number[][] = [];
  for (const grad of GRADS) {
    let g = grad.map((v, i) => v + (o.weightDecay ?? 0) * p[i]!);
    const mu = o.momentum ?? 0;
    if (mu !== 0) {
      b = b ? b.map((v, i) => mu * v + (1 - (o.dampening ?? 0)) * g[i]!) : [...g];
      g = o.nesterov ? g.map((v, i) => v + mu * b![i]!) : [...b];
    }
    g.forEach((v, i) => (p[i] = p[i]! - o.lr * v));
    out.push([...p]);
  }
  return out;
}

/** torch.optim.Adam / AdamW's algorithm (docs pseudo-code) in float64. */
function torchAdam(o: { lr: number; betas?: [number, number]; eps?: number; weightDecay: number; decoupled: boolean }): number[][] {
  const [b1, b2] = o.betas ?? [0.9, 0.999];
  const eps = o.eps ?? 1e-8;
  const p = [...START];
  const m = [0, 0, 0];
  const v = [0, 0, 0];
  const out: number[][] = [];
  GRADS.forEach((grad, k) => {
    const t = k + 1;
    for (let i = 0; i < 3; i++) {
      let g = grad[i]!;
      if (o.decoupled) p[i] = p[i]! * (1 - o.lr * o.weightDecay);
      else g += o.weightDecay * p[i]!;
      m[i] = b1 * m[i]! + (1 - b1) * g;
      v[i] = b2 * v[i]! + (1 - b2) * g * g;
      const mHat = m[i]! / (1 - b1 ** t);
      const vHat = v[i]! / (1 - b2 ** t);
      p[i] = p[i]! - (o.lr * mHat) / (Math.sqrt(vHat) + eps);
    }
    out.push([...p]);
  });
  return out;
}

function expectClose(actual: number[][], expected: number[][], digits = 6): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, s) => row.forEach((v, i) => expect(v, `step ${s + 1}, entry ${i}`).toBeCloseTo(expected[s]![i]!, digits)));
}

describe('SGD', () => {
  it('plain step with L2 weight decay, by hand', () => {
    // p - lr (g + wd p): 1 - 0.1 (0.5 + 0.1), -2 - 0.1 (0.25 - 0.2), 0.5 - 0.1 (-1 + 0.05)
    const [first] = trajectory((p) => sgd(p, { lr: 0.1, weightDecay: 0.1 }), 1);
    expectClose([first!], [[0.94, -2.005, 0.595]]);
  });

  it('momentum, by hand: the buffer starts at the gradient', () => {
    // step 1: b = g1, p = p0 - lr g1; step 2: b = 0.9 g1 + g2
    const out = trajectory((p) => sgd(p, { lr: 0.1, momentum: 0.9 }), 2);
    expectClose(out, [[0.95, -2.025, 0.6], [0.95 - 0.1 * (0.45 - 1), -2.025 - 0.1 * (0.225 + 2), 0.6 - 0.1 * (-0.9 + 0.1)]]);
  });

  it('matches torch.optim.SGD over several steps: momentum, dampening, Nesterov, weight decay', () => {
    const cases = [
      { lr: 0.05, momentum: 0.9 },
      { lr: 0.05, momentum: 0.9, dampening: 0.5 },
      { lr: 0.05, momentum: 0.8, nesterov: true },
      { lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0.01 },
      { lr: 0.1, momentum: 0.5, dampening: 0.3, weightDecay: 0.2 },
    ];
    for (const c of cases) expectClose(trajectory((p) => sgd(p, c)), torchSgd(c));
  });

  it('rejects Nesterov without momentum or with dampening (as PyTorch)', () => {
    const w = be.zeros([2]);
    const params = new Map([['w', w]]);
    expect(() => sgd(params, { lr: 0.1, nesterov: true })).toThrow(/Nesterov/);
    expect(() => sgd(params, { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true })).toThrow(/Nesterov/);
    w.dispose();
  });
});

describe('Adam and AdamW', () => {
  it('first step, by hand: p - lr * sign(g) (bias correction makes m^ = g, v^ = g^2)', () => {
    const [first] = trajectory((p) => adam(p, { lr: 0.1 }), 1);
    expectClose([first!], [[0.9, -2.1, 0.6]], 5);
  });

  it('AdamW first step, by hand: decay the weights by (1 - lr wd) first', () => {
    // 1 * (1 - 0.1 * 0.1) - 0.1, -2 * 0.99 - 0.1, 0.5 * 0.99 + 0.1
    const [first] = trajectory((p) => adamw(p, { lr: 0.1, weightDecay: 0.1 }), 1);
    expectClose([first!], [[0.89, -2.08, 0.595]], 5);
  });

  it('matches torch.optim.Adam and AdamW over several steps', () => {
    expectClose(trajectory((p) => adam(p, { lr: 0.01 })), torchAdam({ lr: 0.01, weightDecay: 0, decoupled: false }));
    expectClose(trajectory((p) => adam(p, { lr: 0.01, weightDecay: 0.1, betas: [0.8, 0.99] })), torchAdam({ lr: 0.01, weightDecay: 0.1, betas: [0.8, 0.99], decoupled: false }));
    expectClose(trajectory((p) => adamw(p, { lr: 0.01, weightDecay: 0.1 })), torchAdam({ lr: 0.01, weightDecay: 0.1, decoupled: true }));
    // AdamW's PyTorch default weight decay is 0.01
    expectClose(trajectory((p) => adamw(p, { lr: 0.01 })), torchAdam({ lr: 0.01, weightDecay: 0.01, decoupled: true }));
  });

  it('zeroState restarts the moments and the step count', () => {
    const w = be.tensor(START, [3]);
    const params = new Map([['w', w]]);
    const opt = adam(params, { lr: 0.1 });
    const g = be.tensor(GRADS[1]!, [3]);
    opt.step(new Map([['w', g]]));
    opt.zeroState();
    be.write(w, Float32Array.from(START));
    const g1 = be.tensor(GRADS[0]!, [3]);
    opt.step(new Map([['w', g1]]));
    // identical to a fresh optimiser's first step
    expectClose([[...(w.readSync() as Float32Array)]], [[0.9, -2.1, 0.6]], 5);
    opt.dispose();
    for (const t of [w, g, g1]) t.dispose();
  });
});

describe('optimiser bookkeeping', () => {
  it('owns its state tensors, even when stepping inside be.scope, and frees them on dispose', () => {
    const w = be.tensor(START, [3]);
    const params = new Map([['w', w]]);
    const before = be.memory().tensors;
    for (const opt of [adam(params), sgd(params, { lr: 0.1, momentum: 0.9, dampening: 0.1 })]) {
      be.scope(() => opt.step(new Map([['w', be.tensor(GRADS[0]!, [3])]])));
      be.scope(() => opt.step(new Map([['w', be.tensor(GRADS[1]!, [3])]])));
      expect(be.memory().tensors).toBeGreaterThan(before);
      opt.dispose();
      expect(be.memory().tensors).toBe(before);
    }
    w.dispose();
  });

  it('the learning rate can change between steps; unknown gradient names fail clearly', () => {
    const w = be.tensor([1], [1]);
    const params = new Map([['w', w]]);
    const opt = createOptimizer(params, { type: 'sgd', lr: 0.5 });
    const g = be.tensor([1], [1]);
    opt.step(new Map([['w', g]]));
    opt.lr = 0.25;
    opt.step(new Map([['w', g]]));
    expect(w.readSync()[0]).toBeCloseTo(0.25, 6);
    expect(() => opt.step(new Map([['v', g]]))).toThrow(/'v'.*not among the parameters/);
    opt.dispose();
    w.dispose();
    g.dispose();
  });
});
