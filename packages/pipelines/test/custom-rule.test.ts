/**
 * The "add a rule in 20 lines" example of docs/ARCHITECTURE.md, from outside
 * the methods package: a user declares a rule, registers it (and a composite
 * that uses it), and every LRP path accepts it by name.
 */
import { describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import { declareRule, lrp, lrpAllTargets, mlp, modifiers, registerComposite, registerRule, LRP_RULES, STABILIZER_PARAMETER } from '@relevance/methods';

// ---- the example (docs/ARCHITECTURE.md, "Where a new rule goes")
/** W+ rule: relevance by positive weights only, R_in = x ⊙ W⁺ᵀ (R / stab(W⁺x)), the bias ignored. */
const wplus = declareRule({
  name: 'wplus',
  title: 'WPlus',
  summary: 'positive weights only, bias ignored',
  parameters: [STABILIZER_PARAMETER],
  zeroForZeroInput: true,
  groups: () => [{ terms: [{ weight: modifiers.positive, bias: null }] }],
});
registerRule(wplus);
registerComposite({ name: 'wplus-first', description: 'WPlus on the first Dense, Epsilon elsewhere', entries: [{ match: { kind: 'dense', first: true }, rule: 'wplus' }, { match: { kind: 'activation' }, rule: 'pass' }, { match: { kind: 'dense' }, rule: 'epsilon' }] });
// ---- end of the example

/** The rule by hand for one Dense layer: x_i * sum_j W+_ji R_j / (sum_i W+_ji x_i + 1e-6 sign). */
function byHand(w: Float32Array, x: Float32Array, r: Float32Array, out: number, inp: number): Float64Array {
  const res = new Float64Array(inp);
  for (let j = 0; j < out; j++) {
    let z = 0;
    for (let i = 0; i < inp; i++) z += Math.max(w[j * inp + i]!, 0) * x[i]!;
    const s = r[j]! / (z + 1e-6 * (z >= 0 ? 1 : -1));
    for (let i = 0; i < inp; i++) res[i]! += x[i]! * Math.max(w[j * inp + i]!, 0) * s;
  }
  return res;
}

describe('a rule registered from outside the methods package', () => {
  it('is in the registry and refuses a second registration under its name', () => {
    expect(LRP_RULES.get('wplus')).toBe(wplus);
    expect(() => registerRule(wplus)).toThrow(/a rule named 'wplus' exists/);
  });

  it('lrp --rule wplus equals the formula on a one-layer model', async () => {
    const be = await createBackend('reference');
    const model = mlp(be, { inputs: 4, hidden: [], outputs: 3, seed: 5 });
    const xs = Float32Array.from([0.5, 1.5, 0.25, 2]);
    const x = be.tensor(xs, [1, 4]);
    const a = await lrp(model, x, { rule: 'wplus', target: 1 });
    expect(a.params.rules).toMatchObject({ [Object.keys(a.params.rules as object)[0]!]: 'WPlus(stabilizer=1e-6)' });
    const w = (await model.nodes[0]!.params.weight!.read()) as Float32Array;
    const y = (await model.predict(x).read()) as Float32Array;
    const expected = byHand(w, xs, Float32Array.from([0, y[1]!, 0]), 3, 4);
    for (let i = 0; i < 4; i++) expect(a.values[i]).toBeCloseTo(expected[i]!, 5);
    x.dispose();
    model.dispose();
  });

  it('works in a registered composite and on every all-targets path, equal to lrp per target', async () => {
    const be = await createBackend('reference');
    const model = mlp(be, { inputs: 5, hidden: [6], outputs: 3, seed: 2 });
    const x = be.tensor(Float32Array.from({ length: 10 }, (_, i) => ((i * 7) % 5) / 4), [2, 5]);
    const all = await lrpAllTargets(model, x, { rule: 'wplus-first' });
    expect(all.path).toBe('skip-inactive');
    for (let t = 0; t < 3; t++) {
      const one = await lrp(model, x, { composite: 'wplus-first', target: t });
      for (let r = 0; r < 2; r++) for (let i = 0; i < 5; i++) expect(all.values![(r * 3 + t) * 5 + i]).toBeCloseTo(one.values[r * 5 + i]!, 5);
    }
    x.dispose();
    model.dispose();
  });
});
