/**
 * WSquare rule (Montavon et al. 2017): relevance by squared weights, inputs
 * ignored: den = Σ_i w_ji² + b_j² (the bias squared is included, as Zennit
 * 0.5.1 `WSquare` squares every parameter), R_in = (W²)ᵀ (R / stab(den)).
 * Meant for a first layer with unbounded inputs.
 */
import { biasOf, DEFAULT_STABILIZER, forwardWith, gradientWith, isWeightedLinear, nonNegative, ruleLabel, ruleNumber, withWeights, type LrpRule, type RuleDefinition, type RuleParameters } from './rule.js';

export function wsquareRule(options: RuleParameters = {}): LrpRule {
  const stabilizer = ruleNumber('wsquare', 'stabilizer', options.stabilizer, DEFAULT_STABILIZER, nonNegative);
  const params = { stabilizer };
  return {
    name: 'wsquare',
    params,
    label: ruleLabel('WSquare', params),
    zeroForZeroInput: false,
    appliesTo: isWeightedLinear,
    backward(ctx) {
      const { be } = ctx;
      const x = ctx.inputs[0]!;
      const b = biasOf(ctx);
      return be.scope(() => {
        const ones = be.ones(x.shape);
        const squared = withWeights(ctx.node.params, be.square(ctx.node.params.weight!), b ? be.square(b) : null);
        const s = be.stabilizedDivide(ctx.gradOutputs[0]!, forwardWith(ctx, ones, squared), stabilizer);
        return [gradientWith(ctx, s, ones, squared)];
      });
    },
  };
}

export const wsquare: RuleDefinition = {
  name: 'wsquare',
  summary: 'squared weights, inputs ignored (first layer, unbounded inputs)',
  appliesToDescription: 'Dense and Conv2d layers',
  parameters: ['stabilizer'],
  create: wsquareRule,
};
