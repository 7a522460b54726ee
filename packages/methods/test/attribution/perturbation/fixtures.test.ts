/**
 * Parity with the reference fixtures (Captum 0.7.0 Occlusion / FeatureAblation,
 * exact Shapley cross-checked against Captum ShapleyValues), reference backend,
 * tolerance 1e-4 relative to the largest |value|.
 */
import { describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import { featureAblation, kernelShap, occlusion, shapleyExact } from '../../../src/index.js';
import { fixtureInputs, fixtureModel, fixtureTargets, fixturesAvailable, readFixture, relativeToMax, type ArrayJson } from '../../helpers/fixtures.js';

const be = await createBackend('reference');
const TOLERANCE = 1e-4;

function inputs(model: 'mlp' | 'cnn', rows?: number) {
  const inp = fixtureInputs(model);
  const per = inp.data.length / inp.shape[0]!;
  const n = rows ?? inp.shape[0]!;
  return be.tensor(Float32Array.from(inp.data.slice(0, n * per)), [n, ...inp.shape.slice(1)]);
}

function reference(model: 'mlp' | 'cnn', file: string): ArrayJson {
  return readFixture<{ attribution: ArrayJson }>(model, file).attribution;
}

describe.skipIf(!fixturesAvailable)('perturbation methods vs the reference fixtures', () => {
  it('occlusion (window [1,4,4], stride [1,4,4], baseline 0) matches cnn/occlusion.json', async () => {
    const ref = reference('cnn', 'occlusion.json');
    const a = await occlusion(fixtureModel(be, 'cnn'), inputs('cnn'), { window: [1, 4, 4], stride: [1, 4, 4], baseline: 0 });
    const err = relativeToMax(a.values, ref.data);
    console.log(`occlusion vs cnn/occlusion.json: ${err.toExponential(2)} relative to max`);
    expect(a.shape).toEqual(ref.shape);
    expect(Array.from(a.targets)).toEqual(fixtureTargets('cnn'));
    expect(err).toBeLessThan(TOLERANCE);
  });

  it('feature-ablation (baseline 0, each feature alone) matches mlp/feature_ablation.json', async () => {
    const ref = reference('mlp', 'feature_ablation.json');
    const a = await featureAblation(fixtureModel(be, 'mlp'), inputs('mlp'), { baseline: 0 });
    const err = relativeToMax(a.values, ref.data);
    console.log(`feature-ablation vs mlp/feature_ablation.json: ${err.toExponential(2)} relative to max`);
    expect(a.shape).toEqual(ref.shape);
    expect(Array.from(a.targets)).toEqual(fixtureTargets('mlp'));
    expect(err).toBeLessThan(TOLERANCE);
  });

  it('shapley-exact matches mlp/shapley_values_exact.json, and is efficient to float32 precision', async () => {
    const fixture = readFixture<{ attribution: ArrayJson; v_empty: ArrayJson; v_full: ArrayJson }>('mlp', 'shapley_values_exact.json');
    const a = await shapleyExact(fixtureModel(be, 'mlp'), inputs('mlp'), { baseline: 0 });
    const err = relativeToMax(a.values, fixture.attribution.data);
    const c = a.completeness!;
    console.log(`shapley-exact vs mlp/shapley_values_exact.json: ${err.toExponential(2)} relative to max; efficiency max |sum - (f(x) - f(0))| = ${c.maxAbsError.toExponential(2)}`);
    expect(err).toBeLessThan(TOLERANCE);
    expect(c.reference).toBe('f(x) - f(baseline)');
    // f(x) - f(0) itself agrees with the float64 fixture to float32 precision
    for (let r = 0; r < 64; r++) expect(Math.abs(c.expected[r]! - (fixture.v_full.data[r]! - fixture.v_empty.data[r]!))).toBeLessThan(2e-6 * Math.max(1, Math.abs(c.expected[r]!)));
    // sums of 11 float32 values against a float32 difference: a few ulps of the largest term
    for (let r = 0; r < 64; r++) expect(Math.abs(c.error[r]!)).toBeLessThan(1e-6 * Math.max(1, Math.abs(c.expected[r]!)));
  });

  it('kernel-shap with a budget covering all 2^11 - 2 coalitions enumerates them and is exact', async () => {
    const ref = reference('mlp', 'shapley_values_exact.json');
    const rows = 16;
    const a = await kernelShap(fixtureModel(be, 'mlp'), inputs('mlp', rows), { background: 0, samples: 2046 });
    expect(a.params.enumerate).toBe(true);
    const err = relativeToMax(a.values, ref.data.slice(0, rows * 11));
    console.log(`kernel-shap (enumerated) vs mlp/shapley_values_exact.json: ${err.toExponential(2)} relative to max`);
    expect(err).toBeLessThan(TOLERANCE);
    expect(a.completeness!.maxAbsError).toBeLessThan(1e-5);
  });
});
