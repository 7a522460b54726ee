/**
 * WSquare rule (Montavon et al. 2017): relevance by squared weights, inputs
 * ignored: den = Σ_i w_ji² + b_j² (the bias squared is included, as Zennit
 * 0.5.1 `WSquare` squares every parameter), R_in = (W²)ᵀ (R / stab(den)).
 * Meant for a first layer with unbounded inputs.
 */
import { declareRule, STABILIZER_PARAMETER, gradientOnly, modifiers as m } from './declare.js';

export const wsquare = declareRule({
  name: 'wsquare',
  title: 'WSquare',
  summary: 'squared weights, inputs ignored (first layer, unbounded inputs)',
  parameters: [STABILIZER_PARAMETER],
  zeroForZeroInput: false,
  groups: () => [{ terms: [{ input: m.ones, weight: m.square }] }],
  reduce: gradientOnly,
});

export const wsquareRule = wsquare.create;
