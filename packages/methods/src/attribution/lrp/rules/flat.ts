/**
 * Flat rule (Lapuschkin et al. 2019): relevance spread evenly over each
 * output's receptive field: weights and inputs replaced by ones, bias zero,
 * so den = the number of inputs the output sees (zero padding counts 0) and
 * R_in = 1ᵀ (R / stab(den)) (Zennit 0.5.1 `Flat`). Meant for a first layer.
 */
import type { Tensor } from '@relevance/core-wasm';
import { DEFAULT_STABILIZER, forwardWith, gradientWith, isWeightedLinear, nonNegative, ruleLabel, ruleNumber, withWeights, type LrpRule, type RuleDefinition, type RuleParameters } from './rule.js';

export function flatRule(options: RuleParameters = {}): LrpRule {
  const stabilizer = ruleNumber('flat', 'stabilizer', options.stabilizer, DEFAULT_STABILIZER, nonNegative);
  const params = { stabilizer };
  return {
    name: 'flat',
    params,
    label: ruleLabel('Flat', params),
    zeroForZeroInput: false,
    readsWeightValues: false,
    appliesTo: isWeightedLinear,
    backward(ctx) {
      const { be } = ctx;
      const x = ctx.inputs[0]!;
      const r = ctx.gradOutputs[0]!;
      const weight = ctx.node.params.weight!;
      return be.scope(() => {
        if (weight.rank === 2 && x.rank === 2) {
          // fully connected: every output sees all n inputs, so each input gets
          // sum_j R_j / stab(n); no products with a matrix of ones needed
          const n = x.shape[1]!;
          const share: Tensor = be.stabilizedDivide(be.sum(r, 1, true), be.full([1, 1], n), stabilizer);
          return [be.expand(share, [r.shape[0]!, n])];
        }
        const ones = be.ones(x.shape);
        const flat = withWeights(ctx.node.params, be.ones(weight.shape), null);
        const s = be.stabilizedDivide(r, forwardWith(ctx, ones, flat), stabilizer);
        return [gradientWith(ctx, s, ones, flat)];
      });
    },
  };
}

export const flat: RuleDefinition = {
  name: 'flat',
  summary: 'uniform over the receptive field (first layer)',
  appliesToDescription: 'Dense and Conv2d layers',
  parameters: ['stabilizer'],
  create: flatRule,
};
