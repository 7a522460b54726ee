/**
 * The proteomics study's parts: the mask design, the masked inputs, the
 * instance-network estimator (against a brute-force computation with one
 * `lrp()` call per mask and target), aggregation and evaluation.
 */
import { describe, expect, it } from 'vitest';
import { createBackend, Generator } from '@relevance/core-wasm';
import { lrp, mlp, saliency, stats } from '@relevance/methods';
import { complementaryMasks, maskedInputs, partitionMasks } from '../../../src/studies/proteomics/masks.js';
import { instanceGenerator, instanceNetwork } from '../../../src/studies/proteomics/instance-networks.js';
import { aggregate, LionessPearson, pairCount, symmetrize, targetNormalizedNetwork } from '../../../src/studies/proteomics/networks.js';
import { topKEnrichment } from '../../../src/studies/proteomics/evaluation.js';
import { generateSyntheticCohort } from '../../../src/studies/proteomics/synthetic.js';
import { classContext, inputClasses, maskedInputTransform, modelClasses, packRows } from '../../../src/studies/proteomics/masked-model.js';
import { stratifiedSplit } from '../../../src/studies/stratified-split.js';

const be = await createBackend('reference');

describe('masks', () => {
  it('every observed protein is hidden in exactly `masks` masks; a missing one in all; visibility is a fair coin', () => {
    const missing = [false, true, false, false, false, false];
    const set = complementaryMasks(6, 400, missing, new Generator(1));
    expect(set.count).toBe(800);
    const hidden = new Array(6).fill(0);
    for (let k = 0; k < set.count; k++) for (let j = 0; j < 6; j++) if (!set.visible[k * 6 + j]) hidden[j]++;
    expect(hidden).toEqual([400, 800, 400, 400, 400, 400]);
    expect(Array.from(set.hiddenCount)).toEqual(hidden);
    // among the masks hiding protein 0, protein 2 is visible about half the time, independently
    let both = 0;
    for (let k = 0; k < set.count; k++) if (!set.visible[k * 6] && set.visible[k * 6 + 2]) both++;
    expect(Math.abs(both / 400 - 0.5)).toBeLessThan(0.1);
  });

  it('two groups are the complementary pairs, draw for draw (one top bit per protein and pair)', () => {
    const missing = [false, false, true, false, false];
    const got = complementaryMasks(5, 7, missing, new Generator(11));
    const g = new Generator(11);
    const visible = new Uint8Array(14 * 5);
    for (let k = 0; k < 7; k++) {
      for (let j = 0; j < 5; j++) {
        if (missing[j]) continue;
        const v = g.nextU32() >>> 31;
        visible[2 * k * 5 + j] = v;
        visible[(2 * k + 1) * 5 + j] = 1 - v;
      }
    }
    expect(Array.from(got.visible)).toEqual(Array.from(visible));
    expect(Array.from(got.hiddenCount)).toEqual([7, 7, 14, 7, 7]);
  });

  for (const groups of [3, 4]) {
    it(`${groups} groups: each observed protein hidden in exactly one mask per round; others visible with probability ${groups - 1}/${groups}`, () => {
      const missing = [false, false, false, true, false, false];
      const rounds = 600;
      const set = partitionMasks(6, rounds, groups, missing, new Generator(5));
      expect(set.count).toBe(groups * rounds);
      for (let r = 0; r < rounds; r++) {
        for (let j = 0; j < 6; j++) {
          let hidden = 0;
          for (let k = r * groups; k < (r + 1) * groups; k++) hidden += 1 - set.visible[k * 6 + j]!;
          expect(hidden).toBe(missing[j] ? groups : 1);
        }
      }
      expect(Array.from(set.hiddenCount)).toEqual([rounds, rounds, rounds, groups * rounds, rounds, rounds]);
      // among the masks hiding protein 0, protein 4 is visible with probability 1 - 1/groups
      let visibleWith = 0;
      for (let k = 0; k < set.count; k++) if (!set.visible[k * 6] && set.visible[k * 6 + 4]) visibleWith++;
      expect(Math.abs(visibleWith / rounds - (1 - 1 / groups))).toBeLessThan(0.06);
    });
  }

  it('partition masks refuse fewer than two groups', () => {
    expect(() => partitionMasks(3, 2, 1, null, new Generator(1))).toThrow(/groups must be an integer of at least 2, got 1/);
  });

  it('a hidden value is (0, 0); an observed zero is (0, 1)', () => {
    const set = { visible: Uint8Array.from([1, 0, 1, 1, 1, 0]), count: 2, proteins: 3, hiddenCount: new Int32Array(3) };
    const x = maskedInputs([0, 2, -1], set);
    expect(Array.from(x)).toEqual([0, 0, -1, 1, 0, 2, 0, 2, 0, 1, -1, 0]);
  });
});

describe('instance networks', () => {
  const p = 5;
  const model = mlp(be, { inputs: 2 * p, hidden: [12, 12], outputs: p, seed: 3 });
  const x = Float64Array.from([0.5, -1.2, NaN, 2, 0.1]);

  for (const rule of ['gamma', 'epsilon', 'gradient-x-input'] as const) {
    it(`${rule}: equals one lrp()/gradient call per (mask, hidden target), channels summed, averaged over masks`, async () => {
      const options = { rule, gamma: 0.01, epsilon: 1e-6, masks: 3, maskGroups: 3, seed: 9 };
      const got = await instanceNetwork(model, be, x, 4, options);
      const set = partitionMasks(p, 3, 3, Array.from(x, Number.isNaN), instanceGenerator(9, 4));
      const inputs = maskedInputs(x, set);
      const expected = new Float64Array(p * p);
      for (let k = 0; k < set.count; k++) {
        const row = be.tensor(inputs.slice(k * 2 * p, (k + 1) * 2 * p), [1, 2 * p]);
        for (let t = 0; t < p; t++) {
          if (set.visible[k * p + t]) continue;
          let rel: Float32Array;
          if (rule === 'gradient-x-input') {
            const g = await saliency(model, row, { target: t });
            rel = g.values.map((v, i) => v * inputs[k * 2 * p + i]!);
          } else {
            rel = (await lrp(model, row, { rule, target: t, ...(rule === 'gamma' ? { gamma: 0.01 } : { epsilon: 1e-6 }) })).values;
          }
          for (let s = 0; s < p; s++) expected[t * p + s]! += (rel[s]! + rel[p + s]!) / set.hiddenCount[t]!;
        }
        row.dispose();
      }
      for (let i = 0; i < p * p; i++) expect(got.directed[i]).toBeCloseTo(expected[i]!, 5);
      // a missing source never has relevance; a target's own entry is 0
      for (let t = 0; t < p; t++) {
        expect(got.directed[t * p + 2]).toBe(0);
        expect(got.directed[t * p + t]).toBe(0);
      }
      expect(Number.isFinite(got.mseHidden)).toBe(true);
    });
  }
});

describe('class inputs', () => {
  const p = 4;
  const data = { proteins: ['a', 'b', 'c', 'd'], classNames: ['A', 'B', 'C'], labels: ['B', 'A', 'C', 'B'] };

  it('the one-hot class follows the two channels of every mask, unmasked', () => {
    const set = { visible: Uint8Array.from([1, 0, 1, 1, 0, 1, 0, 0]), count: 2, proteins: p, hiddenCount: new Int32Array(p) };
    const x = maskedInputs([1, 2, 3, 4], set, undefined, classContext(data, data.classNames, 2));
    expect(Array.from(x)).toEqual([1, 0, 3, 4, 0, 0, -2, -3, 0, 0, 1, 0, 2, 0, 0, 0, -1, 0, 0, 0, 0, 1]);
  });

  it('auto uses the classes when there are two or more; off and class-less data use none', () => {
    expect(inputClasses(data, 'auto')).toEqual(['A', 'B', 'C']);
    expect(inputClasses(data, 'off')).toEqual([]);
    expect(inputClasses({ classNames: [], labels: null }, 'auto')).toEqual([]);
    expect(inputClasses({ classNames: ['A'], labels: ['A', 'A'] }, 'auto')).toEqual([]);
  });

  it("packRows and the input transform put the class after the masked channels; the model's width names its classes", async () => {
    const values = Float64Array.from([0.5, NaN, 1, -1, 2, 0, 0, 1]);
    const packed = packRows(values, p, [1, 0], (r) => classContext(data, data.classNames, r));
    expect(packed.width).toBe(2 * p + 3);
    expect(Array.from(packed.x.subarray(0, packed.width))).toEqual([2, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0]);
    expect(Array.from(packed.x.subarray(packed.width))).toEqual([0.5, 0, 1, -1, 1, 0, 1, 1, 0, 1, 0]);
    const transform = maskedInputTransform(p, 3);
    const xt = be.tensor(packed.x, [2, packed.width]);
    const mask = be.tensor(Float32Array.from([1, 0, 0, 0, 0, 0, 0, 1]), [2, p]);
    const out = transform(xt, { be, mask });
    expect(Array.from(await out.read(), (v) => v + 0)).toEqual([0, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 0.5, 0, 1, 0, 0.5, 0, 0, 0, 0, 1, 0]);
    for (const t of [xt, mask, out]) t.dispose();
    const withClasses = mlp(be, { inputs: 2 * p + 3, hidden: [6], outputs: p, seed: 1 });
    const without = mlp(be, { inputs: 2 * p, hidden: [6], outputs: p, seed: 1 });
    expect(modelClasses(withClasses, data)).toEqual(['A', 'B', 'C']);
    expect(modelClasses(without, data)).toEqual([]);
    expect(() => modelClasses(withClasses, { ...data, labels: null })).toThrow(/11 inputs.*no class column/);
    withClasses.dispose();
    without.dispose();
  });

  it("an instance network with a class context is p x p and differs when the class changes", async () => {
    const model = mlp(be, { inputs: 2 * p + 3, hidden: [10, 10], outputs: p, seed: 5 });
    const x = Float64Array.from([0.3, -0.7, 1.1, 0.2]);
    const options = { rule: 'gamma', gamma: 0.01, epsilon: 1e-6, masks: 4, maskGroups: 4, seed: 2 };
    const a = await instanceNetwork(model, be, x, 0, options, classContext(data, data.classNames, 1));
    const b = await instanceNetwork(model, be, x, 0, options, classContext(data, data.classNames, 2));
    expect(a.directed.length).toBe(p * p);
    expect(Array.from(a.directed)).not.toEqual(Array.from(b.directed));
    model.dispose();
  });
});

describe('networks and evaluation', () => {
  it('symmetrises |R| and aggregates medians and quartiles per pair', () => {
    const directed = Float32Array.from([0, -2, 4, 1, 0, 6, 0, -3, 0]);
    expect(Array.from(symmetrize(directed, 3))).toEqual([1.5, 2, 4.5]);
    const nets = Float32Array.from([1, 2, 3, 3, 2, 1, 5, 2, 0]);
    const a = aggregate(nets, 3);
    expect(Array.from(a.median)).toEqual([3, 2, 1]);
    expect(Array.from(a.q25)).toEqual([2, 2, 0.5]);
    expect(a.instances).toBe(3);
    expect(pairCount(147)).toBe(10731);
  });

  it('class and cohort score: per-target damped mean and median of |R|, geometric mean, directions averaged, |pcor|^(1/4)', () => {
    // two instances, p = 3, row = target, column = source
    const inst = [Float32Array.from([0, 2, -2, 1, 0, 3, 4, -4, 0]), Float32Array.from([0, 6, 2, -3, 0, 1, 0, 8, 0])];
    const { pairs, directed } = targetNormalizedNetwork((i) => inst[i]!, [0, 1], 3, null);
    // mean |R| by target: t0 (4, 2), t1 (2, 2), t2 (2, 6); totals 6, 4, 8, mean total 6; each row / sqrt(total * 6).
    // The median of two values is their mean, so G is the normalised mean.
    const n = (t: number, v: number): number => v / Math.sqrt([6, 4, 8][t]! * 6);
    const G = [[0, n(0, 4), n(0, 2)], [n(1, 2), 0, n(1, 2)], [n(2, 2), n(2, 6), 0]];
    const want = [G[0]![1]!, G[0]![2]!, G[1]![0]!, G[1]![2]!, G[2]![0]!, G[2]![1]!];
    want.forEach((w, k) => expect(directed[k]).toBeCloseTo(w, 6));
    expect(pairs[0]).toBeCloseTo((G[0]![1]! + G[1]![0]!) / 2, 6);
    expect(pairs[1]).toBeCloseTo((G[0]![2]! + G[2]![0]!) / 2, 6);
    expect(pairs[2]).toBeCloseTo((G[1]![2]! + G[2]![1]!) / 2, 6);
    const weighted = targetNormalizedNetwork((i) => inst[i]!, [0, 1], 3, [0.0016, 1, 0.0625]);
    expect(weighted.pairs[0]).toBeCloseTo(pairs[0]! * 0.2, 6);
    expect(weighted.pairs[2]).toBeCloseTo(pairs[2]! * 0.5, 6);
    expect(weighted.directed[4]).toBeCloseTo(directed[4]!, 6); // (target 2, source 0): pair (0, 2), weight 1
    expect(weighted.directed[5]).toBeCloseTo(directed[5]! * 0.5, 6); // (target 2, source 1): pair (1, 2)
    expect(weighted.directed[0]).toBeCloseTo(directed[0]! * 0.2, 6); // (target 0, source 1): pair (0, 1)
  });

  it('class and cohort score: a target with c times the relevance counts sqrt(c) times, not c; the median damps outliers', () => {
    const g = new Generator(5);
    const p = 6, n = 9;
    const inst = Array.from({ length: n }, () => Float32Array.from({ length: p * p }, () => g.normal()));
    const scaled = inst.map((m) => Float32Array.from(m, (v, k) => (Math.floor(k / p) === 2 ? v * 1000 : v)));
    const rows = Array.from({ length: n }, (_, i) => i);
    const a = targetNormalizedNetwork((i) => inst[i]!, rows, p, null).directed;
    const b = targetNormalizedNetwork((i) => scaled[i]!, rows, p, null).directed;
    // directed index of (target t, source s), diagonal left out
    const at = (t: number, s: number): number => t * (p - 1) + (s < t ? s : s - 1);
    expect(b[at(2, 0)]! / b[at(0, 1)]!).toBeCloseTo((a[at(2, 0)]! / a[at(0, 1)]!) * Math.sqrt(1000), 3);
    expect(b[at(1, 3)]! / b[at(0, 1)]!).toBeCloseTo(a[at(1, 3)]! / a[at(0, 1)]!, 5);
    // one instance's outlier moves the mean, not the median: the score moves, but much less than the mean alone would
    const outlier = inst.map((m, i) => (i === 0 ? Float32Array.from(m, (v, k) => (k === 1 ? 1e3 : v)) : m));
    const c = targetNormalizedNetwork((i) => outlier[i]!, rows, p, null).directed;
    expect(c[0]!).toBeGreaterThan(a[0]!);
    expect(c[0]! / a[0]!).toBeLessThan(Math.sqrt(1e3 / 9));
    expect(Array.from(targetNormalizedNetwork((i) => inst[i]!, [], p, null).pairs).every(Number.isNaN)).toBe(true);
  });

  it('top-k enrichment counts hits among the k best pairs and tests them hypergeometrically', () => {
    const scores = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0];
    const labels = [1, 1, 0, 1, 0, 0, 0, 0, 0, 1];
    const e = topKEnrichment(scores, labels, 4);
    expect(e.hits).toBe(3);
    expect(e.expected).toBeCloseTo(1.6, 12);
    expect(e.p_value).toBeCloseTo(stats.hypergeometricUpperTail(3, 10, 4, 4), 12);
  });

  it('LIONESS with Pearson: e_i = (N+1)(r(all) - r(ref)) + r(ref)', () => {
    const g = new Generator(2);
    const data = Float64Array.from({ length: 50 * 3 }, () => g.normal());
    const l = new LionessPearson(data, 50, 3);
    const x = [0.3, -1, 2];
    const withX = Float64Array.from([...data, ...x]);
    const r = (d: Float64Array, n: number, a: number, b: number): number => stats.pearson(Array.from({ length: n }, (_, i) => d[i * 3 + a]!), Array.from({ length: n }, (_, i) => d[i * 3 + b]!));
    const expected = Math.abs(51 * (r(withX, 51, 0, 1) - r(data, 50, 0, 1)) + r(data, 50, 0, 1));
    expect(l.instance(x)[0]).toBeCloseTo(expected, 4);
  });
});

describe('data stage', () => {
  it('the synthetic cohort is reproducible and its truth has shared and class-specific modules', () => {
    const a = generateSyntheticCohort({ seed: 5, proteins: 20, classes: 3, instancesPerClass: 10 });
    const b = generateSyntheticCohort({ seed: 5, proteins: 20, classes: 3, instancesPerClass: 10 });
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    expect(a.edges.some((e) => e.shared && e.classes.length === 3)).toBe(true);
    expect(a.edges.some((e) => !e.shared && e.classes.length === 1)).toBe(true);
    expect(new Set(a.labels).size).toBe(3);
  });

  it('the stratified split is disjoint, covers every row, keeps class proportions and is seeded', () => {
    const labels = Array.from({ length: 100 }, (_, i) => (i % 4 === 0 ? 'a' : 'b'));
    const split = (l: string[], n: number) => stratifiedSplit(l, n, { testFraction: 0.3, hint: '' }, new Generator(1), 'x.csv');
    const train = Array.from(split(labels, 100).train);
    const test = Array.from(split(labels, 100).test);
    expect(new Set([...train, ...test]).size).toBe(100);
    expect(train.filter((r) => test.includes(r))).toEqual([]);
    expect(test.filter((r) => labels[r] === 'a').length).toBe(Math.round(25 * 0.3));
    expect(Array.from(split(labels, 100).test)).toEqual(test);
    expect(split(labels, 100).validation.length).toBe(0);
    expect(() => split(['a', 'b', 'b'], 3)).toThrow(/class 'a' has 1 row, too few for a train\/test split/);
  });
});
