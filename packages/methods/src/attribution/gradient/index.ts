/** Gradient, path and sampling attribution methods, and their CLI names. */
import type { AttributionMethod } from '../types.js';
import { DECONVOLUTION, deconvolution } from './deconvolution.js';
import { DEEPLIFT, deepLift } from './deeplift.js';
import { GUIDED_BACKPROP, guidedBackprop } from './guided-backprop.js';
import { INPUT_X_GRADIENT, inputXGradient } from './input-x-gradient.js';
import { INTEGRATED_GRADIENTS, integratedGradients } from './integrated-gradients.js';
import { SALIENCY, saliency } from './saliency.js';
import { SALIENCY_SQUARED, saliencySquared } from './saliency-squared.js';
import { SMOOTH_TAYLOR, smoothTaylor } from './smooth-taylor.js';
import { SMOOTHGRAD, smoothGrad } from './smoothgrad.js';

export { saliency, SALIENCY, type SaliencyOptions } from './saliency.js';
export { saliencySquared, SALIENCY_SQUARED, type SaliencySquaredOptions } from './saliency-squared.js';
export { inputXGradient, INPUT_X_GRADIENT, type InputXGradientOptions } from './input-x-gradient.js';
export { integratedGradients, INTEGRATED_GRADIENTS, DEFAULT_IG_STEPS, pathDifference, type IntegratedGradientsOptions } from './integrated-gradients.js';
export { smoothGrad, SMOOTHGRAD, SMOOTHGRAD_VARIANTS, type SmoothGradOptions, type SmoothGradVariant } from './smoothgrad.js';
export { smoothTaylor, SMOOTH_TAYLOR, type SmoothTaylorOptions } from './smooth-taylor.js';
export { guidedBackprop, GUIDED_BACKPROP, guidedBackpropRules, guidedReluRule, type GuidedBackpropOptions } from './guided-backprop.js';
export { deconvolution, DECONVOLUTION, deconvolutionRules, deconvReluRule, type DeconvolutionOptions } from './deconvolution.js';
export { deepLift, DEEPLIFT, deepLiftRules, DEEPLIFT_MAXPOOL_MODES, type DeepLiftOptions, type DeepLiftMaxPoolMode } from './deeplift.js';
export { resolveBaseline, baselineRows, type BaselineSpec, type ResolvedBaseline } from './baseline.js';
export { gaussLegendre, quadrature, INTEGRATION_RULES, type IntegrationRule, type Quadrature } from './quadrature.js';

/** The gradient-family methods by CLI name (for the method registry). */
export const GRADIENT_METHODS: Readonly<Record<string, AttributionMethod<any>>> = {
  [SALIENCY]: saliency,
  [SALIENCY_SQUARED]: saliencySquared,
  [INPUT_X_GRADIENT]: inputXGradient,
  [INTEGRATED_GRADIENTS]: integratedGradients,
  [SMOOTHGRAD]: smoothGrad,
  [SMOOTH_TAYLOR]: smoothTaylor,
  [GUIDED_BACKPROP]: guidedBackprop,
  [DECONVOLUTION]: deconvolution,
  [DEEPLIFT]: deepLift,
};
