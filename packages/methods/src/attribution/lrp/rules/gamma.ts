/**
 * Generalised Gamma rule (Montavon et al. 2019; Andéol et al. 2021), which
 * also handles negative inputs. With W↑ = W + γW⁺ and W↓ = W + γW⁻ (likewise
 * b↑, b↓), the sign of the unmodified z = Wx + b picks the branch:
 *   z > 0: den = W↑x⁺ + W↓x⁻ + b↑, R_in = x⁺ ⊙ W↑ᵀ s + x⁻ ⊙ W↓ᵀ s
 *   z < 0: den = W↓x⁺ + W↑x⁻ + b↓, R_in = x⁺ ⊙ W↓ᵀ s + x⁻ ⊙ W↑ᵀ s
 * with s = R / stab(den); units with z == 0 pass no relevance (Zennit 0.5.1 `Gamma`).
 * For non-negative inputs this is the textbook (W + γW⁺) rule.
 */
import { declareRule, STABILIZER_PARAMETER, modifiers as m, type Reducer } from './declare.js';

// the two branches share each input part: x⁺ ⊙ (grad↑ + grad↓) + x⁻ ⊙ (...)
const byInputPart: Reducer = (be, [[xPos, xNeg]], [[a, b], [c, d]]) => be.add(be.mul(xPos!, be.add(a!, c!)), be.mul(xNeg!, be.add(b!, d!)));

export const gamma = declareRule({
  name: 'gamma',
  title: 'Gamma',
  summary: 'favours positive contributions: W + gamma * W+ (generalised to negative inputs)',
  parameters: [
    { name: 'gamma', default: 0.25, nonNegative: true, help: 'gamma of the gamma rule' },
    STABILIZER_PARAMETER,
  ],
  zeroForZeroInput: true,
  groups: (p) => {
    const up = m.boost(p.gamma!, 'positive');
    const down = m.boost(p.gamma!, 'negative');
    return [
      { where: (be, z) => be.greater(z, be.zeros([1])), terms: [{ input: m.positive, weight: up }, { input: m.negative, weight: down, bias: null }] },
      { where: (be, z) => be.greater(be.zeros([1]), z), terms: [{ input: m.positive, weight: down }, { input: m.negative, weight: up, bias: null }] },
    ];
  },
  reduce: byInputPart,
  dense: (p) => ({ denominator: 'signed', stabilizer: p.stabilizer!, up: m.boost(p.gamma!, 'positive'), down: m.boost(p.gamma!, 'negative'), byInput: true }),
});

export const gammaRule = gamma.create;
