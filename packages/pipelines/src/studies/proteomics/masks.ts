/**
 * Masks for instance networks. Keyl et al. draw, for every target protein t,
 * `masks` random masks with t hidden and every other protein visible with
 * probability 1/2. We draw `masks` random masks and use each together with its
 * complement: every observed protein is hidden in exactly one mask of each
 * complementary pair, so it gets exactly `masks` masks in which the other
 * proteins are independently visible with probability 1/2, the same
 * distribution as Keyl's, from 2 * masks forward passes shared by all targets
 * (instead of masks * proteins passes). Missing values are hidden in both
 * masks of a pair (so a missing target gets 2 * masks masks, a missing source
 * never contributes).
 */
import type { Generator } from '@relevance/core-wasm';

export interface MaskSet {
  /** Row-major [count, proteins], 1 = visible. */
  visible: Uint8Array;
  count: number;
  proteins: number;
  /** For each protein, how many masks hide it (the denominator of its average). */
  hiddenCount: Int32Array;
}

export function complementaryMasks(proteins: number, masks: number, missing: ArrayLike<boolean> | null, g: Generator): MaskSet {
  const count = 2 * masks;
  const visible = new Uint8Array(count * proteins);
  const hiddenCount = new Int32Array(proteins);
  for (let k = 0; k < masks; k++) {
    const a = 2 * k * proteins;
    const b = (2 * k + 1) * proteins;
    for (let j = 0; j < proteins; j++) {
      if (missing && missing[j]) {
        hiddenCount[j]! += 2;
        continue;
      }
      const v = g.nextU32() >>> 31; // one fair bit
      visible[a + j] = v;
      visible[b + j] = 1 - v;
      hiddenCount[j]! += 1;
    }
  }
  return { visible, count, proteins, hiddenCount };
}

/**
 * The masked model's input [x * m, (1 - x) * m] for one instance under every
 * mask of a set: a hidden value (m = 0) is 0 in both channels, which no
 * observed value can be (x and 1 - x are not both 0).
 */
export function maskedInputs(x: ArrayLike<number>, set: MaskSet, out?: Float32Array): Float32Array {
  const p = set.proteins;
  const res = out ?? new Float32Array(set.count * 2 * p);
  for (let k = 0; k < set.count; k++) {
    const row = k * 2 * p;
    for (let j = 0; j < p; j++) {
      const m = set.visible[k * p + j]!;
      const v = x[j]!;
      res[row + j] = m ? v : 0;
      res[row + p + j] = m ? 1 - v : 0;
    }
  }
  return res;
}

/**
 * Bytes one instance network holds at once: 2 * masks masked inputs of width
 * 2p, every layer's activations for them, and the relevance of up to p hidden
 * targets per mask back to the 2p inputs (an upper estimate).
 */
export function instanceNetworkBytes(masks: number, proteins: number, hidden: readonly number[]): number {
  const count = 2 * masks;
  const widest = Math.max(2 * proteins, ...hidden);
  const activations = 2 * hidden.reduce((a, b) => a + b, 0) + 2 * proteins;
  return 4 * count * (2 * proteins + activations + proteins * widest);
}
