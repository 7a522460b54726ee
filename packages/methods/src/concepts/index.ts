/** Concept-based explanations: TCAV (Kim et al. 2018). */
export { tcav, conceptActivationVector, tcavScore, TCAV_OPTION_NAMES } from './tcav.js';
export type { Concept, TcavOptions, TcavRow, TcavResult } from './tcav.js';
export { logisticRegression } from './linear-classifier.js';
export type { LogisticFit } from './linear-classifier.js';
