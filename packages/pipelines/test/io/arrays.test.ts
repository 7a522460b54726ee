/** readArray / writeArray: JSON {shape, data}, fixture wrappers, tables with ids, and every output format. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DataError, readArray, writeArray } from '../../src/index.js';
import { requireShared, sharedPath } from './helpers/shared-data.js';
import { useTempDir } from './helpers/temp-dir.js';

const tmp = useTempDir();

describe('JSON arrays', () => {
  it('reads {shape, data}, nested arrays and a wrapper with exactly one array entry', async () => {
    const plain = await readArray(tmp.write('a.json', JSON.stringify({ shape: [2, 3], data: [1, 2, 3, 4, 5, null] })));
    expect(plain.shape).toEqual([2, 3]);
    expect(Array.from(plain.data)).toEqual([1, 2, 3, 4, 5, NaN]);
    const nested = await readArray(tmp.write('n.json', '[[1, 2], [3, 4], [5, 6]]'));
    expect(nested.shape).toEqual([3, 2]);
    const wrapped = await readArray(tmp.write('w.json', JSON.stringify({ model: 'cnn', note: 'x', input: { shape: [1, 1, 2, 2], dtype: 'float32', data: [1, 2, 3, 4] } })));
    expect(wrapped.shape).toEqual([1, 1, 2, 2]);
  });

  it('rejects ambiguous wrappers, wrong sizes and non-numbers, naming the file', async () => {
    const two = tmp.write('two.json', JSON.stringify({ a: { shape: [1], data: [1] }, b: { shape: [1], data: [2] } }));
    await expect(readArray(two)).rejects.toThrow(/two\.json.*2 arrays \('a', 'b'\)/);
    const size = tmp.write('size.json', JSON.stringify({ shape: [2, 2], data: [1, 2, 3] }));
    await expect(readArray(size)).rejects.toThrow(/size\.json.*shape \[2, 2\] \(4 values\) but 3 values/);
    const text = tmp.write('text.json', JSON.stringify({ shape: [2], data: [1, 'x'] }));
    await expect(readArray(text)).rejects.toThrow(/text\.json.*element 1 is "x"/);
    const broken = tmp.write('broken.json', '{"shape": [1], ');
    await expect(readArray(broken)).rejects.toBeInstanceOf(DataError);
  });

  it('reads a JSON array of records as a table', async () => {
    const arr = await readArray(tmp.write('records.json', JSON.stringify([{ id: 'a', u: 1, v: 2 }, { id: 'b', u: 3, v: 4 }])));
    expect(arr.shape).toEqual([2, 2]);
    expect(arr.ids).toEqual(['a', 'b']);
    expect(arr.columnNames).toEqual(['u', 'v']);
  });
});

describe('tables as arrays', () => {
  it('uses the numeric columns in order, or --columns, and keeps the ids', async () => {
    const path = tmp.write('t.csv', 'sample,b,a,group\ns1,1,2,0\ns2,3,4,1\n');
    const all = await readArray(path);
    expect(all).toMatchObject({ shape: [2, 2], columnNames: ['b', 'a'], ids: ['s1', 's2'], idName: 'sample' });
    expect(Array.from(all.data)).toEqual([1, 2, 3, 4]);
    const picked = await readArray(path, { columns: 'a,b' });
    expect(Array.from(picked.data)).toEqual([2, 1, 4, 3]);
    const noId = await readArray(path, { idColumn: null, columns: '/^[ab]$/' });
    expect(noId.ids).toBeUndefined();
  });
});

describe('writeArray', () => {
  const data = Float32Array.from([0.1, -2, 3.5, NaN, 1e-7, 6].map(Math.fround));

  it('JSON: {shape, data} with float32 values in shortest form', async () => {
    const path = tmp.path('out.json');
    await writeArray(path, { shape: [2, 3], data });
    const text = readFileSync(path, 'utf8');
    expect(JSON.parse(text)).toEqual({ shape: [2, 3], data: [0.1, -2, 3.5, null, 1e-7, 6] });
    const back = await readArray(path);
    expect(back.shape).toEqual([2, 3]);
    expect(Array.from(back.data)).toEqual(Array.from(data));
  });

  for (const ext of ['csv', 'tsv', 'parquet', 'arrow', 'jsonl']) {
    it(`.${ext}: one row per first-axis index, ids first, round trip exact`, async () => {
      const path = tmp.path(`out.${ext}`);
      await writeArray(path, { shape: [2, 3], data, columnNames: ['output_0', 'output_1', 'output_2'], ids: ['r1', 'r2'], idName: 'sample' });
      const back = await readArray(path);
      expect(back.shape).toEqual([2, 3]);
      expect(back.columnNames).toEqual(['output_0', 'output_1', 'output_2']);
      expect(back.ids).toEqual(['r1', 'r2']);
      expect(back.idName).toBe('sample');
      expect(Array.from(back.data)).toEqual(Array.from(data));
    });
  }

  it('flattens trailing axes and names columns value_0..', async () => {
    const path = tmp.path('cube.csv');
    await writeArray(path, { shape: [1, 2, 2], data: Float32Array.of(1, 2, 3, 4) });
    expect(readFileSync(path, 'utf8')).toBe('value_0,value_1,value_2,value_3\n1,2,3,4\n');
  });
});

const mlpInputs = sharedPath('fixtures', 'mlp', 'inputs.json');
describe.runIf(requireShared('reference fixtures', mlpInputs))('fixture inputs', () => {
  it('reads mlp/inputs.json ({model, note, input: {shape, data}})', async () => {
    const arr = await readArray(mlpInputs!);
    expect(arr.shape).toEqual([64, 11]);
    const raw = JSON.parse(readFileSync(mlpInputs!, 'utf8')) as { input: { data: number[] } };
    expect(Array.from(arr.data)).toEqual(raw.input.data.map(Math.fround));
  });
});
