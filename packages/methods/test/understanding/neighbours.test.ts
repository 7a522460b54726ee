/** Nearest neighbours in a layer's feature space. */
import { describe, expect, it } from 'vitest';
import { Generator } from '@relevance/core-wasm';
import { referenceBackendForFile } from '../helpers/backends.js';
import { mlp } from '../../src/index.js';
import { layerFeatures, neighbours } from '../../src/understanding/index.js';

const be = await referenceBackendForFile();

function brute(features: Float32Array, width: number, query: Float32Array, metric: 'euclidean' | 'cosine'): number[] {
  const n = features.length / width;
  return Array.from({ length: n }, (_, j) => {
    let d = 0, qq = 0, xx = 0, qx = 0;
    for (let c = 0; c < width; c++) {
      const a = query[c]!;
      const b = features[j * width + c]!;
      d += (a - b) ** 2;
      qq += a * a;
      xx += b * b;
      qx += a * b;
    }
    return metric === 'euclidean' ? Math.sqrt(d) : 1 - qx / Math.sqrt(qq * xx);
  });
}

describe('neighbours', () => {
  const model = () => mlp(be, { inputs: 5, hidden: [7], outputs: 3, seed: 2 });
  const g = new Generator(3);
  const values = Float32Array.from({ length: 40 * 5 }, () => g.normal());

  for (const metric of ['euclidean', 'cosine'] as const) {
    it(`${metric}: matches brute force in the fc1 feature space, leaving the query row out`, async () => {
      const m = model();
      const x = be.tensor(values, [40, 5]);
      const r = await neighbours(m, 'fc1', x, 7, { k: 4, metric, batchSize: 16 });
      const f = await layerFeatures(m, 'fc1', x);
      const d = brute(f.values, f.width, f.values.subarray(7 * f.width, 8 * f.width), metric);
      const expected = d.map((v, j) => [v, j] as const).filter(([, j]) => j !== 7).sort((a, b) => a[0] - b[0]).slice(0, 4);
      expect(Array.from(r.indices)).toEqual(expected.map(([, j]) => j));
      expected.forEach(([v], t) => expect(r.distances[t]).toBeCloseTo(v, 3));
      expect(r.queryRows[0]).toBe(7);
    });
  }

  it('external query rows and the raw input space', async () => {
    const m = model();
    const x = be.tensor(values, [40, 5]);
    const q = be.tensor(values.slice(3 * 5, 5 * 5), [2, 5]);
    const r = await neighbours(m, 'input', x, q, { k: 1 });
    // a query equal to a data-set row finds it at distance ~0
    expect(Array.from(r.indices)).toEqual([3, 4]);
    expect(r.distances[0]).toBeLessThan(1e-3);
    expect(Array.from(r.queryRows)).toEqual([-1, -1]);
    await expect(neighbours(m, 'fc1', x, 40)).rejects.toThrow(/query row 40 is not a row/);
    await expect(neighbours(m, 'nope', x, 0)).rejects.toThrow(/no layer named 'nope'/);
  });
});
