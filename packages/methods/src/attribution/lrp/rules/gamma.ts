/**
 * Generalised Gamma rule (Montavon et al. 2019; Andéol et al. 2021), which
 * also handles negative inputs. With W↑ = W + γW⁺ and W↓ = W + γW⁻ (likewise
 * b↑, b↓), the sign of the unmodified z = Wx + b picks the branch:
 *   z > 0: den = W↑x⁺ + W↓x⁻ + b↑, R_in = x⁺ ⊙ W↑ᵀ s + x⁻ ⊙ W↓ᵀ s
 *   z < 0: den = W↓x⁺ + W↑x⁻ + b↓, R_in = x⁺ ⊙ W↓ᵀ s + x⁻ ⊙ W↑ᵀ s
 * with s = R / stab(den); units with z == 0 pass no relevance (Zennit 0.5.1 `Gamma`).
 * For non-negative inputs this is the textbook (W + γW⁺) rule.
 */
import { biasOf, DEFAULT_STABILIZER, forwardWith, gradientWith, isWeightedLinear, nonNegative, ruleLabel, ruleNumber, withWeights, type LrpRule, type RuleDefinition, type RuleParameters } from './rule.js';

export function gammaRule(options: RuleParameters = {}): LrpRule {
  const gamma = ruleNumber('gamma', 'gamma', options.gamma, 0.25, nonNegative);
  const stabilizer = ruleNumber('gamma', 'stabilizer', options.stabilizer, DEFAULT_STABILIZER, nonNegative);
  const params = { gamma, stabilizer };
  return {
    name: 'gamma',
    params,
    label: ruleLabel('Gamma', params),
    zeroForZeroInput: true,
    appliesTo: isWeightedLinear,
    backward(ctx) {
      const { be } = ctx;
      const x = ctx.inputs[0]!;
      const w = ctx.node.params.weight!;
      const b = biasOf(ctx);
      const r = ctx.gradOutputs[0]!;
      const z = ctx.outputs[0]!;
      return be.scope(() => {
        const xPos = be.positive(x);
        const xNeg = be.negative(x);
        const boost = (t: typeof w, part: 'positive' | 'negative') => be.add(t, be.scale(part === 'positive' ? be.positive(t) : be.negative(t), gamma));
        const wUp = boost(w, 'positive');
        const wDown = boost(w, 'negative');
        const upWithBias = withWeights(ctx.node.params, wUp, b ? boost(b, 'positive') : null);
        const downWithBias = withWeights(ctx.node.params, wDown, b ? boost(b, 'negative') : null);
        const upNoBias = withWeights(ctx.node.params, wUp, null);
        const downNoBias = withWeights(ctx.node.params, wDown, null);
        const zero = be.zeros([1]);
        // z > 0 branch
        const posDen = be.add(forwardWith(ctx, xPos, upWithBias), forwardWith(ctx, xNeg, downNoBias));
        const sPos = be.mul(be.greater(z, zero), be.stabilizedDivide(r, posDen, stabilizer));
        // z < 0 branch
        const negDen = be.add(forwardWith(ctx, xPos, downWithBias), forwardWith(ctx, xNeg, upNoBias));
        const sNeg = be.mul(be.greater(zero, z), be.stabilizedDivide(r, negDen, stabilizer));
        // gradients are linear in s: the two branches share each (input part, weight) pair
        const fromPositiveInputs = be.add(gradientWith(ctx, sPos, xPos, upWithBias), gradientWith(ctx, sNeg, xPos, downWithBias));
        const fromNegativeInputs = be.add(gradientWith(ctx, sPos, xNeg, downNoBias), gradientWith(ctx, sNeg, xNeg, upNoBias));
        return [be.add(be.mul(xPos, fromPositiveInputs), be.mul(xNeg, fromNegativeInputs))];
      });
    },
  };
}

export const gamma: RuleDefinition = {
  name: 'gamma',
  summary: 'favours positive contributions: W + gamma * W+ (generalised to negative inputs)',
  appliesToDescription: 'Dense and Conv2d layers',
  parameters: ['gamma', 'stabilizer'],
  create: gammaRule,
};
