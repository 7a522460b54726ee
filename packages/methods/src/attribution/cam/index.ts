/** Class-activation-map methods on a named 4-D layer, and their CLI names. */
import type { AttributionMethod } from '../types.js';
import { ABLATION_CAM, ablationCam } from './ablation-cam.js';
import { GRAD_CAM, gradCam } from './grad-cam.js';
import { GRAD_CAM_PLUS_PLUS, gradCamPlusPlus } from './grad-cam-plus-plus.js';
import { SCORE_CAM, scoreCam } from './score-cam.js';

export { gradCam, GRAD_CAM, type GradCamOptions } from './grad-cam.js';
export { gradCamPlusPlus, GRAD_CAM_PLUS_PLUS, type GradCamPlusPlusOptions } from './grad-cam-plus-plus.js';
export { ablationCam, ABLATION_CAM, type AblationCamOptions } from './ablation-cam.js';
export { scoreCam, SCORE_CAM, type ScoreCamOptions } from './score-cam.js';
export { forwardFromLayer, UPSAMPLE_MODES, type CamOptions, type UpsampleMode } from './layer.js';

/** The CAM methods by CLI name (for the method registry). All need the `layer` option. */
export const CAM_METHODS: Readonly<Record<string, AttributionMethod<any>>> = {
  [GRAD_CAM]: gradCam,
  [GRAD_CAM_PLUS_PLUS]: gradCamPlusPlus,
  [ABLATION_CAM]: ablationCam,
  [SCORE_CAM]: scoreCam,
};
