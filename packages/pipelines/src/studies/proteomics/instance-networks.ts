/**
 * Instance networks: for one patient, the relevance of every source protein
 * for the prediction of every target protein with the target hidden, averaged
 * over the masks that hide it.
 *
 * Estimator: 2 * masks complementary masks (masks.ts), so every observed
 * target is hidden in exactly `masks` of them. One forward pass per mask serves
 * every target hidden in it, and because LRP is linear in the output relevance
 * for a fixed forward pass, those targets go back together as one matrix
 * product per layer (`lrpAllTargets`, which also skips inactive ReLU units).
 * The output relevance of target t is its prediction; the relevance of the two
 * input channels of a protein is summed; a hidden source contributes 0.
 */
import { Generator, type Backend } from '@relevance/core-wasm';
import { lrpAllTargets, stats, type Model } from '@relevance/methods';
import { complementaryMasks, maskedInputs, type MaskSet } from './masks.js';

export type RelevanceRule = 'gamma' | 'epsilon' | 'gradient-x-input';

export interface RelevanceOptions {
  rule: RelevanceRule;
  gamma: number;
  epsilon: number;
  /** Masks per target. */
  masks: number;
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

/** Gradient x input for every (mask, hidden target) pair, by one batched backward. */
async function gradientTimesInput(model: Model, inputs: Float32Array, targets: Int32Array[], p: number, onRow: (row: number, relevance: Float32Array, targets: Int32Array) => void): Promise<Float32Array> {
  const be = model.be;
  const width = 2 * p;
  const pairs = targets.reduce((s, t) => s + t.length, 0);
  const x = new Float32Array(pairs * width);
  const seed = new Float32Array(pairs * p);
  let at = 0;
  targets.forEach((list, k) => {
    for (const t of list) {
      x.set(inputs.subarray(k * width, (k + 1) * width), at * width);
      seed[at * p + t] = 1;
      at++;
    }
  });
  const outputs = await be.asyncScope(async () => {
    const xt = be.tensor(x, [pairs, width]);
    const pass = model.forward(xt);
    try {
      const g = model.backward(pass, be.tensor(seed, [pairs, p]));
      const grad = (await g.input!.read()) as Float32Array;
      g.dispose();
      let row = 0;
      targets.forEach((list, k) => {
        const rel = new Float32Array(list.length * width);
        for (let i = 0; i < list.length; i++, row++) for (let c = 0; c < width; c++) rel[i * width + c] = grad[row * width + c]! * x[row * width + c]!;
        onRow(k, rel, list);
      });
      const y = model.predict(be.tensor(inputs, [targets.length, width]));
      return (await y.read()) as Float32Array;
    } finally {
      pass.dispose();
    }
  });
  return outputs;
}

export async function instanceNetwork(model: Model, be: Backend, x: Float64Array, row: number, options: RelevanceOptions): Promise<InstanceNetwork> {
  const p = x.length;
  const missing = Array.from(x, (v) => Number.isNaN(v));
  const set = complementaryMasks(p, options.masks, missing, instanceGenerator(options.seed, row));
  const inputs = maskedInputs(x, set);
  const targets = hiddenTargets(set);
  const directed = new Float32Array(p * p);
  const accumulate = (k: number, relevance: Float32Array, list: Int32Array): void => {
    const width = 2 * p;
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
  let outputs: Float32Array;
  if (options.rule === 'gradient-x-input') {
    outputs = await gradientTimesInput(model, inputs, targets, p, accumulate);
  } else {
    const xt = be.tensor(inputs, [set.count, 2 * p]);
    try {
      const r = await lrpAllTargets(model, xt, {
        rule: options.rule,
        ...(options.rule === 'gamma' ? { gamma: options.gamma } : { epsilon: options.epsilon }),
        targetsPerRow: targets,
        onRow: accumulate,
      });
      outputs = r.outputs;
    } finally {
      xt.dispose();
    }
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
