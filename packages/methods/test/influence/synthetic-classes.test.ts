/**
 * A trained MLP on data where class A is driven by features {1, 2} and class
 * B by {3, 4}: the class-wide distributional influence ranks each class's
 * drivers first, and the comparative quantity A - B separates them by sign.
 */
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend, type Tensor } from '@relevance/core-wasm';
import { distributionalInfluence, mlp, train, type Model } from '../../src/index.js';
import { topByMagnitude, twoDriverClasses, type LabelledData } from './helpers.js';

describe('per-class influence on a trained classifier', () => {
  let be: Backend;
  let model: Model;
  let x: Tensor;
  let data: LabelledData;

  beforeAll(async () => {
    be = await createBackend('reference');
    data = twoDriverClasses(1500, 7);
    model = mlp(be, { inputs: data.features, hidden: [16], outputs: 3, seed: 1 });
    await train(model, { x: data.x, y: data.labels }, { seed: 2, epochs: 25, batchSize: 64, lr: 1e-2, validation: 0.2, earlyStopping: { patience: 5 } });
    x = be.tensor(data.x, [data.rows, data.features]);
  });

  afterAll(() => {
    x.dispose();
    model.dispose();
  });

  it('ranks the drivers of each class first', async () => {
    const labels = Array.from(data.labels);
    const influence = async (c: number): Promise<Float32Array> =>
      (await distributionalInfluence(model, x, { quantity: { kind: 'class', class: c }, distribution: { kind: 'class', labels, class: c } })).values;
    const a = await influence(0);
    const b = await influence(1);
    console.log(`class A influence: ${Array.from(a, (v) => v.toFixed(3)).join(' ')}`);
    console.log(`class B influence: ${Array.from(b, (v) => v.toFixed(3)).join(' ')}`);
    expect(topByMagnitude(a, 2).sort()).toEqual([1, 2]);
    expect(topByMagnitude(b, 2).sort()).toEqual([3, 4]);
    // the drivers raise their own class's score
    for (const j of [1, 2]) expect(a[j]).toBeGreaterThan(0);
    for (const j of [3, 4]) expect(b[j]).toBeGreaterThan(0);
  });

  it('comparative influence A - B is positive on A drivers and negative on B drivers', async () => {
    const rows = Array.from(data.labels).flatMap((l, r) => (l === 0 || l === 1 ? [r] : []));
    const ab = (await distributionalInfluence(model, x, { quantity: { kind: 'comparative', a: 0, b: 1 }, distribution: { kind: 'rows', rows } })).values;
    console.log(`A - B influence: ${Array.from(ab, (v) => v.toFixed(3)).join(' ')}`);
    const noise = Math.max(...[0, 5, 6, 7].map((j) => Math.abs(ab[j]!)));
    for (const j of [1, 2]) expect(ab[j]).toBeGreaterThan(Math.max(noise, 0));
    for (const j of [3, 4]) expect(ab[j]).toBeLessThan(-noise);
  });
});
