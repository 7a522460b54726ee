/**
 * Influence as an attribution method (`relevance explain --method influence`):
 * one instance distribution per input row, written like any attribution,
 * shaped like the slice. Flat options, spelled the way the CLI spells them:
 *
 *   slice               'input' (default) or a layer
 *   qoi                 'class:<c>' | 'comparative:<a>,<b>' | 'predicted' (default) | 'max-class', or a QuantityOfInterest
 *   doi                 'point' (default) | 'linear' (steps, integration) | 'gaussian' (stdev, samples, seed)
 *   baseline            the input baseline of a linear path and of the multiplier
 *   activationBaseline  'baseline-input' (default) | 'zero' (TruLens's internal-cut baseline)
 *   multiplyActivation  gradient × (activation − baseline activation); without it the influence itself
 *
 * Every TruLens-Explain `InternalInfluence(model, (cut, OutputCut()), qoi, doi,
 * multiply_activation)` with a class, comparative or max-class quantity and a
 * point, linear or Gaussian DoI is one call (see README.md for the mapping).
 */
import type { Generator, Tensor } from '@relevance/core-wasm';
import type { Model } from '../model/model.js';
import type { BaselineSpec, IntegrationRule } from '../attribution/gradient/index.js';
import { checkOptions, outputWidth } from '../attribution/common.js';
import { AttributionError, type Attribution, type Target } from '../attribution/types.js';
import { computeInfluence } from './compute-influence.js';
import { INPUT_SLICE } from './slice.js';
import type { InstanceDistribution, QuantityOfInterest } from './types.js';

/** CLI name. */
export const INFLUENCE = 'influence';

export const INFLUENCE_DOIS = ['point', 'linear', 'gaussian'] as const;
export type InfluenceDoi = (typeof INFLUENCE_DOIS)[number];
export const ACTIVATION_BASELINES = ['baseline-input', 'zero'] as const;

export interface InfluenceMethodOptions {
  slice?: string;
  /** Default 'predicted'. */
  qoi?: string | QuantityOfInterest;
  /** Default 'point'. */
  doi?: InfluenceDoi;
  /** linear: path points (default 50). */
  steps?: number;
  /** linear: quadrature (default gausslegendre; 'uniform-endpoints' is TruLens's LinearDoi). */
  integration?: IntegrationRule;
  /** gaussian: absolute noise standard deviation in input space (TruLens's var = stdev²). */
  stdev?: number;
  /** gaussian: samples per instance (default 50). */
  samples?: number;
  seed?: number | Generator;
  baseline?: BaselineSpec;
  activationBaseline?: 'baseline-input' | 'zero';
  multiplyActivation?: boolean;
  batchSize?: number;
  /** The evaluation runner's target, an alias of qoi (argmax: predicted; k or one per row: class). */
  target?: Target;
}

/** Option names the method takes besides target and batchSize (the registry's list). */
export const INFLUENCE_METHOD_OPTION_NAMES = [
  'slice', 'qoi', 'doi', 'steps', 'integration', 'stdev', 'samples', 'seed', 'baseline', 'activationBaseline', 'multiplyActivation',
] as const;

const PER_DOI: Readonly<Record<string, InfluenceDoi>> = { steps: 'linear', integration: 'linear', stdev: 'gaussian', samples: 'gaussian', seed: 'gaussian' };

export interface CheckSpelling {
  /** How an option is named in messages (the CLI passes '--kebab-case'). */
  spell?: (key: string) => string;
  /**
   * Whether a seed without a Gaussian distribution is an error (the CLI); the
   * API ignores it, since the evaluation runner seeds every random method.
   */
  strictSeed?: boolean;
}

const has = (o: InfluenceMethodOptions, key: keyof InfluenceMethodOptions): boolean => o[key] !== undefined;

/** Reject options that do not apply to the chosen distribution or multiplier, naming each option as `spell` writes it. */
export function checkInfluenceOptions(options: InfluenceMethodOptions, how: CheckSpelling = {}): void {
  const spell = how.spell ?? ((k: string) => k);
  checkOptions(INFLUENCE, options, [...INFLUENCE_METHOD_OPTION_NAMES, 'target', 'batchSize']);
  const doi = options.doi ?? 'point';
  if (!INFLUENCE_DOIS.includes(doi)) throw new AttributionError(`${INFLUENCE}: ${spell('doi')} must be point, linear or gaussian, got '${String(doi)}'`);
  for (const [key, needs] of Object.entries(PER_DOI)) {
    if (key === 'seed' && !how.strictSeed) continue;
    if (has(options, key as keyof InfluenceMethodOptions) && doi !== needs) {
      throw new AttributionError(`${INFLUENCE}: ${spell(key)} applies only to ${spell('doi')} ${needs} (the distribution is ${doi})`);
    }
  }
  if (doi === 'gaussian' && !has(options, 'stdev')) throw new AttributionError(`${INFLUENCE}: ${spell('doi')} gaussian needs ${spell('stdev')} (the noise standard deviation; TruLens's var is its square)`);
  const mult = options.multiplyActivation === true;
  if (has(options, 'activationBaseline') && !mult) {
    throw new AttributionError(`${INFLUENCE}: ${spell('activationBaseline')} applies only with ${spell('multiplyActivation')} (the influence itself has no baseline)`);
  }
  if (has(options, 'baseline') && !mult && doi !== 'linear') {
    throw new AttributionError(`${INFLUENCE}: ${spell('baseline')} applies only to ${spell('doi')} linear or with ${spell('multiplyActivation')}`);
  }
  if (has(options, 'qoi') && has(options, 'target')) throw new AttributionError(`${INFLUENCE}: give the quantity once: ${spell('qoi')} or ${spell('target')}, not both`);
  if (options.activationBaseline !== undefined && !ACTIVATION_BASELINES.includes(options.activationBaseline)) {
    throw new AttributionError(`${INFLUENCE}: ${spell('activationBaseline')} must be baseline-input or zero, got '${String(options.activationBaseline)}'`);
  }
}

function classIndex(text: string, what: string, width: number | undefined, spell: string): number {
  if (!/^\d+$/.test(text)) throw new AttributionError(`${INFLUENCE}: ${spell} ${what}: '${text}' is not a class index (0, 1, ...)`);
  const c = Number(text);
  if (width !== undefined && c >= width) throw new AttributionError(`${INFLUENCE}: ${spell} ${what}: class ${c} is out of range: the model has ${width} outputs (0 to ${width - 1})`);
  return c;
}

/**
 * 'class:<c>' | 'comparative:<a>,<b>' | 'predicted' (each instance's class) |
 * 'max-class' (the maximal class at each evaluated point, TruLens's
 * MaxClassQoI); class indices are checked against `width` when given.
 */
export function parseQuantity(text: string, width?: number, spell = 'qoi'): QuantityOfInterest {
  const t = text.trim();
  if (t === 'predicted') return { kind: 'predicted' };
  if (t === 'max-class') return { kind: 'predicted', at: 'point' };
  const m = /^(class|comparative):(.*)$/.exec(t);
  if (m && m[1] === 'class') return { kind: 'class', class: classIndex(m[2]!.trim(), 'class', width, spell) };
  if (m && m[1] === 'comparative') {
    const parts = m[2]!.split(',').map((s) => s.trim());
    if (parts.length !== 2) throw new AttributionError(`${INFLUENCE}: ${spell} '${t}': a comparative quantity is comparative:<a>,<b> (two classes)`);
    const a = classIndex(parts[0]!, 'class a', width, spell);
    const b = classIndex(parts[1]!, 'class b', width, spell);
    if (a === b) throw new AttributionError(`${INFLUENCE}: ${spell} '${t}': a comparative quantity needs two different classes`);
    return { kind: 'comparative', a, b };
  }
  throw new AttributionError(`${INFLUENCE}: ${spell} '${t}' is not a quantity; use class:<c>, comparative:<a>,<b>, predicted or max-class`);
}

function quantityOf(options: InfluenceMethodOptions, width: number): QuantityOfInterest {
  const q = options.qoi;
  if (typeof q === 'string') return parseQuantity(q, width);
  if (q) return q;
  const t = options.target;
  if (t === undefined || t === 'argmax') return { kind: 'predicted' };
  return { kind: 'class', class: typeof t === 'number' ? t : Int32Array.from(t) };
}

function distributionOf(options: InfluenceMethodOptions): InstanceDistribution {
  switch (options.doi ?? 'point') {
    case 'linear':
      return { kind: 'linear-path', steps: options.steps, integration: options.integration };
    case 'gaussian':
      return { kind: 'gaussian', stdev: options.stdev!, samples: options.samples, seed: options.seed };
    default:
      return { kind: 'point' };
  }
}

/** Per-instance influence (or, with multiplyActivation, attribution) at the slice, as an Attribution. */
export async function influence(model: Model, inputs: Tensor, options: InfluenceMethodOptions = {}): Promise<Attribution> {
  checkInfluenceOptions(options);
  const quantity = quantityOf(options, outputWidth(model));
  const multiply = options.multiplyActivation === true;
  const r = await computeInfluence(INFLUENCE, model, inputs, {
    quantity,
    distribution: distributionOf(options),
    slice: options.slice,
    baseline: options.baseline,
    activationBaseline: options.activationBaseline,
    batchSize: options.batchSize,
  });
  const chosen = multiply ? r.attribution : r.influence;
  return {
    method: INFLUENCE,
    params: { ...chosen.params, qoi: typeof options.qoi === 'string' ? options.qoi.trim() : chosen.params.quantity, doi: options.doi ?? 'point', multiplyActivation: multiply },
    targets: chosen.targets,
    values: chosen.values,
    shape: chosen.shape,
    ...(chosen.slice !== INPUT_SLICE ? { layer: chosen.slice } : {}),
  };
}
