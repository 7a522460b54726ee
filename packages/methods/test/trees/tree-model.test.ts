/**
 * A tree ensemble as a Model (treeEnsembleModel): its forward equals
 * predictRaw, the model-agnostic methods run on it and agree with TreeSHAP
 * (shapley-exact against one baseline row = interventional TreeSHAP with that
 * row as the background; kernel-shap enumerating every coalition = TreeSHAP
 * against the same background), the registry's tree-shap runs through
 * compareExplanations, and gradients are refused with the alternatives named.
 */
import { describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import { compareExplanations, kernelShap, methodEntry, parseMethodSpec, predictTreesRaw, saliency, shapleyExact, treeEnsembleModel, treeShap } from '../../src/index.js';
import { loadFixture } from './helpers.js';

const be = await createBackend('reference');

describe('tree ensembles as models', () => {
  const f = loadFixture('gbm_multi');
  const model = treeEnsembleModel(be, f.ensemble);
  const x = be.tensor(f.x, [f.rows, 6]);

  it('forward equals predictRaw (float32)', async () => {
    const y = (await model.predict(x).read()) as Float32Array;
    const want = predictTreesRaw(f.ensemble, f.x, f.rows);
    for (let i = 0; i < want.length; i++) expect(y[i]).toBeCloseTo(want[i]!, 5);
  });

  it('shapley-exact against one baseline row equals interventional TreeSHAP with that row as background', async () => {
    const base = f.background.subarray(0, 6);
    const a = await shapleyExact(model, x, { baseline: be.tensor(base, [1, 6]), target: 1 });
    const t = treeShap(f.ensemble, f.x, f.rows, { background: base, target: 1 });
    for (let i = 0; i < t.values64.length; i++) expect(Math.abs(a.values[i]! - t.values64[i]!)).toBeLessThan(1e-5);
  });

  it('kernel-shap enumerating every coalition equals TreeSHAP against the same background', async () => {
    const bg = f.background.subarray(0, 8 * 6);
    const a = await kernelShap(model, x, { background: be.tensor(bg, [8, 6]), enumerate: true, target: 0 });
    const t = treeShap(f.ensemble, f.x, f.rows, { background: bg, target: 0 });
    for (let i = 0; i < t.values64.length; i++) expect(Math.abs(a.values[i]! - t.values64[i]!)).toBeLessThan(1e-4);
  });

  it('the registry\'s tree-shap runs in compareExplanations (metrics on its values)', async () => {
    expect(methodEntry('tree-shap').family).toBe('trees');
    const spec = parseMethodSpec('tree-shap');
    spec.options.background = be.tensor(f.background, [16, 6]);
    const r = await compareExplanations(model, x, { methods: [spec], metrics: ['sparseness', 'aopc'], target: 'argmax', perRow: false });
    // sparseness of the values the method returned (the Gini index of |phi|, per row, averaged)
    const t = treeShap(f.ensemble, f.x, f.rows, { background: f.background });
    let gini = 0;
    for (let row = 0; row < f.rows; row++) {
      const v = Array.from(t.values64.subarray(row * 6, row * 6 + 6), Math.abs).sort((a, b) => a - b);
      const total = v.reduce((a, b) => a + b, 0);
      gini += v.reduce((acc, vi, k) => acc + ((2 * (k + 1) - 6 - 1) * vi) / (6 * total), 0);
    }
    expect(r.rows.find((row) => row.metric === 'sparseness')!.value).toBeCloseTo(gini / f.rows, 4);
    expect(Number.isFinite(r.rows.find((row) => row.metric.startsWith('aopc'))!.value)).toBe(true);
  });

  it('gradient methods are refused, naming tree-shap; tree-shap on a graph model is refused', async () => {
    await expect(saliency(model, x, { target: 0 })).rejects.toThrow(/no gradient; explain it with tree-shap/);
    const { mlp } = await import('../../src/index.js');
    const net = mlp(be, { inputs: 6, hidden: [4], outputs: 3, seed: 0 });
    await expect(methodEntry('tree-shap').run(net, x, {})).rejects.toThrow(/tree-shap explains tree ensembles/);
    net.dispose();
  });
});
