/**
 * The mean ATTRIBUTION over a distribution: E_{x∼P}[(h(x) − h(b)) ⊙ χ_x],
 * where χ_x is the influence of x's own instance distribution (its gradient
 * for a point; the path average for a linear path, which makes each term
 * integrated gradients; the noise average for Gaussian samples).
 *
 * Why both: on a nonlinear model the mean of products is not the product of
 * means, E[a ⊙ g] ≠ E[a] ⊙ E[g]. The mean attribution credits a unit for
 * what it contributed at each instance (large where it is both active and
 * influential); distributional influence × mean activation mixes gradients of
 * instances where the unit is off with activations of instances where it is
 * on. Use χ (distributionalInfluence) to ask "what is q sensitive to over P",
 * and the mean attribution to ask "what did q actually use over P".
 */
import type { Tensor } from '@relevance/core-wasm';
import type { Model } from '../model/model.js';
import { computeInfluence } from './compute-influence.js';
import type { InfluenceAndAttribution, InfluenceOptions, InfluenceResult } from './types.js';

/** Name in results and messages. */
export const MEAN_ATTRIBUTION = 'mean-attribution';

export async function meanAttribution(model: Model, inputs: Tensor, options: InfluenceOptions = {}): Promise<InfluenceResult> {
  return (await computeInfluence(MEAN_ATTRIBUTION, model, inputs, options)).attribution;
}

/** Both statistics from one evaluation of the distribution (what a study needs). */
export async function influenceAndAttribution(model: Model, inputs: Tensor, options: InfluenceOptions = {}): Promise<InfluenceAndAttribution> {
  return computeInfluence('influence', model, inputs, options);
}
