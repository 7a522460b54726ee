/**
 * Masks for instance networks. Keyl et al. draw, for every target protein t,
 * `masks` random masks with t hidden and every other protein visible with
 * probability 1/2. We draw rounds of k masks (partitionMasks): each round puts
 * every observed protein in one of k groups and hides each group in one mask,
 * so every observed protein is hidden in exactly `masks` masks in which the
 * other proteins are independently visible with probability 1 - 1/k, from
 * k * masks forward passes shared by all targets (instead of masks * proteins
 * passes). k = 2 is Keyl's distribution (complementary pairs); the study's
 * default k = 4 shows three quarters (docs/BENCHMARKS.md, section 1b).
 * Missing values are hidden in every mask (a missing source never contributes).
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

/** Keyl et al.'s design: `masks` complementary pairs, half of the other proteins visible (partitionMasks with two groups). */
export function complementaryMasks(proteins: number, masks: number, missing: ArrayLike<boolean> | null, g: Generator): MaskSet {
  return partitionMasks(proteins, masks, 2, missing, g);
}

/**
 * `rounds` rounds of `groups` masks: each round puts every observed protein
 * in one of `groups` groups, uniformly and independently, and the round's
 * mask k hides group k. Every observed protein is hidden in exactly `rounds`
 * masks, and in those every other observed protein is visible with
 * probability 1 - 1/groups, independently: each mask explains all the
 * proteins it hides, so the masks are shared by all targets. Two groups are
 * complementaryMasks (one fair bit per protein, the same draws).
 * Missing proteins are hidden in every mask and draw nothing.
 */
export function partitionMasks(proteins: number, rounds: number, groups: number, missing: ArrayLike<boolean> | null, g: Generator): MaskSet {
  if (!Number.isInteger(groups) || groups < 2) throw new Error(`partitionMasks: groups must be an integer of at least 2, got ${groups}`);
  const bits = Math.log2(groups);
  // a power of two takes the top bits of one draw (two groups: the top bit, as the complementary pairs always did)
  const draw = Number.isInteger(bits) ? () => g.nextU32() >>> (32 - bits) : () => g.int(groups);
  const count = groups * rounds;
  const visible = new Uint8Array(count * proteins);
  const hiddenCount = new Int32Array(proteins);
  for (let r = 0; r < rounds; r++) {
    const first = r * groups;
    for (let j = 0; j < proteins; j++) {
      if (missing && missing[j]) {
        hiddenCount[j]! += groups;
        continue;
      }
      const hiddenIn = first + draw();
      for (let k = first; k < first + groups; k++) visible[k * proteins + j] = k === hiddenIn ? 0 : 1;
      hiddenCount[j]! += 1;
    }
  }
  return { visible, count, proteins, hiddenCount };
}

/**
 * `pairs` complementary mask pairs: `pairDraw` is called once per pair (in
 * order) and returns the visibility draw of each observed protein of the
 * pair's first mask; the second mask is its complement. Missing proteins are
 * hidden in both and draw nothing.
 */
function complementaryPairs(proteins: number, pairs: number, missing: ArrayLike<boolean> | null, pairDraw: () => () => number): MaskSet {
  const count = 2 * pairs;
  const visible = new Uint8Array(count * proteins);
  const hiddenCount = new Int32Array(proteins);
  for (let k = 0; k < pairs; k++) {
    const draw = pairDraw();
    const a = 2 * k * proteins;
    const b = (2 * k + 1) * proteins;
    for (let j = 0; j < proteins; j++) {
      if (missing && missing[j]) {
        hiddenCount[j]! += 2;
        continue;
      }
      const v = draw();
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
 * observed value can be (x and 1 - x are not both 0). A class context (the
 * one-hot class of masked-model.ts's class inputs) follows, unmasked.
 */
export function maskedInputs(x: ArrayLike<number>, set: MaskSet, out?: Float32Array, context: Float32Array = new Float32Array(0)): Float32Array {
  const p = set.proteins;
  const width = 2 * p + context.length;
  const res = out ?? new Float32Array(set.count * width);
  for (let k = 0; k < set.count; k++) {
    const row = k * width;
    for (let j = 0; j < p; j++) {
      const m = set.visible[k * p + j]!;
      const v = x[j]!;
      res[row + j] = m ? v : 0;
      res[row + p + j] = m ? 1 - v : 0;
    }
    if (context.length) res.set(context, row + 2 * p); // the class one-hot: always visible
  }
  return res;
}

/**
 * Leave-one-out masks: mask k hides only observed protein k (and every missing
 * value), so each target is explained with every other observed protein
 * visible: its relevance goes to its direct neighbours, as in a regression of
 * the target on all the others.
 */
export function leaveOneOutMasks(proteins: number, missing: ArrayLike<boolean> | null): MaskSet {
  const observed: number[] = [];
  for (let j = 0; j < proteins; j++) if (!(missing && missing[j])) observed.push(j);
  const count = observed.length;
  const visible = new Uint8Array(count * proteins);
  const hiddenCount = new Int32Array(proteins);
  observed.forEach((t, k) => {
    for (const j of observed) visible[k * proteins + j] = j === t ? 0 : 1;
  });
  for (let j = 0; j < proteins; j++) hiddenCount[j] = missing && missing[j] ? count : 1;
  return { visible, count, proteins, hiddenCount };
}

/**
 * Random masks that hide each observed protein with probability `hide`,
 * drawn until every observed protein is hidden in at least `perTarget` masks
 * (at most `perTarget / hide * 4` masks).
 */
export function randomMasks(proteins: number, perTarget: number, hide: number, missing: ArrayLike<boolean> | null, g: Generator): MaskSet {
  const rows: Uint8Array[] = [];
  const hiddenCount = new Int32Array(proteins);
  const limit = Math.ceil((perTarget / hide) * 4) + 1;
  const done = (): boolean => {
    for (let j = 0; j < proteins; j++) if (!(missing && missing[j]) && hiddenCount[j]! < perTarget) return false;
    return true;
  };
  while (!done() && rows.length < limit) {
    const v = new Uint8Array(proteins);
    for (let j = 0; j < proteins; j++) {
      if (missing && missing[j]) continue;
      v[j] = g.uniform() < hide ? 0 : 1;
      if (!v[j]) hiddenCount[j]!++;
    }
    rows.push(v);
  }
  const visible = new Uint8Array(rows.length * proteins);
  rows.forEach((v, k) => visible.set(v, k * proteins));
  for (let j = 0; j < proteins; j++) if (missing && missing[j]) hiddenCount[j] = rows.length;
  return { visible, count: rows.length, proteins, hiddenCount };
}

/**
 * Masks with a visibility drawn per mask, q ~ U(0, 1), and each observed
 * protein visible with probability q: coalitions of every size, weighted as
 * the Shapley value weights them, and the distribution the masked predictor
 * is trained on. Masks come in complementary pairs (q and 1 - q), so every
 * observed protein is hidden in exactly `pairs` masks.
 */
export function uniformVisibilityMasks(proteins: number, pairs: number, missing: ArrayLike<boolean> | null, g: Generator): MaskSet {
  return complementaryPairs(proteins, pairs, missing, () => {
    const q = g.uniform();
    return () => (g.uniform() < q ? 1 : 0);
  });
}

/**
 * Bytes one instance network holds at once: `count` masked inputs of width
 * 2p, every layer's activations for them, and the relevance of up to p hidden
 * targets per mask back to the 2p inputs (an upper estimate).
 */
export function instanceNetworkBytes(count: number, proteins: number, hidden: readonly number[]): number {
  const widest = Math.max(2 * proteins, ...hidden);
  const activations = 2 * hidden.reduce((a, b) => a + b, 0) + 2 * proteins;
  return 4 * count * (2 * proteins + activations + proteins * widest);
}
