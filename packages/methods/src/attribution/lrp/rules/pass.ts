/**
 * Pass rule: relevance goes through unchanged (Zennit's rule for activations
 * and BatchNorm). ReLU's gradient would zero relevance where z < 0; LRP
 * instead lets the next rule down (which weights by the ReLU output) decide.
 */
import type { Node } from '../../../model/model.js';
import type { LrpRule, RuleDefinition } from './rule.js';

const PASS_TYPES = new Set(['BatchNorm', 'Identity', 'Dropout']);

function passApplies(node: Node): boolean {
  return node.inputs.length === 1 && (node.op.activation === true || PASS_TYPES.has(node.type));
}

export function passRule(): LrpRule {
  return {
    name: 'pass',
    params: {},
    label: 'Pass',
    zeroForZeroInput: false,
    appliesTo: passApplies,
    backward(ctx) {
      const r = ctx.gradOutputs[0]!;
      // a view: the machinery owns (and disposes) what a rule returns
      return [ctx.be.reshape(r, ctx.inputs[0]!.shape)];
    },
  };
}

export const pass: RuleDefinition = {
  name: 'pass',
  summary: 'relevance passes unchanged (activations, BatchNorm)',
  appliesToDescription: 'activations (ReLU, LeakyReLU, Sigmoid, Tanh), BatchNorm, Identity and Dropout',
  parameters: [],
  create: passRule,
};
