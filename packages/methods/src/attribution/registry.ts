/**
 * Every attribution method by its CLI name. The options each takes come from
 * the one option specification (method-options.ts). The CLI (`relevance
 * explain`, `relevance evaluate`) and the metrics runner look methods up here,
 * so a name, an option list and a function cannot drift apart.
 */
import { ABLATION_CAM, ablationCam, GRAD_CAM, gradCam, GRAD_CAM_PLUS_PLUS, gradCamPlusPlus, SCORE_CAM, scoreCam } from './cam/index.js';
import { GRADIENT_METHODS } from './gradient/index.js';
import { lrp } from './lrp/lrp.js';
import { methodOptionKeys } from './method-options.js';
import { levenshtein } from '../util/levenshtein.js';
import { featureAblation } from './perturbation/feature-ablation.js';
import { kernelShap } from './perturbation/kernel-shap.js';
import { lime } from './perturbation/lime.js';
import { occlusion } from './perturbation/occlusion.js';
import { shapleyExact } from './perturbation/shapley-exact.js';
import { shapleySampling } from './perturbation/shapley-sampling.js';
import { AttributionError, type AttributionMethod } from './types.js';
import { influence, INFLUENCE } from '../influence/influence-method.js';
import { sennExplanation } from '../senn/senn.js';
import { treeShapMethod } from '../trees/tree-shap-method.js';

export type MethodFamily = 'gradient' | 'path' | 'sampling' | 'backprop-rule' | 'cam' | 'perturbation' | 'shapley' | 'lrp' | 'influence' | 'self-explaining' | 'trees';

export interface MethodEntry {
  name: string;
  family: MethodFamily;
  summary: string;
  run: AttributionMethod<any>;
  /** Option keys the method takes besides `target` and `batchSize` (from the option specification). */
  options: readonly string[];
  /** Whether the method needs a `layer` (CAM) and returns layer-shaped values. */
  layerMethod: boolean;
  /** Whether results depend on a seed. */
  random: boolean;
}

const entries: MethodEntry[] = [];
const add = (e: Omit<MethodEntry, 'layerMethod' | 'random' | 'options'> & Partial<Pick<MethodEntry, 'layerMethod' | 'random'>>): void => {
  const options = methodOptionKeys(e.name);
  entries.push({ layerMethod: false, random: options.includes('seed'), ...e, options });
};

const gradientSummaries: Record<string, [MethodFamily, string]> = {
  saliency: ['gradient', 'gradient of the target output (Simonyan et al. 2014)'],
  'saliency-squared': ['gradient', 'squared gradient: sensitivity analysis'],
  'input-x-gradient': ['gradient', 'input times gradient'],
  'integrated-gradients': ['path', 'integrated gradients along a straight path from a baseline (Sundararajan et al. 2017)'],
  smoothgrad: ['sampling', 'gradients averaged over noisy copies: plain, squared or VarGrad (Smilkov et al. 2017)'],
  'smooth-taylor': ['sampling', 'average of (x - z) * grad f(z) over z ~ N(x, s^2 I) (Goh et al. 2020)'],
  'guided-backprop': ['backprop-rule', 'guided backpropagation (Springenberg et al. 2015)'],
  deconvolution: ['backprop-rule', 'deconvolution (Zeiler & Fergus 2014)'],
  deeplift: ['backprop-rule', 'DeepLIFT rescale rule (Shrikumar et al. 2017)'],
};
for (const [name, run] of Object.entries(GRADIENT_METHODS)) {
  const [family, summary] = gradientSummaries[name] ?? ['gradient', name];
  add({ name, family, summary, run });
}

add({ name: GRAD_CAM, family: 'cam', summary: 'Grad-CAM on a named convolutional layer (Selvaraju et al. 2017)', run: gradCam, layerMethod: true });
add({ name: GRAD_CAM_PLUS_PLUS, family: 'cam', summary: 'Grad-CAM++ (Chattopadhay et al. 2018)', run: gradCamPlusPlus, layerMethod: true });
add({ name: ABLATION_CAM, family: 'cam', summary: 'Ablation-CAM (Ramaswamy & Desai 2020)', run: ablationCam, layerMethod: true });
add({ name: SCORE_CAM, family: 'cam', summary: 'Score-CAM (Wang et al. 2020)', run: scoreCam, layerMethod: true });

add({ name: 'occlusion', family: 'perturbation', summary: 'sliding-window occlusion (Zeiler & Fergus 2014)', run: occlusion });
add({ name: 'feature-ablation', family: 'perturbation', summary: 'output change when each feature (or group) is set to a baseline', run: featureAblation });
add({ name: 'lime', family: 'perturbation', summary: 'LIME: Lasso-selected K features, weighted ridge fit (Ribeiro et al. 2016)', run: lime });
add({ name: 'kernel-shap', family: 'shapley', summary: 'KernelSHAP (Lundberg & Lee 2017)', run: kernelShap });
add({ name: 'shapley-exact', family: 'shapley', summary: 'exact Shapley values over all coalitions', run: shapleyExact });
add({ name: 'shapley-sampling', family: 'shapley', summary: 'Shapley values by permutation sampling (Strumbelj & Kononenko 2014)', run: shapleySampling });
add({ name: 'lrp', family: 'lrp', summary: 'layer-wise relevance propagation with rules and composites (Bach et al. 2015; Zennit semantics)', run: lrp });
add({
  name: INFLUENCE, family: 'influence', summary: 'distributional influence at a slice: class, comparative or predicted quantity over a point, linear or Gaussian distribution (Leino et al. 2018; TruLens InternalInfluence)',
  run: influence,
});

add({
  name: 'senn', family: 'self-explaining', summary: "a self-explaining network's own relevances θ_c(x) ⊙ x, or its coefficients θ_c(x) (Alvarez-Melis & Jaakkola 2018); SENN models only",
  run: sennExplanation,
});

add({
  name: 'tree-shap', family: 'trees', summary: 'exact TreeSHAP for tree ensembles: interventional against background rows, or path-dependent with covers (Lundberg et al. 2020)',
  run: treeShapMethod,
});

/** Methods that take tree-ensemble models (treeEnsembleModel): tree-shap and the model-agnostic ones. */
export const TREE_MODEL_FAMILIES: readonly MethodFamily[] = ['trees', 'perturbation', 'shapley'];

export const METHOD_REGISTRY: ReadonlyMap<string, MethodEntry> = new Map(entries.map((e) => [e.name, e]));

/** Names in the order the CLI lists them. */
export const METHOD_NAMES: readonly string[] = entries.map((e) => e.name);

const distance = levenshtein;

/** The entry for a CLI name; unknown names list the methods and suggest the closest. */
export function methodEntry(name: string): MethodEntry {
  const e = METHOD_REGISTRY.get(name);
  if (e) return e;
  const closest = [...METHOD_NAMES].sort((a, b) => distance(name, a) - distance(name, b))[0]!;
  const hint = distance(name, closest) <= Math.max(2, Math.floor(closest.length / 3)) ? ` (did you mean '${closest}'?)` : '';
  throw new AttributionError(`unknown method '${name}'${hint}; methods: ${METHOD_NAMES.join(', ')}`);
}
