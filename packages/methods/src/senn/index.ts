/** Self-explaining neural networks (Alvarez-Melis & Jaakkola 2018) and the local Lipschitz estimate of explanations. */
export { senn, isSenn, sennCoefficients, sennExplanation, SENN_THETA, SENN_AGGREGATE } from './senn.js';
export type { SennOptions, SennExplanationOptions } from './senn.js';
export { lipschitzEstimate } from './lipschitz.js';
export type { LipschitzOptions, Explainer } from './lipschitz.js';
export { trainSenn } from './robust-training.js';
export type { SennTrainingOptions, SennData } from './robust-training.js';
