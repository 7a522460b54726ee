/**
 * Epsilon rule (LRP-ε; ε = 0 is LRP-0): R_in = x ⊙ Wᵀ (R / (z + ε·sign(z))),
 * z = Wx + b. The bias is in the denominator, so the bias share of the
 * relevance is dropped (Zennit 0.5.1 `Epsilon`).
 */
import { DEFAULT_EPSILON, gradientWith, isWeightedLinear, nonNegative, ruleLabel, ruleNumber, type LrpRule, type RuleDefinition, type RuleParameters } from './rule.js';

export function epsilonRule(options: RuleParameters = {}): LrpRule {
  const epsilon = ruleNumber('epsilon', 'epsilon', options.epsilon, DEFAULT_EPSILON, nonNegative);
  const params = { epsilon };
  return {
    name: 'epsilon',
    params,
    label: ruleLabel('Epsilon', params),
    zeroForZeroInput: true,
    appliesTo: isWeightedLinear,
    backward(ctx) {
      const { be } = ctx;
      const x = ctx.inputs[0]!;
      return be.scope(() => {
        // the node's own output is z = Wx + b: no forward needed
        const scaled = be.stabilizedDivide(ctx.gradOutputs[0]!, ctx.outputs[0]!, epsilon);
        return [be.mul(x, gradientWith(ctx, scaled, x, ctx.node.params))];
      });
    },
  };
}

export const epsilon: RuleDefinition = {
  name: 'epsilon',
  summary: 'R_in = x * W^T (R / stab(Wx + b)); epsilon is the stabiliser (0 gives LRP-0)',
  appliesToDescription: 'Dense and Conv2d layers',
  parameters: ['epsilon'],
  create: epsilonRule,
};
