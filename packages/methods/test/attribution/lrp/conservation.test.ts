/**
 * Conservation: with every bias zeroed, sum(R_in) / logit lies in the
 * bias-free ranges the fixtures record (Zennit 0.5.1 on the same models,
 * conservation.json `bias_free_lrp_conservation`): about 1 - 1e-6 for every
 * rule (the stabiliser), above 1 for AlphaBeta(2, 1) on the CNN.
 */
import { describe, expect, it } from 'vitest';
import type { Tensor } from '@relevance/core-wasm';
import { lrp } from '../../../src/index.js';
import { FIXTURE_OPTIONS, lrpBackends } from './fixture-options.js';
import { fixtureInputTensor, fixtureModel, fixturesAvailable, whyFixtureTestsSkip, fixtureTargets, readFixture } from '../../helpers/fixtures.js';

interface Conservation {
  bias_free_lrp_conservation: Record<'mlp' | 'cnn', Record<string, { ratio_min: number; ratio_max: number }>>;
}

const BACKENDS = fixturesAvailable ? await lrpBackends() : [];
/** float32 row sums of a few hundred terms against float64 references. */
const SLACK = 3e-6;

describe.skipIf(!fixturesAvailable)('LRP conservation without biases', () => {
  whyFixtureTestsSkip("Zennit's conservation ranges (conservation.json)");
  const ranges = fixturesAvailable ? readFixture<Conservation>('mlp', '../conservation.json').bias_free_lrp_conservation : { mlp: {}, cnn: {} };
  for (const [backendName, be] of BACKENDS) {
    for (const modelName of ['mlp', 'cnn'] as const) {
      for (const [file, options] of Object.entries(FIXTURE_OPTIONS[modelName])) {
        it(`${backendName} ${modelName}/${file}: sum(R_in) / logit within Zennit's bias-free range`, async () => {
          const range = ranges[modelName][file]!;
          const model = fixtureModel(be, modelName);
          const zeros = new Map<string, Tensor>();
          for (const [name, t] of model.parameters()) if (name.endsWith('.bias')) zeros.set(name, be.zeros(t.shape));
          const biasFree = model.withParameters(zeros);
          const x = fixtureInputTensor(be, modelName);
          try {
            const result = await lrp(biasFree, x, { ...options, target: fixtureTargets(modelName) });
            const c = result.completeness!;
            const ratios = Array.from(c.sums, (s, r) => s / c.expected[r]!);
            const [lo, hi] = [Math.min(...ratios), Math.max(...ratios)];
            console.log(`[lrp conservation] ${backendName} ${modelName}/${file}: ratio ${lo.toFixed(7)} .. ${hi.toFixed(7)} (zennit ${range.ratio_min.toFixed(7)} .. ${range.ratio_max.toFixed(7)})`);
            expect(lo).toBeGreaterThanOrEqual(range.ratio_min - SLACK);
            expect(hi).toBeLessThanOrEqual(range.ratio_max + SLACK);
            // and the reported error is sum - logit
            for (let r = 0; r < ratios.length; r++) expect(c.error[r]).toBeCloseTo(c.sums[r]! - c.expected[r]!, 6);
          } finally {
            x.dispose();
            biasFree.dispose();
            model.dispose();
          }
        });
      }
    }
  }
});
