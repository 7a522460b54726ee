/**
 * AlphaBeta rule: positive and negative contributions normalised separately,
 * R_in = α·(x⁺ ⊙ W⁺ᵀ sα + x⁻ ⊙ W⁻ᵀ sα) − β·(x⁺ ⊙ W⁻ᵀ sβ + x⁻ ⊙ W⁺ᵀ sβ),
 * sα = R / stab(W⁺x⁺ + W⁻x⁻ + b⁺), sβ = R / stab(W⁻x⁺ + W⁺x⁻ + b⁻).
 * As in Zennit 0.5.1 `AlphaBeta`, alpha, beta >= 0 and alpha - beta = 1.
 */
import { declareRule, STABILIZER_PARAMETER, modifiers as m } from './declare.js';

export const alphaBeta = declareRule({
  name: 'alpha-beta',
  title: 'AlphaBeta',
  summary: 'alpha * positive part - beta * negative part, each normalised on its own (alpha - beta = 1)',
  parameters: [
    { name: 'alpha', default: 2, nonNegative: true, help: 'alpha of the alpha-beta rule' },
    { name: 'beta', default: 1, nonNegative: true, help: 'beta of the alpha-beta rule' },
    STABILIZER_PARAMETER,
  ],
  validate: ({ alpha, beta }) => (Math.abs(alpha! - beta! - 1) > 1e-9 ? `alpha - beta must be 1 (so relevance is conserved), got alpha=${alpha}, beta=${beta}` : null),
  zeroForZeroInput: true,
  groups: (p) => [
    // the alpha term: contributions W+x+ and W-x- (both >= 0) and b+
    { coefficient: p.alpha!, terms: [{ input: m.positive, weight: m.positive }, { input: m.negative, weight: m.negative, bias: null }] },
    // the beta term: contributions W-x+ and W+x- (both <= 0) and b-, subtracted
    { coefficient: -p.beta!, terms: [{ input: m.positive, weight: m.negative }, { input: m.negative, weight: m.positive, bias: null }] },
  ],
});

export const alphaBetaRule = alphaBeta.create;
