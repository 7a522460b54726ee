/**
 * Model-parameter randomisation test (Adebayo et al., "Sanity checks for
 * saliency maps", NeurIPS 2018): re-initialise layers from the top (output)
 * down, cascading (each step keeps the previous randomisations; or one layer
 * at a time with `cascading: false`), recompute the explanation with the same
 * method for the same targets, and report the Spearman rank correlation
 * between original and randomised explanations per row, averaged over rows.
 * An explanation that stays correlated while the model is destroyed does not
 * explain the model.
 *
 * Re-initialisation is seeded and, by default, that of a fresh layer:
 * Xavier-normal weights and zero biases.
 */
import { toGenerator, type Backend, type Generator, type Tensor } from '@relevance/core-wasm';
import type { Model, Node } from '../model/model.js';
import type { Attribution, AttributionMethod, Target } from '../attribution/types.js';
import { spearman } from '../stats/descriptive.js';
import { xavierNormal } from '../training/initializers.js';
import { finiteMean, metricTargets, MetricError, readRows } from './metric-inputs.js';

/** Replacement for one parameter tensor (the caller of the check disposes it). */
export type Reinitialise = (be: Backend, node: Node, role: string, current: Tensor, generator: Generator) => Tensor;

export interface ParameterRandomisationOptions {
  /** Options for `method` (its `target` is set here). */
  methodOptions?: Record<string, unknown>;
  /** Layers to randomise, top first (default: every node with a weight, from the output down). */
  layers?: readonly string[];
  /** Keep earlier randomisations (default true), or randomise one layer at a time. */
  cascading?: boolean;
  /** Correlate |phi| (default true, as Adebayo et al.'s figures) or signed phi. */
  absolute?: boolean;
  seed?: number | Generator;
  target?: Target;
  reinitialise?: Reinitialise;
  /** Called after each layer's explanation. */
  onStep?: (done: number, total: number, layer: string) => void;
}

export interface RandomisationStep {
  /** The layer randomised at this step. */
  layer: string;
  /** Every layer randomised in the model explained at this step. */
  randomised: string[];
  meanCorrelation: number;
  perRow: Float64Array;
}

export interface ParameterRandomisationResult {
  cascading: boolean;
  absolute: boolean;
  targets: Int32Array;
  original: Attribution;
  steps: RandomisationStep[];
}

const METRIC = 'parameterRandomisation';

export const freshLayerInit: Reinitialise = (be, _node, role, current, generator) => {
  if (role === 'weight' && current.rank >= 2) return xavierNormal(be, current.shape, generator);
  return be.zeros(current.shape);
};

export async function parameterRandomisation(model: Model, inputs: Tensor, method: AttributionMethod<any>, options: ParameterRandomisationOptions = {}): Promise<ParameterRandomisationResult> {
  const { rows, rowSize } = await readRows(METRIC, inputs);
  const be = model.be;
  const layers = (options.layers ?? [...model.nodes].reverse().filter((n) => n.params.weight).map((n) => n.name)).map((name) => model.node(name));
  if (layers.length === 0) throw new MetricError(`${METRIC}: the model has no layer with weights to randomise`);
  const cascading = options.cascading ?? true;
  const absolute = options.absolute ?? true;
  const reinitialise = options.reinitialise ?? freshLayerInit;
  const generator = toGenerator(options.seed ?? 0);
  const targets = await metricTargets(model, inputs, undefined, options.target);
  const methodOptions = { ...(options.methodOptions ?? {}), target: targets };
  const original = await method(model, inputs, methodOptions);
  if (original.values.length !== inputs.size) throw new MetricError(`${METRIC}: the method returned ${original.values.length} values for ${inputs.size} inputs; use an input attribution method`);
  const prepare = (v: ArrayLike<number>): Float64Array => Float64Array.from(v as ArrayLike<number>, absolute ? Math.abs : (x) => x);
  const before = prepare(original.values);
  // every randomised tensor is made once and disposed at the end: cascading models share them
  const created: Tensor[] = [];
  const replacements = new Map<string, Tensor>();
  const steps: RandomisationStep[] = [];
  try {
    for (const [index, node] of layers.entries()) {
      if (!cascading) replacements.clear();
      for (const [role, t] of Object.entries(node.params)) {
        const fresh = reinitialise(be, node, role, t, generator);
        if (fresh.shape.length !== t.shape.length || fresh.shape.some((d, i) => d !== t.shape[i])) {
          throw new MetricError(`${METRIC}: reinitialise gave [${fresh.shape.join(', ')}] for ${node.paramNames[role]} of shape [${t.shape.join(', ')}]`);
        }
        created.push(fresh);
        replacements.set(node.paramNames[role]!, fresh);
      }
      const randomised = model.withParameters(replacements);
      const after = prepare((await method(randomised, inputs, methodOptions)).values);
      const perRow = Float64Array.from({ length: rows }, (_, r) => spearman(before.subarray(r * rowSize, (r + 1) * rowSize), after.subarray(r * rowSize, (r + 1) * rowSize)));
      steps.push({
        layer: node.name,
        randomised: cascading ? layers.slice(0, index + 1).map((n) => n.name) : [node.name],
        meanCorrelation: finiteMean(perRow),
        perRow,
      });
      options.onStep?.(index + 1, layers.length, node.name);
    }
  } finally {
    for (const t of created) t.dispose();
  }
  return { cascading, absolute, targets, original, steps };
}
