/**
 * ZBox rule (z^B, Montavon et al. 2017) for inputs bounded by [low, high]:
 * den = (Wx + b) − (W⁺l + b⁺) − (W⁻h + b⁻) (the bias terms cancel),
 * R_in = x ⊙ Wᵀs − l ⊙ W⁺ᵀs − h ⊙ W⁻ᵀs, s = R / stab(den) (Zennit 0.5.1 `ZBox`).
 * Meant for the first layer; inputs outside [low, high] break its guarantees.
 */
import { declareRule, STABILIZER_PARAMETER, modifiers as m } from './declare.js';

export const zbox = declareRule({
  name: 'zbox',
  title: 'ZBox',
  summary: 'for bounded inputs in [low, high] (first layer)',
  parameters: [
    { name: 'low', help: 'lowest possible input value of the zbox rule (e.g. --low=-3)' },
    { name: 'high', help: 'highest possible input value of the zbox rule' },
    STABILIZER_PARAMETER,
  ],
  missing: "LRP rule 'zbox' needs 'low' and 'high', the lowest and highest possible input values (CLI: --low -3 --high 3)",
  validate: ({ low, high }) => (low! < high! ? null : `low must be below high, got low=${low}, high=${high}`),
  // the low/high terms give relevance to zero inputs too
  zeroForZeroInput: false,
  groups: (p) => [{
    terms: [{}, { input: m.full(p.low!), weight: m.positive, sign: -1 }, { input: m.full(p.high!), weight: m.negative, sign: -1 }],
  }],
});

export const zboxRule = zbox.create;
