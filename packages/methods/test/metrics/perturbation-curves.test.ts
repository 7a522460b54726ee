/** Region perturbation (Samek et al. 2017): AOPC orders explanations, MoRF vs LeRF, regions, perturbations. */
import { describe, expect, it } from 'vitest';
import { Generator } from '@relevance/core-wasm';
import { referenceBackendForFile } from '../helpers/backends.js';
import { aopc, aupc, buildRegions, regionPerturbation } from '../../src/metrics/index.js';
import { cnn } from '../../src/index.js';
import { contributions, linearModel, normalRows } from './helpers.js';

const be = await referenceBackendForFile();

describe('region perturbation on a linear model', () => {
  it('w * x gives a larger MoRF AOPC than random attributions and than its reverse', async () => {
    const { model, w } = linearModel(be, 12, 1);
    const { x, data } = normalRows(be, 20, 12, 2);
    const exact = contributions(w, data);
    const g = new Generator(3);
    const random = Float32Array.from(exact, () => g.normal());
    const reverse = Float32Array.from(exact, (v) => -v);
    const score = async (values: Float32Array): Promise<number> => (await regionPerturbation(model, x, values, { target: 0 })).aopc;
    const [a, r, rev] = [await score(exact), await score(random), await score(reverse)];
    expect(a).toBeGreaterThan(r);
    expect(r).toBeGreaterThan(rev);
    expect(a).toBeGreaterThan(0);
    expect(rev).toBeLessThan(0);
  });

  it('the LeRF curve stays above the MoRF curve, step by step and per row', async () => {
    const { model, w } = linearModel(be, 10, 4, 0.5);
    const { x, data } = normalRows(be, 15, 10, 5);
    const exact = contributions(w, data);
    const morf = await regionPerturbation(model, x, exact, { target: 0, order: 'morf' });
    const lerf = await regionPerturbation(model, x, exact, { target: 0, order: 'lerf' });
    expect(morf.steps).toBe(10);
    expect(morf.curve.length).toBe(11);
    for (let i = 0; i < morf.rowCurves.length; i++) expect(lerf.rowCurves[i]!).toBeGreaterThanOrEqual(morf.rowCurves[i]! - 1e-5);
    // both start at f(x) and, with every feature replaced by 0, end at the bias
    expect(morf.curve[0]).toBeCloseTo(lerf.curve[0]!, 5);
    expect(morf.curve[10]).toBeCloseTo(0.5, 5);
    expect(lerf.curve[10]).toBeCloseTo(0.5, 5);
    expect(morf.aupc).toBeLessThan(lerf.aupc);
    // the linear model's curve is exact: f(x_k) = f(x) - sum of the k largest contributions
    const row0 = Array.from(exact.subarray(0, 10)).sort((a, b) => b - a);
    let f = morf.rowCurves[0]!;
    for (let k = 1; k <= 10; k++) {
      f -= row0[k - 1]!;
      expect(morf.rowCurves[k]).toBeCloseTo(f, 4);
    }
  });

  it('aopc and aupc follow their definitions', () => {
    expect(aopc([1, 0.5, 0])).toBeCloseTo((0 + 0.5 + 1) / 3, 12);
    expect(aupc([1, 0.5, 0])).toBeCloseTo(0.5, 12);
    expect(aupc([2, 2, 2, 2])).toBeCloseTo(2, 12);
  });

  it('averages seeded uniform-noise draws reproducibly; batch size does not change the result', async () => {
    const { model, w } = linearModel(be, 8, 6);
    const { x, data } = normalRows(be, 6, 8, 7);
    const exact = contributions(w, data);
    const a = await regionPerturbation(model, x, exact, { target: 0, perturbation: 'uniform', draws: 3, seed: 11, batchSize: 7 });
    const b = await regionPerturbation(model, x, exact, { target: 0, perturbation: 'uniform', draws: 3, seed: 11, batchSize: 1000 });
    const c = await regionPerturbation(model, x, exact, { target: 0, perturbation: 'uniform', draws: 3, seed: 12 });
    expect(a.draws).toBe(3);
    expect(Array.from(a.curve)).toEqual(Array.from(b.curve));
    expect(Array.from(a.curve)).not.toEqual(Array.from(c.curve));
  });

  it("feature groups form regions; 'mean' uses the data mean", async () => {
    const { model, w } = linearModel(be, 6, 8);
    const { x, data } = normalRows(be, 5, 6, 9);
    const r = await regionPerturbation(model, x, contributions(w, data), { target: 0, groups: [0, 0, 1, 1, 2, -1], perturbation: 'mean' });
    expect(r.regions).toBe(3);
    expect(r.steps).toBe(3);
  });
});

describe('regions of images and signals', () => {
  it('square patches over all channels, cut at the border', () => {
    const regions = buildRegions('t', [2, 5, 5], { regionSize: 2 });
    expect(regions.length).toBe(9);
    expect(regions[0]!.length).toBe(8);
    expect(regions[8]!.length).toBe(2);
    const covered = new Set(regions.flatMap((r) => Array.from(r)));
    expect(covered.size).toBe(50);
    expect(buildRegions('t', [3, 32], { regionSize: 8 }).length).toBe(4);
  });

  it('runs on a CNN with patches and blur', async () => {
    const model = cnn(be, { input: [1, 8, 8], conv: [4], outputs: 3, seed: 1 });
    const g = new Generator(2);
    const data = Float32Array.from({ length: 3 * 64 }, () => g.uniform());
    const x = be.tensor(data, [3, 1, 8, 8]);
    const r = await regionPerturbation(model, x, Float32Array.from(data, (v) => v * v), { regionSize: 2, perturbation: 'blur', sigma: 1 });
    expect(r.regions).toBe(16);
    expect(r.curve.length).toBe(17);
    expect(Number.isFinite(r.aopc)).toBe(true);
    await expect(regionPerturbation(model, x, new Float32Array(5))).rejects.toThrow(/5 values but the inputs have 192/);
  });
});
