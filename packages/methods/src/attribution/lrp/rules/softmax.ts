/**
 * Softmax rule (AttnLRP, Achtibat et al. 2024, Proposition 3.1): the Taylor
 * decomposition of s = softmax(x) at x itself gives
 * R_in_i = x_i (R_i - s_i Σ_j R_j) over the softmax axis. The bias term of the
 * decomposition absorbs the rest, so relevance is not conserved exactly
 * through a softmax.
 */
import { attrNumber } from '../../../model/op.js';
import type { LrpRule, RuleDefinition } from './rule.js';

export function softmaxRule(): LrpRule {
  return {
    name: 'softmax',
    params: {},
    label: 'Softmax()',
    zeroForZeroInput: true,
    appliesTo: (node) => node.type === 'Softmax',
    backward(ctx) {
      const { be } = ctx;
      const x = ctx.inputs[0]!;
      const r = ctx.gradOutputs[0]!;
      const axis = attrNumber(ctx.node.attrs, 'axis', -1);
      return [be.scope(() => be.mul(x, be.sub(r, be.mul(ctx.outputs[0]!, be.sum(r, axis < 0 ? axis + r.rank : axis, true)))))];
    },
  };
}

export const softmax: RuleDefinition = {
  name: 'softmax',
  summary: 'softmax: R_in = x * (R - s * sum(R)) over the softmax axis (AttnLRP)',
  appliesToDescription: 'Softmax',
  parameters: [],
  create: softmaxRule,
};
