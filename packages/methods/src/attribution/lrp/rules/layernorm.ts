/**
 * LayerNorm rule (AttnLRP and CP-LRP): the standard deviation is held
 * constant (the identity rule on the normalisation), which leaves the linear
 * map z = γ (x - mean(x)) / σ + β, and the Epsilon rule through it:
 * R_in = x ⊙ (g - mean(g)) with g = γ / σ ⊙ R / stab(z). Relevance is conserved
 * up to the share of β.
 */
import { layerNormStats } from '../../../model/ops/layernorm.js';
import { attrNumber } from '../../../model/op.js';
import { stabilizerRule, type RuleDefinition } from './rule.js';

export const layerNormRule = stabilizerRule('layernorm', 'LayerNorm', (node) => node.type === 'LayerNorm', (ctx, stabilizer) => {
  const { be } = ctx;
  const x = ctx.inputs[0]!;
  return [be.scope(() => {
    const { std } = layerNormStats(be, x, attrNumber(ctx.node.attrs, 'epsilon', 1e-5));
    const s = be.stabilizedDivide(ctx.gradOutputs[0]!, ctx.outputs[0]!, stabilizer);
    const g = be.div(be.mul(s, ctx.node.params.scale!), std);
    return be.mul(x, be.sub(g, be.mean(g, g.rank - 1, true)));
  })];
});

export const layernorm: RuleDefinition = {
  name: 'layernorm',
  summary: 'LayerNorm with the standard deviation held constant, Epsilon through the centring and scale (AttnLRP, CP-LRP)',
  appliesToDescription: 'LayerNorm',
  parameters: ['stabilizer'],
  create: layerNormRule,
};
