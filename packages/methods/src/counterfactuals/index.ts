/** Counterfactual and contrastive explanations (Wachter et al. 2017; Dhurandhar et al. 2018). */
export { counterfactuals, COUNTERFACTUAL_OPTION_NAMES } from './counterfactuals.js';
export type { CounterfactualMode, CounterfactualOptions, CounterfactualChange, CounterfactualAnswer, CounterfactualResult } from './counterfactuals.js';
