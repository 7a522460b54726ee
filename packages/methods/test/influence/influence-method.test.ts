/**
 * The `influence` attribution method (what `relevance explain --method
 * influence` runs): flat options map onto influenceAndAttribution, and options
 * that do not fit the distribution or the multiplier are errors naming them.
 */
import { describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import { checkInfluenceOptions, influence, influenceAndAttribution, methodEntry, parseQuantity } from '../../src/index.js';
import { randn, randomMlp } from './helpers.js';

const be = await createBackend('reference');

describe('influence as an attribution method', () => {
  it('maps its flat options onto influenceAndAttribution, bit for bit', async () => {
    const model = randomMlp(be, [5, 8, 6, 3], 'ReLU', 21);
    const x = randn(be, [7, 5], 4);
    const plain = await influence(model, x);
    const both = await influenceAndAttribution(model, x, {});
    expect(plain.method).toBe('influence');
    expect(Array.from(plain.values)).toEqual(Array.from(both.influence.values));
    expect(Array.from(plain.targets)).toEqual(Array.from(both.influence.targets));
    expect(plain.layer).toBeUndefined();

    const mult = await influence(model, x, { slice: 'act1', qoi: 'comparative:0,2', doi: 'linear', steps: 6, integration: 'uniform-endpoints', activationBaseline: 'zero', multiplyActivation: true });
    const ref = await influenceAndAttribution(model, x, { slice: 'act1', quantity: { kind: 'comparative', a: 0, b: 2 }, distribution: { kind: 'linear-path', steps: 6, integration: 'uniform-endpoints' }, activationBaseline: 'zero' });
    expect(mult.shape).toEqual([7, 8]);
    expect(mult.layer).toBe('act1');
    expect(Array.from(mult.values)).toEqual(Array.from(ref.attribution.values));
    expect(Array.from(mult.targets)).toEqual(new Array(7).fill(-1));
    expect(mult.params).toMatchObject({ qoi: 'comparative:0,2', doi: 'linear', multiplyActivation: true, activationBaseline: 'zero' });

    const gauss = await influence(model, x, { qoi: 'class:1', doi: 'gaussian', stdev: 0.3, samples: 9, seed: 5 });
    const gref = await influenceAndAttribution(model, x, { quantity: { kind: 'class', class: 1 }, distribution: { kind: 'gaussian', stdev: 0.3, samples: 9, seed: 5 } });
    expect(Array.from(gauss.values)).toEqual(Array.from(gref.influence.values));
    x.dispose();
    model.dispose();
  });

  it("takes the evaluation runner's target as the quantity when no qoi is given", async () => {
    const model = randomMlp(be, [4, 6, 3], 'Tanh', 2);
    const x = randn(be, [5, 4], 8);
    const byTarget = await influence(model, x, { target: 2 });
    const byQoi = await influence(model, x, { qoi: 'class:2' });
    expect(Array.from(byTarget.values)).toEqual(Array.from(byQoi.values));
    expect(Array.from(byTarget.targets)).toEqual([2, 2, 2, 2, 2]);
    const argmax = await influence(model, x, { target: 'argmax' });
    expect(Array.from(argmax.values)).toEqual(Array.from((await influence(model, x, { qoi: 'predicted' })).values));
    // a seed without a Gaussian distribution is ignored by the API (the runner seeds every random method)
    expect(Array.from((await influence(model, x, { target: 2, seed: 9 })).values)).toEqual(Array.from(byTarget.values));
    await expect(influence(model, x, { qoi: 'class:1', target: 1 })).rejects.toThrow(/give the quantity once: qoi or target/);
    await expect(influence(model, x, { qoi: 'class:3' })).rejects.toThrow(/class 3 is out of range: the model has 3 outputs \(0 to 2\)/);
    x.dispose();
    model.dispose();
  });

  it('max-class equals predicted at a point and differs along a path that crosses a decision boundary', async () => {
    const model = randomMlp(be, [4, 12, 3], 'ReLU', 5);
    const x = randn(be, [16, 4], 3, 2);
    const atInstance = await influence(model, x, { qoi: 'predicted' });
    const atPoint = await influence(model, x, { qoi: 'max-class' });
    expect(Array.from(atPoint.values)).toEqual(Array.from(atInstance.values));
    const pathInstance = await influence(model, x, { qoi: 'predicted', doi: 'linear', steps: 16 });
    const pathPoint = await influence(model, x, { qoi: 'max-class', doi: 'linear', steps: 16 });
    expect(Array.from(pathPoint.values)).not.toEqual(Array.from(pathInstance.values));
    await expect(influenceAndAttribution(model, x, { quantity: { kind: 'predicted', at: 'sample' as 'point' } })).rejects.toThrow(/'instance' or at each 'point', got 'sample'/);
    x.dispose();
    model.dispose();
  });

  it('rejects options that do not fit, naming them', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ steps: 5 }, /steps applies only to doi linear \(the distribution is point\)/],
      [{ doi: 'gaussian', stdev: 1, integration: 'trapezoid' }, /integration applies only to doi linear/],
      [{ doi: 'linear', samples: 5 }, /samples applies only to doi gaussian/],
      [{ doi: 'gaussian' }, /doi gaussian needs stdev/],
      [{ activationBaseline: 'zero' }, /activationBaseline applies only with multiplyActivation/],
      [{ baseline: 'zero' }, /baseline applies only to doi linear or with multiplyActivation/],
      [{ doi: 'curved' }, /doi must be point, linear or gaussian, got 'curved'/],
      [{ multiplyActivation: true, activationBaseline: 'h0' }, /activationBaseline must be baseline-input or zero/],
      [{ window: [2] }, /option 'window' does not apply/],
    ];
    for (const [options, message] of cases) expect(() => checkInfluenceOptions(options), JSON.stringify(options)).toThrow(message);
    expect(() => checkInfluenceOptions({ seed: 3 })).not.toThrow();
    expect(() => checkInfluenceOptions({ seed: 3 }, { spell: (k) => `--${k}`, strictSeed: true })).toThrow(/--seed applies only to --doi gaussian/);
    expect(() => checkInfluenceOptions({ doi: 'linear', baseline: 0.5 })).not.toThrow();
    expect(() => checkInfluenceOptions({ baseline: 0.5, multiplyActivation: true, activationBaseline: 'zero' })).not.toThrow();
  });

  it('parses quantities as the CLI spells them', () => {
    expect(parseQuantity('class:2')).toEqual({ kind: 'class', class: 2 });
    expect(parseQuantity(' comparative:0, 2 ')).toEqual({ kind: 'comparative', a: 0, b: 2 });
    expect(parseQuantity('predicted')).toEqual({ kind: 'predicted' });
    expect(parseQuantity('max-class')).toEqual({ kind: 'predicted', at: 'point' });
    expect(() => parseQuantity('class:x')).toThrow(/'x' is not a class index/);
    expect(() => parseQuantity('class:4', 3)).toThrow(/class 4 is out of range: the model has 3 outputs/);
    expect(() => parseQuantity('comparative:1')).toThrow(/comparative:<a>,<b> \(two classes\)/);
    expect(() => parseQuantity('comparative:1,1')).toThrow(/two different classes/);
    expect(() => parseQuantity('units')).toThrow(/'units' is not a quantity/);
  });

  it('is in the method registry with its options', () => {
    const e = methodEntry('influence');
    expect(e.family).toBe('influence');
    expect(e.options).toEqual(expect.arrayContaining(['slice', 'qoi', 'doi', 'steps', 'integration', 'baseline', 'activationBaseline', 'multiplyActivation', 'stdev', 'samples', 'seed']));
    expect(e.random).toBe(true);
  });
});
