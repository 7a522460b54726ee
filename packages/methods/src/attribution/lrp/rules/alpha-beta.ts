/**
 * AlphaBeta rule: positive and negative contributions normalised separately,
 * R_in = α·(x⁺ ⊙ W⁺ᵀ sα + x⁻ ⊙ W⁻ᵀ sα) − β·(x⁺ ⊙ W⁻ᵀ sβ + x⁻ ⊙ W⁺ᵀ sβ),
 * sα = R / stab(W⁺x⁺ + W⁻x⁻ + b⁺), sβ = R / stab(W⁻x⁺ + W⁺x⁻ + b⁻).
 * As in Zennit 0.5.1 `AlphaBeta`, alpha, beta >= 0 and alpha - beta = 1.
 */
import { AttributionError } from '../../types.js';
import { biasOf, DEFAULT_STABILIZER, forwardWith, gradientWith, isWeightedLinear, nonNegative, ruleLabel, ruleNumber, withWeights, type LrpRule, type RuleDefinition, type RuleParameters } from './rule.js';

export function alphaBetaRule(options: RuleParameters = {}): LrpRule {
  const alpha = ruleNumber('alpha-beta', 'alpha', options.alpha, 2, nonNegative);
  const beta = ruleNumber('alpha-beta', 'beta', options.beta, 1, nonNegative);
  if (Math.abs(alpha - beta - 1) > 1e-9) throw new AttributionError(`LRP rule 'alpha-beta': alpha - beta must be 1 (so relevance is conserved), got alpha=${alpha}, beta=${beta}`);
  const stabilizer = ruleNumber('alpha-beta', 'stabilizer', options.stabilizer, DEFAULT_STABILIZER, nonNegative);
  const params = { alpha, beta, stabilizer };
  return {
    name: 'alpha-beta',
    params,
    label: ruleLabel('AlphaBeta', params),
    zeroForZeroInput: true,
    appliesTo: isWeightedLinear,
    backward(ctx) {
      const { be } = ctx;
      const x = ctx.inputs[0]!;
      const w = ctx.node.params.weight!;
      const b = biasOf(ctx);
      const r = ctx.gradOutputs[0]!;
      return be.scope(() => {
        const xPos = be.positive(x);
        const xNeg = be.negative(x);
        const wPos = be.positive(w);
        const wNeg = be.negative(w);
        // the alpha term: contributions W+x+ and W-x- (both >= 0) and b+
        const posWithBias = withWeights(ctx.node.params, wPos, b ? be.positive(b) : null);
        const negNoBias = withWeights(ctx.node.params, wNeg, null);
        const alphaDen = be.add(forwardWith(ctx, xPos, posWithBias), forwardWith(ctx, xNeg, negNoBias));
        const sAlpha = be.scale(be.stabilizedDivide(r, alphaDen, stabilizer), alpha);
        let relevance = be.add(be.mul(xPos, gradientWith(ctx, sAlpha, xPos, posWithBias)), be.mul(xNeg, gradientWith(ctx, sAlpha, xNeg, negNoBias)));
        if (beta !== 0) {
          // the beta term: contributions W-x+ and W+x- (both <= 0) and b-
          const negWithBias = withWeights(ctx.node.params, wNeg, b ? be.negative(b) : null);
          const posNoBias = withWeights(ctx.node.params, wPos, null);
          const betaDen = be.add(forwardWith(ctx, xPos, negWithBias), forwardWith(ctx, xNeg, posNoBias));
          const sBeta = be.scale(be.stabilizedDivide(r, betaDen, stabilizer), beta);
          const betaPart = be.add(be.mul(xPos, gradientWith(ctx, sBeta, xPos, negWithBias)), be.mul(xNeg, gradientWith(ctx, sBeta, xNeg, posNoBias)));
          relevance = be.sub(relevance, betaPart);
        }
        return [relevance];
      });
    },
  };
}

export const alphaBeta: RuleDefinition = {
  name: 'alpha-beta',
  summary: 'alpha * positive part - beta * negative part, each normalised on its own (alpha - beta = 1)',
  appliesToDescription: 'Dense and Conv2d layers',
  parameters: ['alpha', 'beta', 'stabilizer'],
  create: alphaBetaRule,
};
