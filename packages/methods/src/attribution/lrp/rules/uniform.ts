/**
 * Uniform rule (AttnLRP, Achtibat et al. 2024, for multiplicative
 * interactions): a product of k computed inputs gives each input the share
 * R_i = x_i ⊙ (∂y/∂x_i)ᵀ (R / stab(y)) / k; for y = a·b that is half of R to
 * each factor, and for the bilinear matmuls of attention (Q Kᵀ, A V) it is the
 * Epsilon rule through each operand, halved. With one computed input (a
 * product or quotient by a constant, a ReduceMean) it is the Norm rule:
 * relevance in proportion to each input's contribution.
 */
import type { Node } from '../../../model/model.js';
import { stabilizerRule, type RuleDefinition } from './rule.js';

const PRODUCTS = new Set(['MatMul', 'Mul']);

function uniformApplies(node: Node): boolean {
  if (PRODUCTS.has(node.type)) return true;
  // a quotient or mean of one computed input is linear in it
  return (node.type === 'Div' || node.type === 'ReduceMean') && node.inputs.length === 1;
}

export const uniformRule = stabilizerRule('uniform', 'Uniform', uniformApplies, (ctx, stabilizer) => {
  const { be } = ctx;
  const share = 1 / ctx.inputs.length;
  return be.scope(() => {
    const s = be.stabilizedDivide(ctx.gradOutputs[0]!, ctx.outputs[0]!, stabilizer);
    return ctx.backward([s]).map((g, k) => (g ? be.scale(be.mul(ctx.inputs[k]!, g), share) : null));
  });
});

export const uniform: RuleDefinition = {
  name: 'uniform',
  summary: 'products of k inputs (attention matmuls, gates): each input gets x_i * dy/dx_i * R / stab(y) / k (AttnLRP)',
  appliesToDescription: 'MatMul and Mul, and Div / ReduceMean of one computed input',
  parameters: ['stabilizer'],
  create: uniformRule,
};
