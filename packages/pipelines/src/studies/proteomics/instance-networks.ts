/**
 * Instance networks: for one patient, the relevance of every source protein
 * for the prediction of every target protein with the target hidden, averaged
 * over the masks that hide it.
 *
 * Estimator: maskGroups * masks partition masks (masks.ts): every observed
 * target is hidden in exactly `masks` of them, and in those every other
 * protein is visible with probability 1 - 1/maskGroups. One forward pass per mask serves
 * every target hidden in it, and because LRP is linear in the output relevance
 * for a fixed forward pass, those targets go back together as one matrix
 * product per layer over only the active ReLU units (`lrpAllTargets`, the
 * one all-targets entry point: its fused path does one gathered product per
 * layer for all masks of the patient). Rules, composites, defaults and the
 * chain check are the methods package's; the study only names them.
 * The output relevance of target t is its prediction (1 for gradient x
 * input); the relevance of the two input channels of a protein is summed; a
 * hidden source contributes 0. With class inputs the patient's one-hot class
 * follows the proteins in every masked input; its relevance is not part of the
 * protein network.
 */
import { Generator, type Backend } from '@relevance/core-wasm';
import { lrpAllTargets, stats, type Model } from '@relevance/methods';
import { maskedInputs, partitionMasks, type MaskSet } from './masks.js';

export interface RelevanceOptions {
  /** What `explain --rule` takes: a rule ('gamma'), a composite or rules per layer ('fc1=zbox,fc2=gamma'). */
  rule: string;
  /** Rule parameters (each rule reads those it takes). */
  gamma: number;
  epsilon: number;
  /** Masks per target. */
  masks: number;
  /** Groups per round of masks: every other protein is visible with probability 1 - 1/maskGroups (2: Keyl et al.'s halves). */
  maskGroups: number;
  seed: number;
}

export interface InstanceNetwork {
  /** Directed relevance, row-major p x p: [target * p + source]. */
  directed: Float32Array;
  /** MSE of the hidden, observed proteins' predictions over all masks. */
  mseHidden: number;
  /** Pearson correlation between each observed protein and its mean prediction when hidden. */
  predictionCorrelation: number;
}

/** The mask generator of one instance depends only on (seed, row index): shards reproduce the unsharded run. */
export function instanceGenerator(seed: number, row: number): Generator {
  return new Generator((BigInt(seed) << 32n) + BigInt(row));
}

function hiddenTargets(set: MaskSet): Int32Array[] {
  const p = set.proteins;
  const lists: Int32Array[] = [];
  for (let k = 0; k < set.count; k++) {
    const t: number[] = [];
    for (let j = 0; j < p; j++) if (!set.visible[k * p + j]) t.push(j);
    lists.push(Int32Array.from(t));
  }
  return lists;
}

export async function instanceNetwork(model: Model, be: Backend, x: Float64Array, row: number, options: RelevanceOptions, context?: Float32Array): Promise<InstanceNetwork> {
  const missing = Array.from(x, (v) => Number.isNaN(v));
  const set = partitionMasks(x.length, options.masks, options.maskGroups, missing, instanceGenerator(options.seed, row));
  return instanceNetworkForMasks(model, be, x, set, options, context);
}

/** The instance network of one patient under a given set of masks (each target averaged over the masks that hide it). */
export async function instanceNetworkForMasks(model: Model, be: Backend, x: Float64Array, set: MaskSet, options: Pick<RelevanceOptions, 'rule' | 'gamma' | 'epsilon'>, context: Float32Array = new Float32Array(0)): Promise<InstanceNetwork> {
  const p = x.length;
  const width = 2 * p + context.length;
  const missing = Array.from(x, (v) => Number.isNaN(v));
  const inputs = maskedInputs(x, set, undefined, context);
  const targets = hiddenTargets(set);
  const directed = new Float32Array(p * p);
  const accumulate = (k: number, relevance: Float32Array, list: Int32Array): void => {
    for (let i = 0; i < list.length; i++) {
      const t = list[i]!;
      const scale = 1 / set.hiddenCount[t]!;
      const base = i * width;
      for (let s = 0; s < p; s++) {
        if (!set.visible[k * p + s]) continue; // a hidden source has no relevance
        directed[t * p + s]! += (relevance[base + s]! + relevance[base + p + s]!) * scale;
      }
    }
  };
  const xt = be.tensor(inputs, [set.count, width]);
  let outputs: Float32Array;
  try {
    const r = await lrpAllTargets(model, xt, { rule: options.rule, gamma: options.gamma, epsilon: options.epsilon, targetsPerRow: targets, onRow: accumulate, batchSize: set.count });
    outputs = r.outputs;
  } finally {
    xt.dispose();
  }
  // prediction quality of the hidden proteins
  let se = 0;
  let n = 0;
  const sumPred = new Float64Array(p);
  const countPred = new Int32Array(p);
  targets.forEach((list, k) => {
    for (const t of list) {
      if (missing[t]) continue;
      const pred = outputs[k * p + t]!;
      se += (pred - x[t]!) ** 2;
      n++;
      sumPred[t]! += pred;
      countPred[t]!++;
    }
  });
  const truth: number[] = [];
  const mean: number[] = [];
  for (let t = 0; t < p; t++) {
    if (countPred[t]! > 0) {
      truth.push(x[t]!);
      mean.push(sumPred[t]! / countPred[t]!);
    }
  }
  const predictionCorrelation = truth.length > 2 ? stats.pearson(truth, mean) : NaN;
  return { directed, mseHidden: n ? se / n : NaN, predictionCorrelation };
}
