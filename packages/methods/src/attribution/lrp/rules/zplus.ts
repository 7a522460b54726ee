/**
 * ZPlus rule (= AlphaBeta with alpha 1, beta 0, negative inputs allowed):
 * den = W⁺x⁺ + W⁻x⁻ + b⁺; R_in = x⁺ ⊙ W⁺ᵀ s + x⁻ ⊙ W⁻ᵀ s, s = R / stab(den).
 * Only positive contributions (and the positive bias) count (Zennit 0.5.1 `ZPlus`).
 */
import { declareRule, STABILIZER_PARAMETER, modifiers as m } from './declare.js';

export const zplus = declareRule({
  name: 'zplus',
  title: 'ZPlus',
  summary: 'positive contributions only: den = W+x+ + W-x- + b+',
  parameters: [STABILIZER_PARAMETER],
  zeroForZeroInput: true,
  groups: () => [{ terms: [{ input: m.positive, weight: m.positive }, { input: m.negative, weight: m.negative, bias: null }] }],
});

export const zplusRule = zplus.create;
