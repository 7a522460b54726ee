/**
 * Every Zennit 0.5.1 LRP fixture (mlp/ and cnn/), with the composite or rules
 * its metadata records, to 1e-4 relative to the largest |value|; and the
 * reported conservation numbers against the fixture's row sums.
 */
import { describe, expect, it } from 'vitest';
import { lrp } from '../../../src/index.js';
import { FIXTURE_OPTIONS, lrpBackends } from './fixture-options.js';
import { fixtureInputTensor, fixtureModel, fixturesAvailable, whyFixtureTestsSkip, fixtureTargets, readFixture, relativeToMax, type ArrayJson } from '../../helpers/fixtures.js';

interface LrpFixture {
  attribution: ArrayJson;
  row_sums: ArrayJson;
  rules_per_layer: Array<{ module: string; rule: string }>;
}

/** The rule names our labels start with, for the fixture's Zennit names. */
const ZENNIT_RULE = (s: string): string => s.replace(/\(.*$/, '').replace(/ .*$/, '');

const BACKENDS = fixturesAvailable ? await lrpBackends() : [];

describe.skipIf(!fixturesAvailable)('LRP matches the Zennit 0.5.1 fixtures', () => {
  whyFixtureTestsSkip("the Zennit 0.5.1 LRP fixtures");
  for (const [backendName, be] of BACKENDS) {
    for (const modelName of ['mlp', 'cnn'] as const) {
      for (const [file, options] of Object.entries(FIXTURE_OPTIONS[modelName])) {
        it(`${backendName} ${modelName}/${file}.json to 1e-4 of max |R|, rules and row sums as recorded`, async () => {
          const fixture = readFixture<LrpFixture>(modelName, `${file}.json`);
          const model = fixtureModel(be, modelName);
          const x = fixtureInputTensor(be, modelName);
          try {
            const result = await lrp(model, x, { ...options, target: fixtureTargets(modelName) });
            expect(result.shape).toEqual(fixture.attribution.shape);
            const err = relativeToMax(result.values, fixture.attribution.data);
            console.log(`[lrp fixture] ${backendName} ${modelName}/${file}: relative error ${err.toExponential(2)}`);
            expect(err).toBeLessThanOrEqual(1e-4);
            // the rule per layer the fixture recorded
            const labels = result.params.rules as Record<string, string>;
            for (const layer of fixture.rules_per_layer) {
              const expectedRule = ZENNIT_RULE(layer.rule);
              const ours = labels[layer.module]!;
              if (expectedRule === 'none:') expect(ours).toBe('gradient');
              else expect(ours.replace(/\(.*$/, '')).toBe(expectedRule);
            }
            // reported conservation: sums equal the fixture's row sums, errors = sums - logit
            const sums = fixture.row_sums.data;
            const c = result.completeness!;
            expect(relativeToMax(c.sums, sums)).toBeLessThanOrEqual(1e-4);
            const logits = readFixture<{ logits_float64: ArrayJson }>(modelName, 'logits.json').logits_float64;
            const width = logits.shape[1]!;
            const expectedError = sums.map((s, r) => s - logits.data[r * width + fixtureTargets(modelName)[r]!]!);
            expect(relativeToMax(c.error, expectedError)).toBeLessThanOrEqual(1e-4);
          } finally {
            x.dispose();
            model.dispose();
          }
        });
      }
    }
  }
});
