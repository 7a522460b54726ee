/**
 * Epsilon rule (LRP-ε; ε = 0 is LRP-0): R_in = x ⊙ Wᵀ (R / (z + ε·sign(z))),
 * z = Wx + b. The bias is in the denominator, so the bias share of the
 * relevance is dropped (Zennit 0.5.1 `Epsilon`).
 */
import { declareRule } from './declare.js';
import { DEFAULT_EPSILON } from './rule.js';

export const epsilon = declareRule({
  name: 'epsilon',
  title: 'Epsilon',
  summary: 'R_in = x * W^T (R / stab(Wx + b)); epsilon is the stabiliser (0 gives LRP-0)',
  parameters: [{ name: 'epsilon', default: DEFAULT_EPSILON, nonNegative: true, help: 'epsilon of the epsilon rule' }],
  zeroForZeroInput: true,
  // one unmodified term: the denominator is the layer's own output z
  stabilizer: (p) => p.epsilon!,
  dense: (p) => ({ denominator: 'output', stabilizer: p.epsilon!, byInput: true }),
});

export const epsilonRule = epsilon.create;
