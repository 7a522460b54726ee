/**
 * Norm rule: the Epsilon rule with only a stabiliser, for parameter-free
 * linear layers: R_in = x ⊙ (∂y/∂x)ᵀ (R / stab(y)) with y the layer's output
 * (Zennit 0.5.1 `Norm`: average pooling, sums). For Add, each input gets its
 * share x_k / (x_1 + x_2).
 */
import type { Node } from '../../../model/model.js';
import { DEFAULT_STABILIZER, nonNegative, ruleLabel, ruleNumber, type LrpRule, type RuleDefinition, type RuleParameters } from './rule.js';

function normApplies(node: Node): boolean {
  return node.op.linear === true || node.type === 'Add';
}

export function normRule(options: RuleParameters = {}): LrpRule {
  const stabilizer = ruleNumber('norm', 'stabilizer', options.stabilizer, DEFAULT_STABILIZER, nonNegative);
  const params = { stabilizer };
  return {
    name: 'norm',
    params,
    label: ruleLabel('Norm', params),
    zeroForZeroInput: true,
    appliesTo: normApplies,
    backward(ctx) {
      const { be } = ctx;
      return be.scope(() => {
        const s = be.stabilizedDivide(ctx.gradOutputs[0]!, ctx.outputs[0]!, stabilizer);
        return ctx.backward([s]).map((g, k) => (g ? be.mul(ctx.inputs[k]!, g) : null));
      });
    },
  };
}

export const norm: RuleDefinition = {
  name: 'norm',
  summary: 'normalise by the output (average pooling, Add)',
  appliesToDescription: 'AvgPool2d, GlobalAveragePool, Add (and any linear layer)',
  parameters: ['stabilizer'],
  create: normRule,
};
