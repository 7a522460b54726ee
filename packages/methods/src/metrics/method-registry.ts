/**
 * Method specs as `relevance evaluate` and the comparison runner take them,
 * resolved through the project's method registry (attribution/registry.ts):
 *
 *   name[:variant][:key=value]...
 *   saliency   integrated-gradients:gausslegendre:steps=64   lrp:epsilon-plus-flat
 *   lrp:epsilon:epsilon=0.01   smoothgrad:vargrad:samples=20   occlusion:window=1x4x4
 *
 * The variant is a shorthand for the method's main choice (LRP: a composite
 * or one rule everywhere; integrated-gradients: the integration rule;
 * smoothgrad: plain, squared or vargrad; deeplift: the max-pool mode;
 * saliency: abs). Keys are option names (kebab-case is accepted) and must be
 * options the method takes; values parse as numbers, true/false, dims
 * (1x4x4 -> [1, 4, 4]) or text.
 */
import type { AttributionMethod } from '../attribution/types.js';
import { DEEPLIFT_MAXPOOL_MODES, INTEGRATION_RULES, SMOOTHGRAD_VARIANTS } from '../attribution/gradient/index.js';
import { parseRuleSelection } from '../attribution/lrp/index.js';
import { methodEntry } from '../attribution/registry.js';
import { MetricError } from './metric-inputs.js';

function choice(method: string, option: string, allowed: readonly string[]): (variant: string) => Record<string, unknown> {
  return (variant) => {
    if (!allowed.includes(variant)) throw new MetricError(`method '${method}': unknown variant '${variant}'; choose ${allowed.join(', ')}`);
    return { [option]: variant };
  };
}

/** The variant shorthands by method name. */
const VARIANTS: Readonly<Record<string, (variant: string) => Record<string, unknown>>> = {
  saliency: (v) => (v === 'abs' ? { abs: true } : choice('saliency', 'abs', ['abs'])(v)),
  'integrated-gradients': choice('integrated-gradients', 'integration', INTEGRATION_RULES),
  smoothgrad: choice('smoothgrad', 'variant', SMOOTHGRAD_VARIANTS),
  deeplift: choice('deeplift', 'maxPool', DEEPLIFT_MAXPOOL_MODES),
  // a composite or one rule everywhere: what --rule takes (lrp checks that the rule fits Dense/Conv2d)
  lrp: (v) => {
    try {
      return parseRuleSelection(v);
    } catch (e) {
      throw new MetricError(`method 'lrp': ${e instanceof Error ? e.message : String(e)}`);
    }
  },
};

export interface MethodSpec {
  /** The spec as written ('lrp:epsilon-plus-flat'): the method's label in result tables. */
  label: string;
  name: string;
  method: AttributionMethod<any>;
  /** Takes a seed (sampling methods). */
  random: boolean;
  /** Options from the variant and key=value parts. */
  options: Record<string, unknown>;
}

function parseValue(text: string): unknown {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return Number(text);
  if (/^\d+(x\d+)+$/i.test(text)) return text.split(/x/i).map(Number);
  return text;
}

/** camelCase of a kebab-case option name ('noise-level' -> 'noiseLevel'). */
function camel(key: string): string {
  return key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function parseMethodSpec(spec: string): MethodSpec {
  const parts = spec.trim().split(':');
  const name = parts[0]!;
  let entry;
  try {
    entry = methodEntry(name);
  } catch (e) {
    throw new MetricError(e instanceof Error ? e.message : String(e));
  }
  const options: Record<string, unknown> = {};
  for (const [i, part] of parts.slice(1).entries()) {
    const eq = part.indexOf('=');
    if (eq > 0) {
      const key = camel(part.slice(0, eq));
      if (!entry.options.includes(key) && key !== 'batchSize') {
        throw new MetricError(`method '${name}' has no option '${key}'; it takes ${[...entry.options, 'batchSize'].join(', ')}`);
      }
      options[key] = parseValue(part.slice(eq + 1));
    } else if (i === 0 && part !== '') {
      const variant = VARIANTS[name];
      if (!variant) throw new MetricError(`method '${name}' has no variants; give options as ${name}:key=value`);
      Object.assign(options, variant(part));
    } else {
      throw new MetricError(`method spec '${spec}': '${part}' is neither the variant (right after the name) nor key=value`);
    }
  }
  return { label: spec.trim(), name, method: entry.run, random: entry.random, options };
}
