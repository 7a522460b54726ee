import { describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import { fixtureInputs, fixtureModel, fixturesAvailable, readFixture, relativeToMax, type ArrayJson } from '../helpers/fixtures.js';

const be = await createBackend('reference');

describe.skipIf(!fixturesAvailable)('fixture models through weights.json', () => {
  for (const name of ['mlp', 'cnn'] as const) {
    it(`${name}: logits match logits.json (float32) to 1e-5 relative`, () => {
      const model = fixtureModel(be, name);
      const inp = fixtureInputs(name);
      const y = model.predict(be.tensor(Float32Array.from(inp.data), inp.shape)).readSync();
      const ref = readFixture<{ logits_float32: ArrayJson }>(name, 'logits.json').logits_float32.data;
      for (let i = 0; i < ref.length; i++) expect(Math.abs(y[i]! - ref[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1e-3, Math.abs(ref[i]!)) + 1e-6);
      expect(relativeToMax(y, ref)).toBeLessThan(1e-5);
    });
  }
});
