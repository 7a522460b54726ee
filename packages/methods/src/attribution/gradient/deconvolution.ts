/**
 * Deconvolution (Zeiler & Fergus 2014): backpropagate through ReLUs as if
 * they acted on the gradient, grad_in = max(grad_out, 0), ignoring where the
 * forward input was negative. Only ReLU nodes are overridden (Captum's
 * Deconvolution); pooling and linear layers keep the ordinary gradient.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { BackwardRule, Model, RuleSelector } from '../../model/model.js';
import type { Attribution, CommonOptions } from '../types.js';
import { gradientAttribution } from './shared.js';

/** CLI name. */
export const DECONVOLUTION = 'deconvolution';

export type DeconvolutionOptions = CommonOptions;

export const deconvReluRule: BackwardRule = {
  name: 'deconvolution-relu',
  backward({ be, gradOutputs }) {
    return [be.positive(gradOutputs[0]!)];
  },
};

/** Deconvolution ReLU on ReLU nodes, the plain gradient elsewhere. */
export const deconvolutionRules: RuleSelector = (node) => (node.type === 'ReLU' ? deconvReluRule : undefined);

export async function deconvolution(model: Model, inputs: Tensor, options: DeconvolutionOptions = {}): Promise<Attribution> {
  return gradientAttribution(DECONVOLUTION, model, inputs, options, { backward: { rules: deconvolutionRules } });
}
