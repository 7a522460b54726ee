/**
 * The plain gradient as rules, so gradient x input runs on the LRP machinery
 * (and on the fused all-targets path): `gradient` hands on Wᵀ R (the layer's
 * ordinary backward); `gradient-x-input` multiplies that by the layer's input.
 * As `--rule gradient-x-input` on a whole model it sits on the first
 * Dense/Conv2d only, `gradient` on the others, the ordinary backward
 * everywhere else, and relevance starts from 1: gradient x input.
 */
import { declareRule, gradientOnly, type RuleSpec } from './declare.js';

/** The plain gradient, R_in = W^T R (no denominator), optionally times the input. */
function gradientRule(name: string, title: string, summary: string, byInput: boolean, extra: Partial<RuleSpec> = {}) {
  return declareRule({
    name, title, summary,
    zeroForZeroInput: byInput,
    stabilizer: () => null,
    ...(byInput ? {} : { reduce: gradientOnly }),
    dense: () => ({ denominator: 'none', stabilizer: 0, byInput }),
    ...extra,
  });
}

export const gradient = gradientRule('gradient', 'Gradient', 'the ordinary backward: R_in = W^T R (no denominator)', false);

export const gradientXInput = gradientRule('gradient-x-input', 'GradientXInput', 'the input times the ordinary backward, R_in = x * W^T R; on a whole model: gradient x input', true, {
  everywhere: {
    name: 'gradient-x-input',
    description: 'gradient x input: the input times the gradient at the first Dense/Conv2d, the ordinary backward elsewhere; starts from 1',
    entries: [{ match: { kind: 'linear', first: true }, rule: 'gradient-x-input' }, { match: { kind: 'linear' }, rule: 'gradient' }],
    outputRelevance: 'one',
  },
});
