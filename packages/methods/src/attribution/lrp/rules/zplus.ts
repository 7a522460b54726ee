/**
 * ZPlus rule (= AlphaBeta with alpha 1, beta 0, negative inputs allowed):
 * den = W⁺x⁺ + W⁻x⁻ + b⁺; R_in = x⁺ ⊙ W⁺ᵀ s + x⁻ ⊙ W⁻ᵀ s, s = R / stab(den).
 * Only positive contributions (and the positive bias) count (Zennit 0.5.1 `ZPlus`).
 */
import { biasOf, DEFAULT_STABILIZER, forwardWith, gradientWith, isWeightedLinear, nonNegative, ruleLabel, ruleNumber, withWeights, type LrpRule, type RuleDefinition, type RuleParameters } from './rule.js';

export function zplusRule(options: RuleParameters = {}): LrpRule {
  const stabilizer = ruleNumber('zplus', 'stabilizer', options.stabilizer, DEFAULT_STABILIZER, nonNegative);
  const params = { stabilizer };
  return {
    name: 'zplus',
    params,
    label: ruleLabel('ZPlus', params),
    zeroForZeroInput: true,
    appliesTo: isWeightedLinear,
    backward(ctx) {
      const { be } = ctx;
      const x = ctx.inputs[0]!;
      const w = ctx.node.params.weight!;
      const b = biasOf(ctx);
      return be.scope(() => {
        const xPos = be.positive(x);
        const xNeg = be.negative(x);
        const positiveParams = withWeights(ctx.node.params, be.positive(w), b ? be.positive(b) : null);
        const negativeParams = withWeights(ctx.node.params, be.negative(w), null);
        const den = be.add(forwardWith(ctx, xPos, positiveParams), forwardWith(ctx, xNeg, negativeParams));
        const s = be.stabilizedDivide(ctx.gradOutputs[0]!, den, stabilizer);
        return [be.add(be.mul(xPos, gradientWith(ctx, s, xPos, positiveParams)), be.mul(xNeg, gradientWith(ctx, s, xNeg, negativeParams)))];
      });
    },
  };
}

export const zplus: RuleDefinition = {
  name: 'zplus',
  summary: 'positive contributions only: den = W+x+ + W-x- + b+',
  appliesToDescription: 'Dense and Conv2d layers',
  parameters: ['stabilizer'],
  create: zplusRule,
};
