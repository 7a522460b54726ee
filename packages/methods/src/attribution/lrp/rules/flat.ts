/**
 * Flat rule (Lapuschkin et al. 2019): relevance spread evenly over each
 * output's receptive field: weights and inputs replaced by ones, bias zero,
 * so den = the number of inputs the output sees (zero padding counts 0) and
 * R_in = 1ᵀ (R / stab(den)) (Zennit 0.5.1 `Flat`). Meant for a first layer.
 */
import { declareRule, STABILIZER_PARAMETER, gradientOnly, modifiers as m } from './declare.js';

export const flat = declareRule({
  name: 'flat',
  title: 'Flat',
  summary: 'uniform over the receptive field (first layer)',
  parameters: [STABILIZER_PARAMETER],
  zeroForZeroInput: false,
  readsWeightValues: false,
  groups: () => [{ terms: [{ input: m.ones, weight: m.ones, bias: null }] }],
  reduce: gradientOnly,
  backward(ctx, p, declared) {
    const x = ctx.inputs[0]!;
    if (ctx.node.params.weight!.rank !== 2 || x.rank !== 2) return declared();
    // fully connected: every output sees all n inputs, so each input gets
    // sum_j R_j / stab(n); no products with a matrix of ones needed
    const { be } = ctx;
    const r = ctx.gradOutputs[0]!;
    const n = x.shape[1]!;
    return be.scope(() => [be.expand(be.stabilizedDivide(be.sum(r, 1, true), be.full([1, 1], n), p.stabilizer!), [r.shape[0]!, n])]);
  },
});

export const flatRule = flat.create;
