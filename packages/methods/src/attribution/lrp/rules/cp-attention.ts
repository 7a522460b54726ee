/**
 * CP-LRP attention rule (Ali et al. 2022, "XAI for Transformers: better
 * explanations through conservative propagation"): in the product A V of
 * attention weights and values, the weights are held constant, so A V is
 * linear in V and the Epsilon rule gives all of the relevance to V:
 * R_V = V ⊙ Aᵀ (R / stab(A V)); the weights (and the query-key path behind
 * them) get none. Input 0 must be the attention weights (a Softmax output).
 */
import { stabilizerRule, type RuleDefinition } from './rule.js';

export const cpAttentionRule = stabilizerRule('cp-attention', 'CpAttention', (node) => node.type === 'MatMul', (ctx, stabilizer) => {
  const { be } = ctx;
  return be.scope(() => {
    const s = be.stabilizedDivide(ctx.gradOutputs[0]!, ctx.outputs[0]!, stabilizer);
    const [, gv] = ctx.backward([s]);
    return [null, be.mul(ctx.inputs[1]!, gv!)];
  });
});

export const cpAttention: RuleDefinition = {
  name: 'cp-attention',
  summary: 'attention A V with the weights A held constant: all relevance to V (CP-LRP)',
  appliesToDescription: 'MatMul whose first input is a Softmax output (attention weights times values)',
  parameters: ['stabilizer'],
  create: cpAttentionRule,
};
