/**
 * Guided backpropagation (Springenberg et al. 2015): the gradient, except
 * that every ReLU passes back only positive gradient where its input was
 * positive: grad_in = relu'(x) * max(grad_out, 0). Every other node (pooling,
 * linear layers) keeps its ordinary gradient, as in Captum's GuidedBackprop,
 * which overrides only nn.ReLU modules.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { BackwardRule, Model, RuleSelector } from '../../model/model.js';
import type { Attribution, CommonOptions } from '../types.js';
import { gradientAttribution } from './shared.js';

/** CLI name. */
export const GUIDED_BACKPROP = 'guided-backprop';

export type GuidedBackpropOptions = CommonOptions;

export const guidedReluRule: BackwardRule = {
  name: 'guided-relu',
  backward({ be, inputs, gradOutputs }) {
    return [be.scope(() => be.mul(be.step(inputs[0]!), be.positive(gradOutputs[0]!)))];
  },
};

/** Guided ReLU on ReLU nodes, the plain gradient elsewhere. */
export const guidedBackpropRules: RuleSelector = (node) => (node.type === 'ReLU' ? guidedReluRule : undefined);

export async function guidedBackprop(model: Model, inputs: Tensor, options: GuidedBackpropOptions = {}): Promise<Attribution> {
  return gradientAttribution(GUIDED_BACKPROP, model, inputs, options, { backward: { rules: guidedBackpropRules } });
}
