/**
 * The sampling estimators converge to the exact Shapley values
 * (mlp/shapley_values_exact.json) as their budget grows: the max abs error over
 * 8 rows x 11 features is printed per budget, must fall at every 4x step, and
 * ends below a stated threshold. Antithetic orderings beat plain ones at equal
 * model cost. Every run is seeded, so the numbers are reproducible.
 * (The reference backend runs this MLP at ~40 us per row, so shapley-sampling,
 * at (d - 1) = 10 model rows per ordering, uses 4 rows to stay within the test budget.)
 */
import { describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import { kernelShap, shapleySampling, type Attribution } from '../../../src/index.js';
import { fixtureInputs, fixtureModel, fixturesAvailable, readFixture, type ArrayJson } from '../../helpers/fixtures.js';

const be = await createBackend('reference');
const FEATURES = 11;
const BUDGETS = [64, 256, 1024, 4096];

function errors(a: Attribution, exact: number[]): { maxAbs: number; rms: number } {
  let maxAbs = 0;
  let sq = 0;
  const n = a.values.length;
  for (let i = 0; i < n; i++) {
    const e = a.values[i]! - exact[i]!;
    maxAbs = Math.max(maxAbs, Math.abs(e));
    sq += e * e;
  }
  return { maxAbs, rms: Math.sqrt(sq / n) };
}

function table(title: string, unit: string, rows: Array<[number, { maxAbs: number; rms: number }]>): string {
  const lines = rows.map(([n, e]) => `| ${String(n).padStart(5)} | ${e.maxAbs.toExponential(2)} | ${e.rms.toExponential(2)} |`);
  return [title, `| ${unit} | max abs error | rms error |`, '| ---: | ---: | ---: |', ...lines].join('\n');
}

describe.skipIf(!fixturesAvailable)('sampling estimators converge to exact Shapley values (MLP, baseline 0)', () => {
  const model = fixturesAvailable ? fixtureModel(be, 'mlp') : null!;
  const firstRows = (n: number) => {
    const inp = fixtureInputs('mlp');
    const x = be.tensor(Float32Array.from(inp.data.slice(0, n * FEATURES)), [n, FEATURES]);
    const exact = readFixture<{ attribution: ArrayJson }>('mlp', 'shapley_values_exact.json').attribution.data.slice(0, n * FEATURES);
    return { x, exact };
  };

  it('kernel-shap (8 rows): error falls as samples grow (paired sampling, no enumeration)', async () => {
    const { x, exact } = firstRows(8);
    const maxExact = Math.max(...exact.map(Math.abs));
    const rows: Array<[number, { maxAbs: number; rms: number }]> = [];
    for (const samples of BUDGETS) {
      const a = await kernelShap(model, x, { samples, enumerate: false, seed: 7 });
      expect(a.completeness!.maxAbsError).toBeLessThan(1e-5);
      rows.push([samples, errors(a, exact)]);
    }
    const unpaired: Array<[number, { maxAbs: number; rms: number }]> = [];
    for (const samples of BUDGETS) unpaired.push([samples, errors(await kernelShap(model, x, { samples, enumerate: false, paired: false, seed: 7 }), exact)]);
    console.log(`${table('kernel-shap, paired (default)', 'samples', rows)}\n\n${table('kernel-shap, unpaired', 'samples', unpaired)}\n(max |exact| = ${maxExact.toFixed(3)})`);
    for (let i = 1; i < rows.length; i++) expect(rows[i]![1].maxAbs).toBeLessThan(rows[i - 1]![1].maxAbs);
    expect(rows.at(-1)![1].maxAbs).toBeLessThan(0.02);
    for (let i = 0; i < rows.length; i++) expect(rows[i]![1].rms).toBeLessThan(unpaired[i]![1].rms);
  });

  it('shapley-sampling (4 rows): error falls as orderings grow; antithetic beats plain at equal cost', async () => {
    const { x, exact } = firstRows(4);
    const plain: Array<[number, { maxAbs: number; rms: number }]> = [];
    for (const permutations of BUDGETS) {
      const a = await shapleySampling(model, x, { permutations, seed: 11 });
      expect(a.completeness!.maxAbsError).toBeLessThan(1e-5);
      plain.push([permutations, errors(a, exact)]);
    }
    // equal cost: half as many drawn orderings, each also walked reversed
    const anti: Array<[number, { maxAbs: number; rms: number }]> = [];
    for (const permutations of BUDGETS.slice(0, 3)) {
      anti.push([permutations, errors(await shapleySampling(model, x, { permutations: permutations / 2, antithetic: true, seed: 11 }), exact)]);
    }
    console.log(`${table('shapley-sampling, plain', 'orderings', plain)}\n\n${table('shapley-sampling, antithetic (orderings/2 drawn, each walked both ways: equal cost)', 'orderings', anti)}`);
    for (let i = 1; i < plain.length; i++) expect(plain[i]![1].maxAbs).toBeLessThan(plain[i - 1]![1].maxAbs);
    for (let i = 1; i < anti.length; i++) expect(anti[i]![1].maxAbs).toBeLessThan(anti[i - 1]![1].maxAbs);
    expect(plain.at(-1)![1].maxAbs).toBeLessThan(0.03);
    for (let i = 0; i < anti.length; i++) expect(anti[i]![1].rms).toBeLessThan(plain[i]![1].rms);
  });
});
