/** The model-parameter randomisation check (Adebayo et al. 2018) tells a model-dependent explanation from one that is not. */
import { describe, expect, it } from 'vitest';
import { Generator } from '@relevance/core-wasm';
import { referenceBackendForFile } from '../helpers/backends.js';
import { mlp, saliency, type Attribution, type AttributionMethod } from '../../src/index.js';
import { parameterRandomisation } from '../../src/metrics/index.js';

const be = await referenceBackendForFile();

/** An "explanation" that ignores the model: the input itself (an edge detector in spirit). */
const inputAsExplanation: AttributionMethod = async (_model, inputs, options) => ({
  method: 'input',
  params: {},
  targets: Int32Array.from(options?.target as Int32Array),
  values: (await inputs.read()) as Float32Array,
  shape: [...inputs.shape],
});

describe('parameter randomisation', () => {
  const model = () => mlp(be, { inputs: 12, hidden: [24, 24], outputs: 3, seed: 5 });
  const rows = () => {
    const g = new Generator(9);
    return be.tensor(Float32Array.from({ length: 16 * 12 }, () => g.normal()), [16, 12]);
  };

  it('gradients lose their rank correlation once the top layer is randomised; the input-as-explanation does not', async () => {
    const m = model();
    const x = rows();
    for (const absolute of [false, true]) {
      const grad = await parameterRandomisation(m, x, saliency, { seed: 1, absolute });
      expect(grad.steps.map((s) => s.layer)).toEqual(['fc3', 'fc2', 'fc1']);
      expect(grad.steps.map((s) => s.randomised.length)).toEqual([1, 2, 3]);
      expect(grad.steps[0]!.meanCorrelation).toBeLessThan(0.5);
      for (const s of grad.steps) expect(s.perRow.length).toBe(16);
      const constant = await parameterRandomisation(m, x, inputAsExplanation, { seed: 1, absolute });
      for (const s of constant.steps) expect(s.meanCorrelation).toBeCloseTo(1, 12);
    }
  });

  it('is seeded, leaves the model untouched, and randomises one layer at a time when not cascading', async () => {
    const m = model();
    const x = rows();
    const before = (await saliency(m, x, { target: 0 })).values;
    const a = await parameterRandomisation(m, x, saliency, { seed: 3, target: 0 });
    const b = await parameterRandomisation(m, x, saliency, { seed: 3, target: 0 });
    expect(a.steps.map((s) => s.meanCorrelation)).toEqual(b.steps.map((s) => s.meanCorrelation));
    expect((await saliency(m, x, { target: 0 })).values).toEqual(before);
    const single = await parameterRandomisation(m, x, saliency, { seed: 3, target: 0, cascading: false, layers: ['fc1'] });
    expect(single.steps.length).toBe(1);
    expect(single.steps[0]!.randomised).toEqual(['fc1']);
    const original: Attribution = single.original;
    expect(Array.from(original.targets)).toEqual(new Array(16).fill(0));
  });
});
