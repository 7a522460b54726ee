/** The small solvers behind LIME and KernelSHAP, against closed forms and brute force. */
import { describe, expect, it } from 'vitest';
import { Generator } from '@relevance/core-wasm';
import { lassoSelect, solveLinear, solveSymmetric, weightedMoments, weightedRidge } from '../../../src/attribution/perturbation/weighted-regression.js';
import { shapleyWeights } from '../../../src/index.js';

function randomMatrix(n: number, d: number, seed: number): Float64Array {
  const g = new Generator(seed);
  return Float64Array.from({ length: n * d }, () => g.normal());
}

describe('weighted regression', () => {
  it('solveLinear and solveSymmetric solve well-posed systems', () => {
    const n = 6;
    const m = randomMatrix(n, n, 1);
    const spd = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) spd[i * n + j]! += m[k * n + i]! * m[k * n + j]!;
    const xTrue = randomMatrix(1, n, 2);
    const b = Float64Array.from({ length: n }, (_, i) => xTrue.reduce((s, v, j) => s + spd[i * n + j]! * v, 0));
    for (const x of [solveLinear(spd, b, n), solveSymmetric(spd, b, n)]) for (let i = 0; i < n; i++) expect(x[i]!).toBeCloseTo(xTrue[i]!, 8);
    // indefinite (a KKT matrix): LU with pivoting
    const kkt = Float64Array.of(2, 0, 1, 0, 3, 1, 1, 1, 0);
    const sol = solveLinear(kkt, Float64Array.of(1, 2, 1), 3);
    expect(2 * sol[0]! + sol[2]!).toBeCloseTo(1, 12);
    expect(3 * sol[1]! + sol[2]!).toBeCloseTo(2, 12);
    expect(sol[0]! + sol[1]!).toBeCloseTo(1, 12);
  });

  it('weighted ridge with intercept matches the normal equations on weight-centred data', () => {
    const n = 40;
    const d = 3;
    const x = randomMatrix(n, d, 3);
    const g = new Generator(4);
    const w = Float64Array.from({ length: n }, () => 0.1 + g.uniform());
    const beta = [1.5, -2, 0.5];
    const y = Float64Array.from({ length: n }, (_, k) => 3 + beta.reduce((s, b, j) => s + b * x[k * d + j]!, 0));
    const m = weightedMoments(x, y, w, n, d);
    const exact = weightedRidge(m, [0, 1, 2], 0);
    beta.forEach((b, j) => expect(exact[j]!).toBeCloseTo(b, 8));
    const ridged = weightedRidge(m, [0, 2], 2);
    expect(ridged[1]).toBe(0);
    // (G_SS + 2 I) beta_S = c_S
    const [i0, i2] = [0, 2];
    expect((m.gram[i0 * d + i0]! + 2) * ridged[0]! + m.gram[i0 * d + i2]! * ridged[2]!).toBeCloseTo(m.cross[0]!, 8);
    expect(m.gram[i2 * d + i0]! * ridged[0]! + (m.gram[i2 * d + i2]! + 2) * ridged[2]!).toBeCloseTo(m.cross[2]!, 8);
  });

  it('lassoSelect returns exactly K features in the order the Lasso path admits them', () => {
    const n = 400;
    const d = 10;
    const x = randomMatrix(n, d, 5);
    const coef = [0, 3, 0, -2, 0, 1, 0, 0, 0.5, 0];
    const y = Float64Array.from({ length: n }, (_, k) => coef.reduce((s, b, j) => s + b * x[k * d + j]!, 0));
    const m = weightedMoments(x, y, new Float64Array(n).fill(1), n, d);
    expect(lassoSelect(m, 1)).toEqual([1]);
    expect(lassoSelect(m, 2)).toEqual([1, 3]);
    expect(lassoSelect(m, 3)).toEqual([1, 3, 5]);
    expect(lassoSelect(m, 4)).toEqual([1, 3, 5, 8]);
    expect(lassoSelect(m, 6)).toHaveLength(6);
    expect(lassoSelect(m, 10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('Shapley weights |S|!(d-|S|-1)!/d! sum to 1 over all coalitions without i', () => {
    for (const d of [1, 2, 5, 11, 20]) {
      const w = shapleyWeights(d);
      let total = 0;
      let binom = 1;
      for (let s = 0; s < d; s++) {
        total += w[s]! * binom;
        binom = (binom * (d - 1 - s)) / (s + 1);
      }
      expect(total).toBeCloseTo(1, 12);
    }
    expect(Array.from(shapleyWeights(3))).toEqual([1 / 3, 1 / 6, 1 / 3]);
  });
});
