/** The distributional influence study (Leino et al. 2018) over a labelled table. */
export { runInfluenceStudy } from './run-influence-study.js';
export type { InfluenceStudyInput, InfluenceStudyIO, InfluenceStudyResult } from './run-influence-study.js';
export { INFLUENCE_STUDY_DEFAULTS, withDefaults as influenceStudyDefaults, resolvedConfig as influenceStudyConfig } from './options.js';
export type { InfluenceStudyOptions } from './options.js';
export { prepareClassifier, storedStandardization, rowsOf } from './prepare-classifier.js';
export type { ClassifierStage, ClassifierStageOptions } from './prepare-classifier.js';
