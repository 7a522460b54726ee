/**
 * All-targets LRP: the per-row [T, out] block equals T separate LRP passes,
 * the skip-inactive fast path equals the dense block path, and the generic
 * path covers every other model.
 */
import { describe, expect, it } from 'vitest';
import { Generator } from '@relevance/core-wasm';
import { fusedChainRelevance, lrp, lrpAllTargets, sequential, type LrpAllTargetsOptions } from '../../../src/index.js';
import { lrpBackends } from './fixture-options.js';
import { randomInputs, randomMlp, relDiff } from './helpers.js';
import { fixtureInputs, fixtureModel, fixturesAvailable } from '../../helpers/fixtures.js';

const BACKENDS = await lrpBackends();

/** Rule settings that exercise every Dense rule, x-weighted or not. */
const SETTINGS: Array<[string, LrpAllTargetsOptions]> = [
  ['epsilon-plus-flat', { composite: 'epsilon-plus-flat' }],
  ['epsilon everywhere', { rule: 'epsilon', epsilon: 1e-3 }],
  ['zplus everywhere', { rule: 'zplus' }],
  ['alpha2-beta1 everywhere', { rule: 'alpha-beta' }],
  ['gamma everywhere', { rule: 'gamma', gamma: 0.5 }],
  ['zbox / gamma / wsquare / flat by layer', { layerRules: 'fc1=zbox,fc2=gamma,fc3=wsquare,fc4=flat', low: -4, high: 4 }],
];

/** Column t of each row's [T, in] block, as a [rows, in] array. */
function targetSlice(values: Float32Array, rows: number, T: number, perRow: number, t: number): Float32Array {
  const out = new Float32Array(rows * perRow);
  for (let r = 0; r < rows; r++) out.set(values.subarray((r * T + t) * perRow, (r * T + t + 1) * perRow), r * perRow);
  return out;
}

for (const [backendName, be] of BACKENDS) {
  describe(`all-targets LRP (${backendName})`, () => {
    const model = randomMlp(be, [9, 16, 16, 12, 5], 7);
    // masked rows: exact zeros in the input, as in the proteomics masks
    const x = be.scope(() => be.mul(randomInputs(be, [6, 9], 8), be.greater(be.randomUniform([6, 9], new Generator(3)), be.full([1], 0.3))));

    for (const [label, options] of SETTINGS) {
      it(`${label}: skip-inactive = dense = generic = one lrp() per target`, async () => {
        const skip = await lrpAllTargets(model, x, { ...options, path: 'skip-inactive' });
        const dense = await lrpAllTargets(model, x, { ...options, path: 'dense' });
        const generic = await lrpAllTargets(model, x, { ...options, path: 'generic', batchSize: 7 });
        expect(skip.shape).toEqual([6, 5, 9]);
        expect(skip.path).toBe('skip-inactive');
        const tol = backendName === 'reference' ? 1e-6 : 2e-5;
        expect(relDiff(skip.values!, dense.values!)).toBeLessThan(tol);
        expect(relDiff(generic.values!, dense.values!)).toBeLessThan(tol);
        for (let t = 0; t < 5; t++) {
          const single = await lrp(model, x, { ...options, target: t } as never);
          expect(relDiff(targetSlice(skip.values!, 6, 5, 9, t), single.values)).toBeLessThan(tol);
        }
        expect(skip.params.rules).toEqual((await lrp(model, x, { ...options, target: 0 } as never)).params.rules);
      });
    }

    for (const [label, options] of SETTINGS.filter(([l]) => l === 'epsilon everywhere' || l === 'gamma everywhere')) {
      it(`${label}: the fused path equals the dense path and is what auto picks`, async () => {
        const fused = await lrpAllTargets(model, x, { ...options, path: 'fused', batchSize: 4 });
        const dense = await lrpAllTargets(model, x, { ...options, path: 'dense' });
        const auto = await lrpAllTargets(model, x, options);
        expect(auto.path).toBe('fused');
        expect(fused.shape).toEqual([6, 5, 9]);
        const tol = backendName === 'reference' ? 1e-6 : 2e-5;
        expect(relDiff(fused.values!, dense.values!)).toBeLessThan(tol);
        expect(relDiff(fused.outputs, dense.outputs)).toBeLessThan(tol);
        expect(relDiff(fused.outputRelevance, dense.outputRelevance)).toBeLessThan(tol);
      });
    }

    it('fused gradient x input equals the gradient times the input, per target', async () => {
      const chain = model.nodes.filter((n) => n.type === 'Dense').map((n) => ({ weight: n.params.weight!, bias: n.params.bias ?? null, rule: { kind: 'gradient-x-input' as const } }));
      const rows = 6, outs = 5, ins = 9;
      const got = new Float32Array(rows * outs * ins);
      const targets = Array.from({ length: rows }, () => Int32Array.from([0, 1, 2, 3, 4]));
      await fusedChainRelevance(be, chain, x, targets, { batchRows: 5, onRow: (r, rel) => got.set(rel, r * outs * ins) });
      const xv = (await x.read()) as Float32Array;
      for (let t = 0; t < outs; t++) {
        const pass = model.forward(x);
        const seed = be.tensor(Float32Array.from({ length: rows * outs }, (_, i) => (i % outs === t ? 1 : 0)), [rows, outs]);
        const g = model.backward(pass, seed);
        const grad = (await g.input!.read()) as Float32Array;
        g.dispose();
        seed.dispose();
        pass.dispose();
        const expected = grad.map((v, i) => v * xv[i]!);
        expect(relDiff(targetSlice(got, rows, outs, ins, t), expected)).toBeLessThan(backendName === 'reference' ? 1e-6 : 2e-5);
      }
    });

    it('the fused gamma path handles negative inputs of the first layer', async () => {
      const signed = randomInputs(be, [4, 9], 21);
      const fused = await lrpAllTargets(model, signed, { rule: 'gamma', gamma: 0.25, path: 'fused' });
      const generic = await lrpAllTargets(model, signed, { rule: 'gamma', gamma: 0.25, path: 'generic' });
      expect(relDiff(fused.values!, generic.values!)).toBeLessThan(backendName === 'reference' ? 1e-6 : 2e-5);
      signed.dispose();
    });

    it('the host and backend compactions give the same values; auto picks one', async () => {
      const host = await lrpAllTargets(model, x, { composite: 'epsilon-plus-flat', compaction: 'host' });
      const device = await lrpAllTargets(model, x, { composite: 'epsilon-plus-flat', compaction: 'backend' });
      expect(relDiff(host.values!, device.values!)).toBe(0);
      const auto = await lrpAllTargets(model, x, { composite: 'epsilon-plus-flat' });
      expect(['host', 'backend']).toContain(auto.params.compaction);
    });

    it('targets per row, a callback per row, and explicit output relevance', async () => {
      const lists = [[0], [4, 1], [], [2, 2, 3], [1], [0, 1, 2, 3, 4]];
      const scale = Float32Array.from({ length: 6 }, (_, r) => r + 0.5);
      const got = new Map<number, { relevance: Float32Array; targets: Int32Array }>();
      const result = await lrpAllTargets(model, x, { rule: 'epsilon', targetsPerRow: lists, outputRelevance: scale, onRow: (row, relevance, targets) => void got.set(row, { relevance, targets }) });
      expect(result.values).toBeNull();
      expect(result.shape).toEqual([6, -1, 9]);
      const one = await lrpAllTargets(model, x, { rule: 'epsilon', outputRelevance: 'one' });
      for (let r = 0; r < 6; r++) {
        const { relevance, targets } = got.get(r)!;
        expect(Array.from(targets)).toEqual(lists[r]);
        targets.forEach((t, k) => {
          const expected = one.values!.subarray((r * 5 + t) * 9, (r * 5 + t + 1) * 9).map((v) => v * scale[r]!);
          expect(relDiff(relevance.subarray(k * 9, (k + 1) * 9), expected)).toBeLessThan(2e-5);
        });
      }
      // one value per (row, target) pair
      const pairs = Float32Array.from({ length: 12 }, (_, i) => i - 3);
      const perPair = await lrpAllTargets(model, x, { rule: 'epsilon', targetsPerRow: [3, 0], outputRelevance: pairs });
      expect(Array.from(perPair.outputRelevance)).toEqual(Array.from(pairs));
      const t3 = targetSlice(one.values!, 6, 5, 9, 3);
      expect(relDiff(perPair.values!.subarray(0, 9), t3.subarray(0, 9).map((v) => v * -3))).toBeLessThan(2e-5);
    });

    it('a row whose hidden units are all off gets zero relevance on the fast path', async () => {
      const dead = sequential(be, [-1, 2], [
        { type: 'Dense', name: 'fc1', params: { weight: be.tensor([1, 1, 1, 1], [2, 2]), bias: be.tensor([0, 0]) } },
        { type: 'ReLU', name: 'relu' },
        { type: 'Dense', name: 'fc2', params: { weight: be.tensor([1, -1], [1, 2]), bias: be.tensor([0.5]) } },
      ]);
      const rows = be.tensor([-1, -1, 1, 2], [2, 2]);
      const r = await lrpAllTargets(dead, rows, { rule: 'epsilon' });
      const g = await lrpAllTargets(dead, rows, { rule: 'epsilon', path: 'generic' });
      expect(Array.from(r.values!.subarray(0, 2))).toEqual([0, 0]);
      expect(relDiff(r.values!, g.values!)).toBeLessThan(1e-6);
    });

    it("models that are not a Dense chain take the generic path under 'auto'", async () => {
      const g = new Generator(21);
      const withSoftmax = sequential(be, [-1, 4], [
        { type: 'Dense', name: 'fc1', params: { weight: be.randomNormal([6, 4], g), bias: be.randomNormal([6], g) } },
        { type: 'ReLU', name: 'relu' },
        { type: 'Dense', name: 'fc2', params: { weight: be.randomNormal([3, 6], g) } },
        { type: 'Softmax', name: 'softmax' },
      ]);
      const rows = randomInputs(be, [3, 4], 22);
      const r = await lrpAllTargets(withSoftmax, rows, { rule: 'epsilon' });
      expect(r.path).toBe('generic');
      await expect(lrpAllTargets(withSoftmax, rows, { rule: 'epsilon', path: 'dense' })).rejects.toThrow(/'softmax' \(Softmax\) is not a Dense layer or an activation/);
      const single = await lrp(withSoftmax, rows, { rule: 'epsilon', target: 1 });
      expect(relDiff(targetSlice(r.values!, 3, 3, 4, 1), single.values)).toBeLessThan(1e-5);
    });

    it('errors: fast paths need a Dense chain; bad targets, options and output relevance', async () => {
      await expect(lrpAllTargets(model, x, { targetsPerRow: [5] })).rejects.toThrow(/target 5 \(row 0\) is out of range: the model has 5 outputs/);
      await expect(lrpAllTargets(model, x, { targetsPerRow: [[0], [1, 2]] })).rejects.toThrow(/2 lists for 6 rows/);
      await expect(lrpAllTargets(model, x, { targetsPerRow: [[0], [1, 2], [0], [0], [0], [0]] })).rejects.toThrow(/pass onRow/);
      await expect(lrpAllTargets(model, x, { outputRelevance: new Float32Array(4) })).rejects.toThrow(/give one per row \(6\) or one per \(row, target\) pair \(30\)/);
      await expect(lrpAllTargets(model, x, { path: 'fast' as never })).rejects.toThrow(/path must be/);
      await expect(lrpAllTargets(model, x, { rule: 'nope' })).rejects.toThrow(/unknown LRP rule 'nope'/);
    });
  });
}

describe.skipIf(!fixturesAvailable)('all-targets LRP on the fixture models', () => {
  it('CNN: generic path, equal to one lrp() per target (epsilon-gamma-box)', async () => {
    const [, be] = BACKENDS[0]!;
    const model = fixtureModel(be, 'cnn');
    const inp = fixtureInputs('cnn');
    const x = be.slice(be.tensor(Float32Array.from(inp.data), inp.shape), [0, 0, 0, 0], [3, 1, 16, 16]);
    const options = { composite: 'epsilon-gamma-box', low: -3, high: 3 } as const;
    const all = await lrpAllTargets(model, x, { ...options, targetsPerRow: [0, 3, 9] });
    expect(all.path).toBe('generic');
    expect(all.shape).toEqual([3, 3, 1, 16, 16]);
    await expect(lrpAllTargets(model, x, { ...options, path: 'skip-inactive' })).rejects.toThrow(/needs a sequential chain of Dense layers.*the input is not \[batch, features\]/);
    for (const [k, t] of [0, 3, 9].entries()) {
      const single = await lrp(model, x, { ...options, target: t });
      expect(relDiff(targetSlice(all.values!, 3, 3, 256, k), single.values)).toBeLessThan(1e-6);
    }
  });

  it('MLP: every fixture row and output, fast path against generic', async () => {
    for (const [name, be] of BACKENDS) {
      const model = fixtureModel(be, 'mlp');
      const inp = fixtureInputs('mlp');
      const x = be.tensor(Float32Array.from(inp.data), inp.shape);
      const fast = await lrpAllTargets(model, x, { layerRules: 'fc1=zbox,fc2=gamma,fc3=epsilon', low: -3, high: 3 });
      const generic = await lrpAllTargets(model, x, { layerRules: 'fc1=zbox,fc2=gamma,fc3=epsilon', low: -3, high: 3, path: 'generic' });
      expect(fast.path).toBe('skip-inactive');
      expect(relDiff(fast.values!, generic.values!)).toBeLessThan(name === 'reference' ? 1e-6 : 2e-5);
    }
  });
});
