/**
 * The plain gradient as rules, so gradient x input runs on the LRP machinery
 * (and on the fused all-targets path): `gradient` hands on Wᵀ R (the layer's
 * ordinary backward); `gradient-x-input` multiplies that by the layer's input.
 * As `--rule gradient-x-input` on a whole model it sits on the first
 * Dense/Conv2d only, `gradient` on the others, the ordinary backward
 * everywhere else, and relevance starts from 1: gradient x input.
 */
import { declareRule, gradientOnly } from './declare.js';

export const gradient = declareRule({
  name: 'gradient',
  title: 'Gradient',
  summary: 'the ordinary backward: R_in = W^T R (no denominator)',
  zeroForZeroInput: false,
  stabilizer: () => null,
  reduce: gradientOnly,
  dense: () => ({ denominator: 'none', stabilizer: 0, byInput: false }),
});

export const gradientXInput = declareRule({
  name: 'gradient-x-input',
  title: 'GradientXInput',
  summary: 'the input times the ordinary backward, R_in = x * W^T R; on a whole model: gradient x input',
  zeroForZeroInput: true,
  stabilizer: () => null,
  dense: () => ({ denominator: 'none', stabilizer: 0, byInput: true }),
  everywhere: {
    name: 'gradient-x-input',
    description: 'gradient x input: the input times the gradient at the first Dense/Conv2d, the ordinary backward elsewhere; starts from 1',
    entries: [{ match: { kind: 'linear', first: true }, rule: 'gradient-x-input' }, { match: { kind: 'linear' }, rule: 'gradient' }],
    outputRelevance: 'one',
  },
});
