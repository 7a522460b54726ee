/**
 * `fusedChainRelevance` as exported: a chain's rules given as dense forms, or
 * in the small vocabulary earlier versions took ({kind: 'epsilon' | 'gamma' |
 * 'gradient-x-input'}), which is looked up in the rule registry here, so the
 * fused engine itself reads only dense forms.
 */
import type { Backend, Tensor } from '@relevance/core-wasm';
import { fusedChainRelevance as fused, type FusedChainOptions } from './fused-chain.js';
import { createRule, type DenseForm } from './rules/index.js';

/** The earlier chain vocabulary (prefer lrpAllTargets with rule/composite options). */
export type ChainRule =
  | { kind: 'epsilon'; epsilon: number }
  | { kind: 'gamma'; gamma: number; stabilizer: number }
  | { kind: 'gradient-x-input' };

export interface ChainDense {
  /** [out, in] */
  weight: Tensor;
  bias: Tensor | null;
  rule: DenseForm | ChainRule;
}

function formOf(rule: DenseForm | ChainRule, layer: number): DenseForm {
  if (!('kind' in rule)) return rule;
  // gradient x input: the input times the gradient at the first layer, the gradient above it
  const named = rule.kind === 'gradient-x-input' ? createRule(layer === 0 ? 'gradient-x-input' : 'gradient') : createRule(rule.kind, rule);
  return named.dense!;
}

/** All-targets relevance through a Dense/ReLU chain (see fused-chain.ts); returns the model outputs [rows, out]. */
export function fusedChainRelevance(be: Backend, chain: readonly ChainDense[], x: Tensor, targets: readonly Int32Array[], options: FusedChainOptions): Promise<Float32Array> {
  return fused(be, chain.map((l, k) => ({ weight: l.weight, bias: l.bias, rule: formOf(l.rule, k) })), x, targets, options);
}
