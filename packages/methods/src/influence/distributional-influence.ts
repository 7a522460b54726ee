/**
 * Leino et al.'s distributional influence: χ = E_{x∼P}[∂q/∂z at z = h(x)],
 * the mean GRADIENT of the quantity of interest at the slice over the
 * distribution of interest. It says how sensitive q is to each unit across P,
 * whatever values the units take: a unit that is usually zero can still have
 * a large influence. See meanAttribution for the activation-weighted mean.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { Model } from '../model/model.js';
import { computeInfluence } from './compute-influence.js';
import type { InfluenceOptions, InfluenceResult } from './types.js';

/** Name in results and messages. */
export const DISTRIBUTIONAL_INFLUENCE = 'distributional-influence';

export async function distributionalInfluence(model: Model, inputs: Tensor, options: InfluenceOptions = {}): Promise<InfluenceResult> {
  return (await computeInfluence(DISTRIBUTIONAL_INFLUENCE, model, inputs, options)).influence;
}
