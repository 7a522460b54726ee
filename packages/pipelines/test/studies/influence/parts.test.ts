/**
 * The study's parts on small hand-made inputs: the stratified split, class
 * metrics, deviations, --where rows, --compare pairs, the study dispatcher's
 * option union, and the data stage (unlabelled rows, missing cells, ids).
 */
import { describe, expect, it } from 'vitest';
import { Generator } from '@relevance/core-wasm';
import { makeTable, numberColumn, stringColumn, DataError } from '../../../src/index.js';
import type { Command } from '../../../src/cli/command.js';
import { unionOptions } from '../../../src/cli/commands/study.js';
import { parseComparePairs } from '../../../src/cli/commands/study-influence.js';
import { classificationMetrics } from '../../../src/studies/influence/classification-metrics.js';
import { deviations, topUnits } from '../../../src/studies/influence/deviations.js';
import { loadStudyTable } from '../../../src/studies/influence/load-data.js';
import { stratifiedSplit } from '../../../src/studies/stratified-split.js';
import { rowsWhere } from '../../../src/studies/influence/where-rows.js';
import { balancedClassWeights } from '../../../src/studies/influence/classifier.js';
import { useTempDir } from '../../io/helpers/temp-dir.js';

const temp = useTempDir('relevance-influence-parts-');

describe('stratified split', () => {
  it('puts every class in all three parts, disjointly, the same way for one seed', () => {
    const labels = [...Array(20).fill('a'), ...Array(10).fill('b'), ...Array(5).fill('c')] as string[];
    const s = stratifiedSplit(labels, labels.length, { testFraction: 0.2, validationFraction: 0.2, hint: '' }, new Generator(1), 'x');
    const all = [...s.train, ...s.validation, ...s.test].sort((p, q) => p - q);
    expect(all).toEqual(Array.from({ length: 35 }, (_, i) => i));
    for (const part of [s.train, s.validation, s.test]) expect(new Set(Array.from(part, (r) => labels[r]))).toEqual(new Set(['a', 'b', 'c']));
    expect(s.test.length).toBe(4 + 2 + 1);
    const again = stratifiedSplit(labels, labels.length, { testFraction: 0.2, validationFraction: 0.2, hint: '' }, new Generator(1), 'x');
    expect(Array.from(again.test)).toEqual(Array.from(s.test));
    expect(() => stratifiedSplit([...labels, 'd', 'd'], labels.length + 2, { testFraction: 0.2, validationFraction: 0.2, hint: '' }, new Generator(1), 'x')).toThrow(/class 'd' has 2 rows/);
  });
});

describe('classification metrics', () => {
  it('accuracy, balanced accuracy, precision, recall and the confusion matrix', () => {
    const m = classificationMetrics([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 1, 1], ['a', 'b', 'c']);
    expect(m.accuracy).toBeCloseTo(4 / 6, 12);
    expect(m.balancedAccuracy).toBeCloseTo((2 / 3 + 1 + 0) / 3, 12);
    expect(m.perClass[1]).toEqual({ class: 'b', precision: 0.5, recall: 1, support: 2 });
    expect(m.perClass[2]).toEqual({ class: 'c', precision: null, recall: 0, support: 1 });
    expect(m.confusion).toEqual([[2, 1, 0], [0, 2, 0], [0, 1, 0]]);
  });

  it('balanced class weights', () => {
    expect(Array.from(balancedClassWeights(Int32Array.from([0, 0, 0, 1]), 2))).toEqual([4 / 6, 2].map(Math.fround));
  });
});

describe('deviations', () => {
  it('rank correlation, deviation rank and the units that differ', () => {
    const cls = Float32Array.from([5, 4, 3, 2, 1]);
    const inst = Float32Array.from([
      5, 4, 3, 2, 1, // same order as the class
      1, 2, 3, 4, 5, // reversed
      0, 0, 0, 0, 0, // constant: undefined correlation
    ]);
    const d = deviations(inst, 5, () => cls, 2);
    expect(d.map((x) => x.rankCorrelation)).toEqual([1, -1, NaN]);
    expect(d.map((x) => x.deviationRank)).toEqual([2, 1, 3]);
    expect(d[1]!.instanceOnly).toEqual([4, 3]);
    expect(d[1]!.classOnly).toEqual([0, 1]);
    expect(d[0]!.instanceOnly).toEqual([]);
    expect(topUnits([1, -7, 3], 2)).toEqual([1, 2]);
  });
});

describe('--where and --compare', () => {
  it('rows where a DuckDB condition holds, on any column', async () => {
    const table = makeTable('t', [stringColumn('subtype', ['a', 'b', 'a', null]), numberColumn('14-3-3_epsilon', [1, 2, 3, 4])]);
    expect(Array.from(await rowsWhere(table, "subtype = 'a'"))).toEqual([0, 2]);
    expect(Array.from(await rowsWhere(table, '"14-3-3_epsilon" > 1.5 and subtype is not null'))).toEqual([1, 2]);
    await expect(rowsWhere(table, 'nope > 1')).rejects.toThrow(DataError);
  });

  it('compare pairs', () => {
    expect(parseComparePairs(['A,B', 'B, C;A,C'])).toEqual([['A', 'B'], ['B', 'C'], ['A', 'C']]);
    expect(() => parseComparePairs(['A'])).toThrow(/pair of classes/);
    expect(() => parseComparePairs(['A,A'])).toThrow(/two different classes/);
  });
});

describe('study dispatcher', () => {
  const study = (name: string, options: Command['options']): Command => ({ name, summary: name, usage: name, options, run: async () => 0 });
  it('merges the studies’ options, marks study-specific ones, and rejects two types for one name', () => {
    const merged = unionOptions([
      study('one', [{ name: 'data', type: 'string', required: true, help: 'table' }, { name: 'alpha', type: 'number', default: 1, help: 'a' }]),
      study('two', [{ name: 'data', type: 'string', help: 'table' }]),
    ]);
    expect(merged.map((o) => o.name)).toEqual(['data', 'alpha']);
    expect(merged[0]!.required).toBeUndefined();
    expect(merged[1]!.default).toBeUndefined();
    expect(merged[1]!.help).toBe('a [study one]');
    expect(() => unionOptions([study('one', [{ name: 'x', type: 'number', help: '' }]), study('two', [{ name: 'x', type: 'string', help: '' }])])).toThrow(/--x is a number in 'study one' but a string in 'study two'/);
  });
});

describe('data stage', () => {
  it('drops unlabelled rows, numbers rows without ids, and names a missing cell', async () => {
    const csv = temp.write('d.csv', 'label,a,b\nx,1,2\n,3,4\ny,5,6\nx,7,8\n');
    const t = await loadStudyTable({ data: csv, labelColumn: 'label', idColumn: null });
    expect(t.rows).toBe(3);
    expect(t.unlabelled).toBe(1);
    expect(t.ids).toEqual([1, 3, 4]);
    expect(t.labels).toEqual(['x', 'y', 'x']);
    expect(t.features).toEqual(['a', 'b']);
    expect(Array.from(t.x)).toEqual([1, 2, 5, 6, 7, 8]);
    const holes = temp.write('holes.csv', 'label,a,b\nx,1,2\ny,,4\n');
    await expect(loadStudyTable({ data: holes, labelColumn: 'label' })).rejects.toThrow(/column 'a' is missing in row 2 \(line 3 of the file\)/);
    const where = await loadStudyTable({ data: csv, labelColumn: 'label', where: 'a >= 3' });
    expect(Array.from(where.analysed)).toEqual([1, 2]);
  });
});
