/** Composites as data, per-layer rule maps, canonization and the errors of lrp's options. */
import { describe, expect, it } from 'vitest';
import { createBackend, Generator } from '@relevance/core-wasm';
import { COMPOSITES, lrp, parseLayerRules, sequential, type Composite } from '../../../src/index.js';
import { randomInputs, randomMlp, relDiff } from './helpers.js';

const be = await createBackend('reference');

/** conv1 -> relu -> pool(avg) -> conv2 -> relu -> flatten -> fc1 -> relu -> fc2 */
function smallCnn(seed = 3) {
  const g = new Generator(seed);
  return sequential(be, [-1, 1, 6, 6], [
    { type: 'Conv2d', name: 'conv1', attrs: { padding: [1, 1, 1, 1] }, params: { weight: be.randomNormal([2, 1, 3, 3], g, 0, 0.5), bias: be.randomNormal([2], g, 0, 0.1) } },
    { type: 'ReLU', name: 'relu1' },
    { type: 'AvgPool2d', name: 'pool', attrs: { kernel: [2, 2] } },
    { type: 'Conv2d', name: 'conv2', params: { weight: be.randomNormal([3, 2, 2, 2], g, 0, 0.5), bias: be.randomNormal([3], g, 0, 0.1) } },
    { type: 'ReLU', name: 'relu2' },
    { type: 'Flatten', name: 'flatten' },
    { type: 'Dense', name: 'fc1', params: { weight: be.randomNormal([5, 12], g, 0, 0.4), bias: be.randomNormal([5], g, 0, 0.1) } },
    { type: 'ReLU', name: 'relu3' },
    { type: 'Dense', name: 'fc2', params: { weight: be.randomNormal([4, 5], g, 0, 0.4) } },
  ]);
}

const rulesOf = async (model: ReturnType<typeof smallCnn>, options: Parameters<typeof lrp>[2]) => {
  const x = randomInputs(be, [2, ...model.inputs[0]!.shape.slice(1)]);
  const r = await lrp(model, x, { target: 0, ...options });
  x.dispose();
  return Object.fromEntries(Object.entries(r.params.rules as Record<string, string>).map(([k, v]) => [k, v.replace(/\(.*$/, '')]));
};

describe('stock composites follow Zennit 0.5.1 layer-type semantics', () => {
  const cnn = smallCnn();
  const base = { relu1: 'Pass', pool: 'Norm', relu2: 'Pass', flatten: 'gradient', relu3: 'Pass' };
  it('epsilon-plus-flat: Flat on the first Dense/Conv2d, ZPlus on other Conv2d, Epsilon on Dense', async () => {
    expect(await rulesOf(cnn, { composite: 'epsilon-plus-flat' })).toEqual({ ...base, conv1: 'Flat', conv2: 'ZPlus', fc1: 'Epsilon', fc2: 'Epsilon' });
  });
  it('epsilon-gamma-box: ZBox on the first Conv2d, Gamma on other Conv2d, Epsilon on Dense', async () => {
    expect(await rulesOf(cnn, { composite: 'epsilon-gamma-box', low: -3, high: 3 })).toEqual({ ...base, conv1: 'ZBox', conv2: 'Gamma', fc1: 'Epsilon', fc2: 'Epsilon' });
  });
  it('epsilon-plus and epsilon-alpha2-beta1', async () => {
    expect(await rulesOf(cnn, { composite: 'epsilon-plus' })).toEqual({ ...base, conv1: 'ZPlus', conv2: 'ZPlus', fc1: 'Epsilon', fc2: 'Epsilon' });
    const ab = await lrp(cnn, randomInputs(be, [1, 1, 6, 6]), { target: 0, composite: 'epsilon-alpha2-beta1' });
    expect((ab.params.rules as Record<string, string>).conv1).toBe('AlphaBeta(alpha=2, beta=1, stabilizer=1e-6)');
  });
  it('on an MLP: epsilon-gamma-box is Epsilon everywhere; epsilon-plus-flat is Flat + Epsilon', async () => {
    const mlp = randomMlp(be, [4, 6, 3]);
    expect(await rulesOf(mlp, { composite: 'epsilon-gamma-box', low: -3, high: 3 })).toEqual({ fc1: 'Epsilon', act1: 'Pass', fc2: 'Epsilon' });
    expect(await rulesOf(mlp, { composite: 'epsilon-plus-flat' })).toEqual({ fc1: 'Flat', act1: 'Pass', fc2: 'Epsilon' });
    expect(await rulesOf(mlp, {})).toEqual({ fc1: 'Flat', act1: 'Pass', fc2: 'Epsilon' }); // the default composite
  });
  it('a rule everywhere (rule option) includes the output layer', async () => {
    expect(await rulesOf(cnn, { rule: 'gamma' })).toEqual({ ...base, conv1: 'Gamma', conv2: 'Gamma', fc1: 'Gamma', fc2: 'Gamma' });
  });
  it('per-layer rules override a composite, by object or CLI text', async () => {
    expect(await rulesOf(cnn, { composite: 'epsilon-plus', layerRules: 'conv1=wsquare, fc2=zplus' })).toEqual({ ...base, conv1: 'WSquare', conv2: 'ZPlus', fc1: 'Epsilon', fc2: 'ZPlus' });
    expect(parseLayerRules('fc1=zbox,fc2=gamma;fc3=epsilon')).toEqual({ fc1: 'zbox', fc2: 'gamma', fc3: 'epsilon' });
  });
  it('a custom composite is plain data', async () => {
    const custom: Composite = {
      name: 'mine',
      description: 'zplus on the last Dense by name, epsilon elsewhere',
      entries: [{ match: { names: ['fc2'] }, rule: 'zplus' }, { match: { kind: 'activation' }, rule: 'pass' }, { match: { kind: 'avgpool' }, rule: 'norm' }, { match: { kind: 'linear' }, rule: 'epsilon', params: { epsilon: 0.1 } }],
    };
    const r = await lrp(cnn, randomInputs(be, [1, 1, 6, 6]), { target: 0, composite: custom });
    expect(r.params.rules).toMatchObject({ conv1: 'Epsilon(epsilon=0.1)', fc2: 'ZPlus(stabilizer=1e-6)', pool: 'Norm(stabilizer=1e-6)' });
    expect([...COMPOSITES.keys()]).toEqual(['epsilon-plus', 'epsilon-plus-flat', 'epsilon-gamma-box', 'epsilon-alpha2-beta1', 'epsilon-alpha2-beta1-flat', 'attnlrp', 'cp-lrp']);
  });
});

describe('lrp errors name the problem and the valid choices', () => {
  const cnn = smallCnn();
  const x = randomInputs(be, [1, 1, 6, 6]);
  it('unknown rule, composite or layer', async () => {
    await expect(lrp(cnn, x, { rule: 'epsilonn' })).rejects.toThrow(/unknown LRP rule 'epsilonn'; rules: epsilon, zplus, alpha-beta, gamma, zbox, wsquare, flat, pass, norm/);
    await expect(lrp(cnn, x, { composite: 'epsilon-plus-flatt' })).rejects.toThrow(/unknown LRP composite 'epsilon-plus-flatt'; composites: epsilon-plus, epsilon-plus-flat/);
    await expect(lrp(cnn, x, { rule: 'epsilon', layerRules: { conv9: 'zplus' } })).rejects.toThrow(/no layer named 'conv9'; layers: conv1 \(Conv2d\), relu1 \(ReLU\)/);
    await expect(lrp(cnn, x, { rule: 'epsilon', layerRules: 'conv1=zplux' })).rejects.toThrow(/unknown LRP rule 'zplux'/);
    expect(() => parseLayerRules('conv1')).toThrow(/not LAYER=RULE/);
  });
  it('rules that do not fit their layer, missing or invalid parameters, conflicting options', async () => {
    await expect(lrp(cnn, x, { rule: 'epsilon', layerRules: { relu1: 'epsilon' } })).rejects.toThrow(/'epsilon' does not apply to layer 'relu1' \(ReLU\); it applies to Dense and Conv2d layers/);
    await expect(lrp(cnn, x, { composite: 'epsilon-gamma-box' })).rejects.toThrow(/'zbox' needs 'low' and 'high'.*layer 'conv1'/);
    await expect(lrp(cnn, x, { rule: 'alpha-beta', alpha: 3, beta: 1 })).rejects.toThrow(/alpha - beta must be 1/);
    await expect(lrp(cnn, x, { composite: 'epsilon-plus', rule: 'epsilon' })).rejects.toThrow(/either 'composite' or 'rule'/);
    await expect(lrp(cnn, x, { composite: 'epsilon-alpha2-beta1', alpha: 3, beta: 2 })).rejects.toThrow(/fixes alpha=2/);
    await expect(lrp(cnn, x, { rule: 'pass' })).rejects.toThrow(/not a rule for Dense\/Conv2d layers/);
    await expect(lrp(cnn, x, { rule: 'epsilon', epsilom: 1 } as never)).rejects.toThrow(/option 'epsilom' does not apply/);
  });
  it('layer rules alone must cover every Dense/Conv2d layer', async () => {
    await expect(lrp(cnn, x, { layerRules: { conv1: 'zplus', conv2: 'zplus' } })).rejects.toThrow(/leave fc1, fc2 without a rule/);
  });
});

describe('lrp conventions', () => {
  it('canonizes BatchNorm first: same relevance as the hand-merged model, merged layers reported', async () => {
    const g = new Generator(9);
    const [w, b] = [be.randomNormal([4, 3], g), be.randomNormal([4], g)];
    const bn = { scale: be.randomUniform([4], g, 0.5, 1.5), bias: be.randomNormal([4], g), mean: be.randomNormal([4], g), var: be.randomUniform([4], g, 0.5, 2) };
    const w2 = be.randomNormal([2, 4], g);
    const withBn = sequential(be, [-1, 3], [
      { type: 'Dense', name: 'fc1', params: { weight: be.clone(w), bias: be.clone(b) } },
      { type: 'BatchNorm', name: 'bn', attrs: { epsilon: 1e-5 }, params: { scale: be.clone(bn.scale), bias: be.clone(bn.bias), mean: be.clone(bn.mean), var: be.clone(bn.var) } },
      { type: 'ReLU', name: 'relu' },
      { type: 'Dense', name: 'fc2', params: { weight: be.clone(w2) } },
    ]);
    // by hand: W' = a W, b' = a b + (beta - mean a), a = scale / sqrt(var + eps)
    const a = be.scope(() => be.mul(bn.scale, be.reciprocal(be.sqrt(be.affine(bn.var, 1, 1e-5)))));
    const merged = sequential(be, [-1, 3], [
      { type: 'Dense', name: 'fc1', params: { weight: be.mul(w, be.reshape(a, [4, 1])), bias: be.scope(() => be.add(be.mul(b, a), be.sub(bn.bias, be.mul(bn.mean, a)))) } },
      { type: 'ReLU', name: 'relu' },
      { type: 'Dense', name: 'fc2', params: { weight: be.clone(w2) } },
    ]);
    const x = randomInputs(be, [5, 3]);
    const r1 = await lrp(withBn, x, { rule: 'epsilon', target: 1 });
    const r2 = await lrp(merged, x, { rule: 'epsilon', target: 1 });
    expect(relDiff(r1.values, r2.values)).toBeLessThan(1e-5);
    expect(r1.params.mergedBatchNorm).toEqual({ bn: 'fc1' });
    await expect(lrp(withBn, x, { rule: 'epsilon', layerRules: { bn: 'zplus' } })).rejects.toThrow(/'bn' \(BatchNorm\) was merged into 'fc1'/);
  });

  it("outputRelevance 'one' is the logit-seeded relevance divided by the logit; batchSize does not change results", async () => {
    const mlp = randomMlp(be, [6, 8, 8, 3], 4);
    const x = randomInputs(be, [7, 6], 5);
    const fromLogit = await lrp(mlp, x, { composite: 'epsilon-plus-flat', target: 2 });
    const fromOne = await lrp(mlp, x, { composite: 'epsilon-plus-flat', target: 2, outputRelevance: 'one', batchSize: 3 });
    const scaled = fromLogit.values.map((v, i) => v / fromLogit.completeness!.expected[Math.floor(i / 6)]!);
    expect(relDiff(fromOne.values, scaled)).toBeLessThan(1e-5);
    expect(Array.from(fromOne.completeness!.expected)).toEqual(new Array(7).fill(1));
    const batched = await lrp(mlp, x, { composite: 'epsilon-plus-flat', target: 2, batchSize: 2 });
    expect(relDiff(batched.values, fromLogit.values)).toBeLessThan(1e-6);
    expect(fromLogit.method).toBe('lrp');
    expect(fromLogit.params).toMatchObject({ composite: 'epsilon-plus-flat', epsilon: 1e-6, stabilizer: 1e-6, outputRelevance: 'logit', canonize: true });
  });
});
