/**
 * Behaviour of the perturbation methods on models with known answers: linear
 * models (phi_i = w_i (x_i - b_i) for every Shapley estimator), a pairwise game
 * (antithetic sampling is exact), groups, baselines and backgrounds, occlusion
 * geometry, refusals and determinism.
 */
import { describe, expect, it } from 'vitest';
import { createBackend, Generator } from '@relevance/core-wasm';
import { featureAblation, kernelShap, occlusion, shapleyExact, shapleySampling } from '../../../src/index.js';
import { fixtureInputs, fixtureModel, fixturesAvailable } from '../../helpers/fixtures.js';
import { hostModel, linearModel, maxAbs, maxAbsDiff, randomArray } from './helpers.js';

const be = await createBackend('reference');
const D = 6;
const ROWS = 3;
const weights = randomArray(2 * D, 21);
const bias = Float32Array.of(0.25, -0.5);
const data = randomArray(ROWS * D, 22);
const x = be.tensor(data, [ROWS, D]);
const linear = linearModel(be, weights, bias);
const TARGET = 0;

/** phi_i = w_i (x_i - b_i) for target 0; `b(r, i)` the baseline. */
function linearShapley(b: (r: number, i: number) => number): Float32Array {
  return Float32Array.from({ length: ROWS * D }, (_, k) => weights[TARGET * D + (k % D)]! * (data[k]! - b(Math.floor(k / D), k % D)));
}

describe('Shapley estimators on a linear model', () => {
  const perRow = randomArray(ROWS * D, 23);
  const oneRow = randomArray(D, 24);
  const cases = [
    { name: 'baseline 0.5', baseline: 0.5 as number | ReturnType<typeof be.tensor>, b: () => 0.5 },
    { name: 'one baseline row [D]', baseline: be.tensor(oneRow, [D]), b: (_r: number, i: number) => oneRow[i]! },
    { name: 'one baseline row [1, D]', baseline: be.tensor(oneRow, [1, D]), b: (_r: number, i: number) => oneRow[i]! },
    { name: 'a baseline per row [N, D]', baseline: be.tensor(perRow, [ROWS, D]), b: (r: number, i: number) => perRow[r * D + i]! },
  ];
  for (const c of cases) {
    it(`shapley-exact, shapley-sampling (1 ordering), kernel-shap (sampled) give w_i (x_i - b_i): ${c.name}`, async () => {
      const expected = linearShapley(c.b);
      const tol = 1e-5 * maxAbs(expected);
      const exact = await shapleyExact(linear, x, { target: TARGET, baseline: c.baseline });
      expect(maxAbsDiff(exact.values, expected)).toBeLessThan(tol);
      // additive game: every ordering's marginal contributions are already exact
      const sampled = await shapleySampling(linear, x, { target: TARGET, baseline: c.baseline, permutations: 1 });
      expect(maxAbsDiff(sampled.values, expected)).toBeLessThan(tol);
      // a perturbed-baseline call of kernel-shap uses the baseline as its single background row
      if (c.name.startsWith('a baseline per row')) return;
      const ks = await kernelShap(linear, x, { target: TARGET, background: c.baseline, samples: 40, enumerate: false });
      expect(maxAbsDiff(ks.values, expected)).toBeLessThan(tol);
      for (const a of [exact, sampled, ks]) expect(a.completeness!.maxAbsError).toBeLessThan(1e-5);
    });
  }

  it('kernel-shap averages over a background set: phi_i = w_i (x_i - mean_b bg_bi), sum = f(x) - E f(bg)', async () => {
    const B = 5;
    const bg = randomArray(B * D, 25);
    const mean = Array.from({ length: D }, (_, i) => Array.from({ length: B }, (_, b) => bg[b * D + i]!).reduce((s, v) => s + v, 0) / B);
    const a = await kernelShap(linear, x, { target: TARGET, background: be.tensor(bg, [B, D]) });
    // the default budget (2 d + 2048) covers all 2^6 - 2 coalitions: enumerated, exact
    expect(a.params).toMatchObject({ backgroundRows: B, enumerate: true, samples: 2 * D + 2048, coalitions: 62 });
    const expected = linearShapley((_r, i) => mean[i]!);
    expect(maxAbsDiff(a.values, expected)).toBeLessThan(1e-5 * maxAbs(expected));
    const fx = linear.predict(x).readSync();
    const fb = linear.predict(be.tensor(bg, [B, D])).readSync();
    const efb = Array.from({ length: B }, (_, b) => fb[b * 2 + TARGET]!).reduce((s, v) => s + v, 0) / B;
    for (let r = 0; r < ROWS; r++) expect(a.completeness!.expected[r]!).toBeCloseTo(fx[r * 2 + TARGET]! - efb, 5);
  });
});

describe('antithetic orderings', () => {
  it('are exact for a game with at most pairwise interactions (one ordering and its reverse)', async () => {
    // f(x) = sum a_i x_i + sum_{i<j} c_ij x_i x_j: with baseline 0, v(S) has only pairwise interactions
    const a = randomArray(D, 31);
    const c = randomArray(D * D, 32, 0.5);
    const pairwise = hostModel(be, D, 1, (row) => {
      let s = 0;
      for (let i = 0; i < D; i++) {
        s += a[i]! * row[i]!;
        for (let j = i + 1; j < D; j++) s += c[i * D + j]! * row[i]! * row[j]!;
      }
      return [s];
    });
    const exact = await shapleyExact(pairwise, x);
    const anti = await shapleySampling(pairwise, x, { permutations: 1, antithetic: true, seed: 3 });
    const plain = await shapleySampling(pairwise, x, { permutations: 2, seed: 3 });
    expect(maxAbsDiff(anti.values, exact.values)).toBeLessThan(1e-5 * maxAbs(exact.values));
    expect(maxAbsDiff(plain.values, exact.values)).toBeGreaterThan(1e-2 * maxAbs(exact.values));
    expect(anti.params).toMatchObject({ permutations: 1, antithetic: true, seed: 3 });
  });
});

describe('groups', () => {
  it('feature-ablation: each member gets its group delta; negative ids are never perturbed and get 0', async () => {
    const groups = [4, 4, -1, 9, 9, 9];
    const b = 0.1;
    const a = await featureAblation(linear, x, { target: TARGET, baseline: b, groups });
    const per = linearShapley(() => b);
    for (let r = 0; r < ROWS; r++) {
      for (let j = 0; j < D; j++) {
        let expected = 0;
        if (groups[j]! >= 0) for (let i = 0; i < D; i++) if (groups[i] === groups[j]) expected += per[r * D + i]!;
        expect(a.values[r * D + j]!).toBeCloseTo(expected, 5);
      }
    }
  });

  it('shapley-exact on the MLP: members share the value, groups sum to f(x) - f(0), singleton ids in any order change nothing', async () => {
    if (!fixturesAvailable) return;
    const mlp = fixtureModel(be, 'mlp');
    const inp = fixtureInputs('mlp');
    const xm = be.tensor(Float32Array.from(inp.data.slice(0, 4 * 11)), [4, 11]);
    const groups = be.tensor(Int32Array.from([0, 0, 1, 1, 1, 2, 3, 3, 4, 5, 5]), [1, 11]);
    const g = await shapleyExact(mlp, xm, { groups });
    expect(g.completeness!.maxAbsError).toBeLessThan(1e-5);
    for (let r = 0; r < 4; r++) {
      expect(g.values[r * 11]).toBe(g.values[r * 11 + 1]);
      expect(g.values[r * 11 + 2]).toBe(g.values[r * 11 + 4]);
    }
    const plain = await shapleyExact(mlp, xm);
    const shuffledIds = await shapleyExact(mlp, xm, { groups: [50, 10, 40, 30, 20, 0, 70, 60, 90, 80, 100] });
    expect(maxAbsDiff(shuffledIds.values, plain.values)).toBeLessThan(1e-6);
  });

  it('a group mask per row ([N, ...]) applies row by row', async () => {
    const masks = Int32Array.from([0, 0, 1, 1, 2, 2, 0, 1, 2, 0, 1, 2, 0, 0, 0, 1, 1, 1]);
    const all = await shapleyExact(linear, x, { target: TARGET, groups: be.tensor(masks, [ROWS, D]), baseline: 0.2 });
    for (let r = 0; r < ROWS; r++) {
      const one = await shapleyExact(linear, be.tensor(data.slice(r * D, (r + 1) * D), [1, D]), { target: TARGET, groups: masks.slice(r * D, (r + 1) * D), baseline: 0.2 });
      expect(Array.from(all.values.subarray(r * D, (r + 1) * D))).toEqual(Array.from(one.values));
    }
  });
});

describe('occlusion geometry', () => {
  it('window [1], stride [1] is feature ablation', async () => {
    const occ = await occlusion(linear, x, { window: [1], baseline: 0.3 });
    const fa = await featureAblation(linear, x, { baseline: 0.3 });
    expect(maxAbsDiff(occ.values, fa.values)).toBeLessThan(1e-6);
    expect(occ.params).toMatchObject({ window: [1], stride: [1], baseline: 0.3 });
  });

  it('overlapping windows with a cut last window: the mean delta over covering placements (brute force)', async () => {
    const d = 11;
    const w = randomArray(d, 41);
    const model = hostModel(be, d, 1, (row) => [Math.tanh(row.reduce((s, v, i) => s + v * w[i]!, 0)) + row[3]! * row[7]!]);
    const xs = randomArray(2 * d, 42);
    const a = await occlusion(model, be.tensor(xs, [2, d]), { window: [3], stride: 2 });
    // placements start at 0, 2, 4, 6, 8 (ceil((11 - 3) / 2) + 1 = 5); the last covers [8, 11)
    const f = (row: Float32Array): number => model.predict(be.tensor(row, [1, d])).readSync()[0]!;
    for (let r = 0; r < 2; r++) {
      const row = xs.slice(r * d, (r + 1) * d);
      const sums = new Float64Array(d);
      const counts = new Float64Array(d);
      for (const start of [0, 2, 4, 6, 8]) {
        const occluded = row.slice();
        for (let i = start; i < Math.min(start + 3, d); i++) occluded[i] = 0;
        const delta = f(row) - f(occluded);
        for (let i = start; i < Math.min(start + 3, d); i++) {
          sums[i]! += delta;
          counts[i]!++;
        }
      }
      for (let i = 0; i < d; i++) expect(a.values[r * d + i]!).toBeCloseTo(sums[i]! / counts[i]!, 5);
    }
    // windows [3] with stride 3 leave a cut last window [9, 11) (Captum: ceil((11-3)/3) + 1 = 4 placements)
    const b = await occlusion(model, be.tensor(xs, [2, d]), { window: [3], stride: [3] });
    expect(b.values[10]).toBe(b.values[9]);
    expect(b.values[8]).not.toBe(b.values[9]);
  });

  it('needs a window matching the non-batch dimensions', async () => {
    await expect(occlusion(linear, x, {} as never)).rejects.toThrow(/option 'window' is required/);
    await expect(occlusion(linear, x, { window: [1, 2] })).rejects.toThrow(/one size per non-batch dimension/);
    await expect(occlusion(linear, x, { window: [7] })).rejects.toThrow(/from 1 to 6/);
  });
});

describe('refusals and errors', () => {
  it('shapley-exact refuses more features than the limit, pointing to shapley-sampling and groups', async () => {
    await expect(shapleyExact(linear, x, { maxFeatures: 5 })).rejects.toThrow(/6 features would need 2\^6 coalitions per row; the limit is 5 features.*shapley-sampling.*groups/);
    await expect(shapleyExact(linear, x, { maxFeatures: 25 })).rejects.toThrow(/maxFeatures must be an integer from 1 to 24/);
    const wide = linearModel(be, randomArray(21, 5), Float32Array.of(0));
    await expect(shapleyExact(wide, be.tensor(randomArray(21, 6), [1, 21]))).rejects.toThrow(/21 features .* the limit is 20 features/);
    // the same input in 3 groups is fine
    const grouped = await shapleyExact(wide, be.tensor(randomArray(21, 6), [1, 21]), { groups: Array.from({ length: 21 }, (_, i) => i % 3) });
    expect(grouped.completeness!.maxAbsError).toBeLessThan(1e-5);
    await expect(kernelShap(wide, be.tensor(randomArray(21, 6), [1, 21]), { enumerate: true })).rejects.toThrow(/2\^21 coalitions; the limit is 20/);
  });

  it('unknown options and bad values are named', async () => {
    await expect(shapleySampling(linear, x, { samples: 10 } as never)).rejects.toThrow(/shapley-sampling: option 'samples' does not apply/);
    await expect(kernelShap(linear, x, { baseline: 0 } as never)).rejects.toThrow(/kernel-shap: option 'baseline' does not apply.*background/);
    await expect(featureAblation(linear, x, { batchSize: 0 })).rejects.toThrow(/batchSize must be a positive integer/);
    await expect(featureAblation(linear, x, { baseline: be.tensor(randomArray(4, 1), [4]) })).rejects.toThrow(/does not broadcast/);
    await expect(featureAblation(linear, x, { groups: [0, 1, 2] })).rejects.toThrow(/groups has 3 ids; give 6/);
    await expect(shapleySampling(linear, x, { permutations: 0 })).rejects.toThrow(/permutations must be a positive integer/);
  });
});

describe('determinism', () => {
  const nonlinear = hostModel(be, D, 2, (row) => [Math.tanh(row[0]! - row[1]! * row[2]!) + row[3]! ** 2, Math.sin(row[4]! + row[5]!)]);
  it('kernel-shap and shapley-sampling repeat exactly given the seed, whatever the batch size', async () => {
    for (const run of [
      (o: object) => kernelShap(nonlinear, x, { samples: 30, enumerate: false, ...o }),
      (o: object) => shapleySampling(nonlinear, x, { permutations: 5, antithetic: true, ...o }),
    ]) {
      const a = await run({ seed: 17 });
      const b = await run({ seed: 17, batchSize: 3 });
      const c = await run({ seed: new Generator(17) });
      const other = await run({ seed: 18 });
      expect(Array.from(b.values)).toEqual(Array.from(a.values));
      expect(Array.from(c.values)).toEqual(Array.from(a.values));
      expect(maxAbsDiff(a.values, other.values)).toBeGreaterThan(1e-4);
      expect(a.params.seed).toBe(17);
    }
  });

  it('perturbed copies reach the model in batches of at most batchSize rows', async () => {
    let largest = 0;
    let calls = 0;
    const counting = hostModel(be, D, 2, (row) => [row[0]! * row[1]!, row[2]!]);
    const predict = counting.predict.bind(counting);
    counting.predict = (t) => {
      largest = Math.max(largest, t.shape[0]!);
      calls++;
      return predict(t);
    };
    await shapleyExact(counting, x, { batchSize: 16 });
    expect(largest).toBe(16);
    // 1 batch of the inputs, then 3 rows x 2^6 coalitions in batches of 16
    expect(calls).toBe(1 + (ROWS * 64) / 16);
  });

  it('explicit targets are explained (one for all rows, or one per row)', async () => {
    const t = Int32Array.from([1, 0, 1]);
    const a = await shapleyExact(nonlinear, x, { target: t });
    const one = await shapleyExact(nonlinear, x, { target: 1 });
    expect(Array.from(a.targets)).toEqual([1, 0, 1]);
    expect(Array.from(a.values.subarray(0, D))).toEqual(Array.from(one.values.subarray(0, D)));
    await expect(shapleyExact(nonlinear, x, { target: 2 })).rejects.toThrow(/out of range/);
  });
});
