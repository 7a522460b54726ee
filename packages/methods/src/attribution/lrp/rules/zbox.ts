/**
 * ZBox rule (z^B, Montavon et al. 2017) for inputs bounded by [low, high]:
 * den = (Wx + b) − (W⁺l + b⁺) − (W⁻h + b⁻) (the bias terms cancel),
 * R_in = x ⊙ Wᵀs − l ⊙ W⁺ᵀs − h ⊙ W⁻ᵀs, s = R / stab(den) (Zennit 0.5.1 `ZBox`).
 * Meant for the first layer; inputs outside [low, high] break its guarantees.
 */
import { AttributionError } from '../../types.js';
import { biasOf, DEFAULT_STABILIZER, forwardWith, gradientWith, isWeightedLinear, nonNegative, ruleLabel, ruleNumber, withWeights, type LrpRule, type RuleDefinition, type RuleParameters } from './rule.js';

export function zboxRule(options: RuleParameters = {}): LrpRule {
  if (options.low === undefined || options.high === undefined) {
    throw new AttributionError("LRP rule 'zbox' needs 'low' and 'high', the lowest and highest possible input values (CLI: --low -3 --high 3)");
  }
  const low = ruleNumber('zbox', 'low', options.low, undefined);
  const high = ruleNumber('zbox', 'high', options.high, undefined);
  if (!(low < high)) throw new AttributionError(`LRP rule 'zbox': low must be below high, got low=${low}, high=${high}`);
  const stabilizer = ruleNumber('zbox', 'stabilizer', options.stabilizer, DEFAULT_STABILIZER, nonNegative);
  const params = { low, high, stabilizer };
  return {
    name: 'zbox',
    params,
    label: ruleLabel('ZBox', params),
    // the low/high terms give relevance to zero inputs too
    zeroForZeroInput: false,
    appliesTo: isWeightedLinear,
    backward(ctx) {
      const { be } = ctx;
      const x = ctx.inputs[0]!;
      const w = ctx.node.params.weight!;
      const b = biasOf(ctx);
      return be.scope(() => {
        const lows = be.full(x.shape, low);
        const highs = be.full(x.shape, high);
        const positiveParams = withWeights(ctx.node.params, be.positive(w), b ? be.positive(b) : null);
        const negativeParams = withWeights(ctx.node.params, be.negative(w), b ? be.negative(b) : null);
        const den = be.sub(be.sub(ctx.outputs[0]!, forwardWith(ctx, lows, positiveParams)), forwardWith(ctx, highs, negativeParams));
        const s = be.stabilizedDivide(ctx.gradOutputs[0]!, den, stabilizer);
        const fromInput = be.mul(x, gradientWith(ctx, s, x, ctx.node.params));
        const fromLow = be.mul(lows, gradientWith(ctx, s, lows, positiveParams));
        const fromHigh = be.mul(highs, gradientWith(ctx, s, highs, negativeParams));
        return [be.sub(be.sub(fromInput, fromLow), fromHigh)];
      });
    },
  };
}

export const zbox: RuleDefinition = {
  name: 'zbox',
  summary: 'for bounded inputs in [low, high] (first layer)',
  appliesToDescription: 'Dense and Conv2d layers',
  parameters: ['low', 'high', 'stabilizer'],
  create: zboxRule,
};
