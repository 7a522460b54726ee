/**
 * Norm rule: the Epsilon rule with only a stabiliser, for parameter-free
 * linear layers: R_in = x ⊙ (∂y/∂x)ᵀ (R / stab(y)) with y the layer's output
 * (Zennit 0.5.1 `Norm`: average pooling, sums). For Add, each input gets its
 * share x_k / (x_1 + x_2).
 */
import { declareRule, STABILIZER_PARAMETER } from './declare.js';

export const norm = declareRule({
  name: 'norm',
  title: 'Norm',
  summary: 'normalise by the output (average pooling, Add)',
  appliesTo: (node) => node.op.linear === true || node.type === 'Add',
  appliesToDescription: 'AvgPool2d, GlobalAveragePool, Add (and any linear layer)',
  parameters: [STABILIZER_PARAMETER],
  zeroForZeroInput: true,
  // several inputs (Add): the node's own backward, each input weighted by its value
  backward: (ctx, p) => ctx.be.scope(() => {
    const s = ctx.be.stabilizedDivide(ctx.gradOutputs[0]!, ctx.outputs[0]!, p.stabilizer!);
    return ctx.backward([s]).map((g, k) => (g ? ctx.be.mul(ctx.inputs[k]!, g) : null));
  }),
});

export const normRule = norm.create;
