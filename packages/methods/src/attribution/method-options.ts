/**
 * One option specification for every attribution method: each option once,
 * with its type, default, help and the methods that take it. The method
 * registry's option lists, the methods' own option checks, `explain`'s flags
 * and help and `evaluate`'s method specs all derive from it. The LRP rule
 * parameters (epsilon, gamma, ...) come from the rule declarations, so a
 * registered rule's parameters become options (and flags) too.
 */
import { DEEPLIFT_MAXPOOL_MODES, INTEGRATION_RULES, SMOOTHGRAD_VARIANTS } from './gradient/index.js';
import { DEFAULT_DEEPLIFT_EPS } from './gradient/deeplift.js';
import { DEFAULT_IG_STEPS } from './gradient/integrated-gradients.js';
import { DEFAULT_NOISE_LEVEL } from './gradient/smoothgrad.js';
import { SHAPLEY_EXACT_DEFAULT_MAX_FEATURES } from './perturbation/shapley-exact.js';
import { SHAPLEY_SAMPLING_DEFAULT_PERMUTATIONS } from './perturbation/shapley-sampling.js';
import { COMPOSITES } from './lrp/composites.js';
import { DEFAULT_COMPOSITE } from './lrp/settings.js';
import { LRP_RULES, ruleParameters } from './lrp/rules/index.js';

export type OptionType = 'boolean' | 'integer' | 'number' | 'string' | 'choice' | 'dims';

export interface MethodOption {
  /** The option key methods take ('noiseLevel'); the CLI flag is its kebab-case ('--noise-level'). */
  key: string;
  type: OptionType;
  choices?: readonly string[];
  placeholder?: string;
  /** The default where one number or word says it (shown in help). */
  default?: string | number | boolean;
  /** What it means (without the method names and the default, which are added). */
  help: string;
  /** The methods that take it, by registry name. */
  methods: readonly string[];
  /** The CLI flag when the key's kebab-case would mean something else on the command line (LIME's K: not --features). */
  flag?: string;
}

const GRADIENT_NOISE = ['smoothgrad', 'smooth-taylor'];
const CAM = ['grad-cam', 'grad-cam-plus-plus', 'ablation-cam', 'score-cam'];
const SHAPLEY = ['shapley-exact', 'shapley-sampling'];
const LRP = ['lrp'];

/** Every option but the LRP rule parameters (see `methodOptions`). */
const OPTIONS: readonly MethodOption[] = [
  { key: 'abs', type: 'boolean', help: 'absolute value of the gradient', methods: ['saliency'] },
  { key: 'steps', type: 'integer', default: DEFAULT_IG_STEPS, help: 'integration steps (influence: with --doi linear)', methods: ['integrated-gradients', 'influence'] },
  { key: 'integration', type: 'choice', choices: INTEGRATION_RULES, default: 'gausslegendre', help: "quadrature (riemann-trapezoid is Captum's, weights summing to (n-1)/n; uniform-endpoints is TruLens's LinearDoi, n points with both ends, weights 1/n)", methods: ['integrated-gradients', 'influence'] },
  { key: 'baseline', type: 'string', placeholder: 'zero|mean|<number>|<file>', default: 'zero', help: 'zero, the mean of the input rows, a number, or an array file (one row, or one per row)', methods: ['integrated-gradients', 'deeplift', 'influence', 'occlusion', 'feature-ablation', 'lime', ...SHAPLEY] },
  { key: 'samples', type: 'integer', help: 'number of samples (influence: with --doi gaussian)', methods: [...GRADIENT_NOISE, 'lime', 'kernel-shap', 'influence'] },
  { key: 'stdev', type: 'number', help: "noise standard deviation (absolute; TruLens's GaussianDoi var is its square)", methods: [...GRADIENT_NOISE, 'influence'] },
  { key: 'noiseLevel', type: 'number', default: DEFAULT_NOISE_LEVEL, help: "noise standard deviation relative to each row's range", methods: GRADIENT_NOISE },
  { key: 'variant', type: 'choice', choices: SMOOTHGRAD_VARIANTS, default: 'plain', help: 'plain, squared or vargrad', methods: ['smoothgrad'] },
  { key: 'seed', type: 'integer', help: 'seed (results are deterministic given it)', methods: [...GRADIENT_NOISE, 'lime', 'kernel-shap', 'shapley-sampling', 'influence'] },
  { key: 'eps', type: 'number', default: DEFAULT_DEEPLIFT_EPS, help: 'below this |z - z_ref| the gradient is used', methods: ['deeplift'] },
  { key: 'maxPool', type: 'choice', choices: DEEPLIFT_MAXPOOL_MODES, default: 'gradient', help: "max-pool handling: gradient (what Captum 0.7.0 returns) or captum (Captum's intended maxpool rule)", methods: ['deeplift'] },
  { key: 'layer', type: 'string', help: 'the layer, by ONNX node name (/conv2/Conv) or module name (conv2)', methods: CAM },
  { key: 'relu', type: 'boolean', help: 'ReLU on the map (grad-cam default false, like Captum)', methods: CAM },
  { key: 'upsample', type: 'choice', choices: ['none', 'nearest', 'bilinear'], help: "resize the map to the input's size", methods: CAM },
  { key: 'window', type: 'dims', help: 'window over the non-batch dimensions, e.g. 1x4x4', methods: ['occlusion'] },
  { key: 'stride', type: 'dims', help: 'stride, one number or one per dimension (e.g. 4 or 1x4x4)', methods: ['occlusion'] },
  { key: 'groups', type: 'string', placeholder: 'file', help: 'an array file with one integer group id per input element', methods: ['feature-ablation', 'lime', ...SHAPLEY, 'kernel-shap'] },
  { key: 'features', flag: 'lime-features', type: 'integer', help: 'number of features K chosen by Lasso (default: all)', methods: ['lime'] },
  { key: 'distance', type: 'choice', choices: ['euclidean', 'cosine'], help: 'distance in the binary perturbation space', methods: ['lime'] },
  { key: 'kernelWidth', type: 'number', help: 'exponential kernel width', methods: ['lime'] },
  { key: 'ridgeAlpha', type: 'number', default: 1, help: 'ridge penalty of the final fit', methods: ['lime'] },
  { key: 'background', type: 'string', placeholder: 'file', help: 'background rows (array file or table), averaged in the value function', methods: ['kernel-shap', 'tree-shap'] },
  { key: 'algorithm', type: 'choice', choices: ['interventional', 'path-dependent'], default: 'interventional', help: "interventional against --background or path-dependent with node covers (the file's nodes_hitrates, or --covers)", methods: ['tree-shap'] },
  { key: 'covers', type: 'string', placeholder: 'file', help: 'with --algorithm path-dependent: rows (e.g. the training data) whose counts per node are the covers', methods: ['tree-shap'] },
  { key: 'interactions', type: 'boolean', help: 'also write SHAP interaction values [rows, features, features] (.json output)', methods: ['tree-shap'] },
  { key: 'threads', type: 'integer', help: 'threads for the values (the caller and worker threads; default 1 in explain, the backend threads in evaluate); the values are the same for any count', methods: ['tree-shap'] },
  { key: 'paired', type: 'boolean', default: true, help: "also evaluate each coalition's complement", methods: ['kernel-shap'] },
  { key: 'enumerate', type: 'boolean', help: 'evaluate every coalition (exact; up to 20 features)', methods: ['kernel-shap'] },
  { key: 'maxFeatures', type: 'integer', default: SHAPLEY_EXACT_DEFAULT_MAX_FEATURES, help: 'refuse above this many features', methods: ['shapley-exact'] },
  { key: 'permutations', type: 'integer', default: SHAPLEY_SAMPLING_DEFAULT_PERMUTATIONS, help: 'permutations drawn', methods: ['shapley-sampling'] },
  { key: 'antithetic', type: 'boolean', help: 'also walk each permutation reversed', methods: ['shapley-sampling'] },
  { key: 'slice', type: 'string', placeholder: 'input|layer', default: 'input', help: "where influence is measured: 'input' or a layer (fc1, relu1, ... or an ONNX node name)", methods: ['influence'] },
  { key: 'qoi', type: 'string', placeholder: 'class:c|comparative:a,b|predicted|max-class', default: 'predicted', help: "the quantity of interest: logit c, logit a - logit b, each row's predicted class, or the maximal class at each evaluated point (TruLens's MaxClassQoI)", methods: ['influence'] },
  { key: 'doi', type: 'choice', choices: ['point', 'linear', 'gaussian'], default: 'point', help: 'distribution of interest around each row: the row, the straight path from --baseline (--steps, --integration), or Gaussian noise (--stdev, --samples, --seed)', methods: ['influence'] },
  { key: 'activationBaseline', type: 'choice', choices: ['zero', 'baseline-input'], default: 'baseline-input', help: "with --multiply-activation: a layer slice's baseline activation: the layer at the baseline input or zero (TruLens's)", methods: ['influence'] },
  { key: 'multiplyActivation', type: 'boolean', help: 'gradient x (activation - baseline activation); without it, the influence (the gradient) itself', methods: ['influence'] },
  { key: 'output', type: 'choice', choices: ['relevance', 'coefficients'], default: 'relevance', help: "the network's relevances theta(x) * x or its coefficients theta(x)", methods: ['senn'] },
];

/** LRP's own options around the rule parameters. */
function lrpOptions(): MethodOption[] {
  const layerRules = [...LRP_RULES.values()].filter((d) => d.appliesTo?.({ type: 'Dense', op: { linear: true }, params: { weight: {} }, inputs: ['x'] } as never) ?? true).map((d) => d.name);
  const params = [...ruleParameters()].map(([key, p]): MethodOption => ({
    key, type: 'number', ...(p.default !== undefined ? { default: p.default } : {}),
    help: p.help ?? (key === 'stabilizer' ? 'denominator stabiliser s of every other rule, z + s*sign(z)' : `parameter of the ${p.rules.join(', ')} rule`),
    methods: LRP,
  }));
  return [
    { key: 'composite', type: 'string', default: DEFAULT_COMPOSITE, help: [...COMPOSITES.keys()].join(', '), methods: LRP },
    { key: 'rule', type: 'string', help: `one rule on every Dense/Conv2d (${layerRules.join(', ')}), or a composite, or rules per layer`, methods: LRP },
    { key: 'layerRules', type: 'string', placeholder: 'fc1=zbox,fc2=gamma', help: 'rules by layer name, overriding the composite', methods: LRP },
    ...params,
    { key: 'outputRelevance', type: 'choice', choices: ['logit', 'one'], default: 'logit', help: 'start from the target output value or from 1', methods: LRP },
    { key: 'canonize', type: 'boolean', default: true, help: 'merge BatchNorm into the layer before it first', methods: LRP },
  ];
}

/** Every method option (the rule parameters of rules registered so far included). */
export function methodOptions(): MethodOption[] {
  return [...OPTIONS, ...lrpOptions()];
}

/** The option keys a method takes besides target and batchSize, in specification order. */
export function methodOptionKeys(method: string): string[] {
  return methodOptions().filter((o) => o.methods.includes(method)).map((o) => o.key);
}

/** The CLI flag of an option key ('noiseLevel' -> 'noise-level'). */
export function optionFlag(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The CLI flag of a method option: its own `flag`, else the key's kebab-case. */
export function methodOptionFlag(o: MethodOption): string {
  return o.flag ?? optionFlag(o.key);
}

/** Help text: the methods, what it means, and the default. */
export function optionHelp(o: MethodOption): string {
  const dflt = o.default === undefined ? '' : ` (default ${String(o.default)})`;
  return `${o.methods.join(', ')}: ${o.help}${dflt}`;
}
