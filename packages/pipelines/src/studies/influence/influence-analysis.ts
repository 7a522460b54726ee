/**
 * Every influence the study reports, at one slice of the classifier:
 * - per instance: ∂(predicted logit)/∂z at the instance, and its attribution;
 * - per class c: χ of q = y_c over the class's instances, and the mean attribution;
 * - per pair (a, b): χ of q = y_a − y_b over the instances of both classes;
 * - the dataset: χ of the predicted logit over all analysed instances.
 * Attributions are taken against one baseline input (the reference mean).
 */
import type { Tensor } from '@relevance/core-wasm';
import { distributionalInfluence, influenceAndAttribution, type Model } from '@relevance/methods';
import type { Progress } from '../../progress/progress.js';
import { yieldToEventLoop } from '../study-io.js';

export interface ClassInfluence {
  class: number;
  instances: number;
  distributional: Float32Array;
  meanAttribution: Float32Array;
}

export interface ComparativeInfluence {
  a: number;
  b: number;
  instances: number;
  influence: Float32Array;
}

export interface InfluenceAnalysis {
  /** Unit names: the features for the input slice, else `<layer>[i]`. */
  units: string[];
  /** Per analysed instance, row-major [instances, units]. */
  instanceInfluence: Float32Array;
  instanceAttribution: Float32Array;
  /** The class each instance's influence explains (its prediction). */
  predicted: Int32Array;
  perClass: ClassInfluence[];
  comparative: ComparativeInfluence[];
  dataset: { distributional: Float32Array; meanAttribution: Float32Array };
}

export interface AnalysisInputs {
  model: Model;
  /** The analysed instances as the model takes them, [n, features]. */
  x: Tensor;
  /** True class index per analysed instance. */
  labels: Int32Array;
  classes: readonly string[];
  pairs: ReadonlyArray<readonly [number, number]>;
  slice: string;
  features: readonly string[];
  /** The attribution baseline, [features]. */
  baseline: Tensor;
  progress: Progress;
}

export async function analyseInfluence(a: AnalysisInputs): Promise<InfluenceAnalysis> {
  const { model, x, labels, classes, progress } = a;
  const common = { slice: a.slice, baseline: a.baseline };
  const present = classes.map((_, c) => c).filter((c) => labels.includes(c));
  progress.start('influence', 2 + present.length + a.pairs.length);

  const instance = await influenceAndAttribution(model, x, { ...common, quantity: { kind: 'predicted' }, distribution: { kind: 'point' } });
  const units = a.slice === 'input' ? [...a.features] : Array.from({ length: instance.influence.shape.slice(1).reduce((p, d) => p * d, 1) }, (_, i) => `${instance.influence.slice}[${i}]`);
  progress.tick(1, 'instances');

  const labelList = Array.from(labels);
  const perClass: ClassInfluence[] = [];
  for (const c of present) {
    const r = await influenceAndAttribution(model, x, { ...common, quantity: { kind: 'class', class: c }, distribution: { kind: 'class', labels: labelList, class: c } });
    perClass.push({ class: c, instances: r.influence.instances, distributional: r.influence.values, meanAttribution: r.attribution.values });
    progress.tick(1, classes[c]);
    await yieldToEventLoop(); // Ctrl-C is handled between steps
  }

  const comparative: ComparativeInfluence[] = [];
  for (const [ca, cb] of a.pairs) {
    const rows = labelList.flatMap((l, r) => (l === ca || l === cb ? [r] : []));
    if (rows.length > 0) {
      const r = await distributionalInfluence(model, x, { ...common, quantity: { kind: 'comparative', a: ca, b: cb }, distribution: { kind: 'rows', rows } });
      comparative.push({ a: ca, b: cb, instances: r.instances, influence: r.values });
    }
    progress.tick(1, `${classes[ca]} - ${classes[cb]}`);
    await yieldToEventLoop();
  }

  const dataset = await influenceAndAttribution(model, x, { ...common, quantity: { kind: 'predicted' }, distribution: { kind: 'dataset' } });
  progress.tick(1, 'dataset');
  progress.done(`${labels.length} instances, ${units.length} units at ${a.slice}, ${present.length} classes, ${comparative.length} comparisons`);
  return {
    units,
    instanceInfluence: instance.influence.values,
    instanceAttribution: instance.attribution.values,
    predicted: instance.influence.targets,
    perClass,
    comparative,
    dataset: { distributional: dataset.influence.values, meanAttribution: dataset.attribution.values },
  };
}
