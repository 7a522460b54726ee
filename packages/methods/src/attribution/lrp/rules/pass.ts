/**
 * Pass rule: relevance goes through unchanged (Zennit's rule for activations
 * and BatchNorm). ReLU's gradient would zero relevance where z < 0; LRP
 * instead lets the next rule down (which weights by the ReLU output) decide.
 */
import { declareRule } from './declare.js';

const PASS_TYPES = new Set(['BatchNorm', 'Identity', 'Dropout']);

export const pass = declareRule({
  name: 'pass',
  title: 'Pass',
  summary: 'relevance passes unchanged (activations, BatchNorm)',
  appliesTo: (node) => node.inputs.length === 1 && (node.op.activation === true || PASS_TYPES.has(node.type)),
  appliesToDescription: 'activations (ReLU, LeakyReLU, Sigmoid, Tanh), BatchNorm, Identity and Dropout',
  zeroForZeroInput: false,
  passesThrough: true,
  // a view: the machinery owns (and disposes) what a rule returns
  backward: (ctx) => [ctx.be.reshape(ctx.gradOutputs[0]!, ctx.inputs[0]!.shape)],
});

export const passRule = pass.create;
