/** Writing tables: round trips for every format, byte-identical rewrites, atomic replacement. */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  booleanColumn,
  makeTable,
  numberColumn,
  readTable,
  sha256File,
  stringColumn,
  writeFileAtomic,
  writeJsonAtomic,
  writeTable,
  type Table,
} from '../../src/index.js';
import { useTempDir } from './helpers/temp-dir.js';

const tmp = useTempDir();

function sampleTable(rows = 50): Table {
  const ids = Array.from({ length: rows }, (_, i) => `TCGA-${String(i).padStart(4, '0')}`);
  // deterministic awkward values: tiny, huge, negative zero excluded (CSV cannot keep its sign), missing
  const x = Array.from({ length: rows }, (_, i) => (i % 9 === 4 ? NaN : Math.sin(i + 1) * 10 ** ((i % 7) - 3)));
  const f32 = Array.from({ length: rows }, (_, i) => Math.fround(i / 7 - 2));
  const text: (string | null)[] = Array.from({ length: rows }, (_, i) => (i % 5 === 0 ? null : ['plain', 'a,comma', 'a "quote"', 'line\nbreak', 'Zürich μ'][i % 5]!));
  const flags = Array.from({ length: rows }, (_, i) => (i % 6 === 0 ? null : i % 2 === 0));
  return makeTable('sample', [
    stringColumn('sample_barcode', ids),
    numberColumn('0', x),
    numberColumn('1', f32, true),
    stringColumn('note, with comma', text),
    booleanColumn('flag', flags),
  ]);
}

function expectSameTable(actual: Table, expected: Table, label: string): void {
  expect(actual.rows, label).toBe(expected.rows);
  expect(actual.columns.map((c) => c.name), label).toEqual(expected.columns.map((c) => c.name));
  expected.columns.forEach((c, j) => {
    const a = actual.columns[j]!;
    expect(a.type, `${label} ${c.name}`).toBe(c.type);
    // text formats print float32 values in their shortest form: exact after Math.fround
    const values = c.type === 'number' && c.float32 ? Array.from(a.values as Float64Array, Math.fround) : Array.from(a.values as ArrayLike<unknown>);
    expect(values, `${label} ${c.name}`).toEqual(Array.from(c.values as ArrayLike<unknown>));
  });
}

describe('round trips', () => {
  const table = sampleTable();
  for (const ext of ['csv', 'tsv', 'csv.gz', 'parquet', 'arrow', 'json', 'jsonl']) {
    it(`.${ext} gives back the same names, types and values (NaN/null missing, float32 exact)`, async () => {
      const path = tmp.path(`round.${ext}`);
      await writeTable(path, table);
      expectSameTable(await readTable(path), table, ext);
    });
  }

  it('float32 columns print short in text formats and exact in binary ones', async () => {
    const t = makeTable('f', [numberColumn('v', [0.1, 1 / 3, 1e-8].map(Math.fround), true)]);
    const csv = tmp.path('short.csv');
    await writeTable(csv, t);
    expect(readFileSync(csv, 'utf8')).toBe('v\n0.1\n0.33333334\n1e-8\n');
    const back = await readTable(csv);
    expect(Array.from(back.columns[0]!.values as Float64Array).map(Math.fround)).toEqual(Array.from(t.columns[0]!.values as Float64Array));
  });

  it('writes an empty table with its header', async () => {
    const t = makeTable('empty', [stringColumn('id', []), numberColumn('x', [])]);
    for (const ext of ['csv', 'parquet', 'arrow']) {
      const path = tmp.path(`empty.${ext}`);
      await writeTable(path, t);
      const back = await readTable(path);
      expect(back.rows, ext).toBe(0);
      expect(back.columns.map((c) => c.name), ext).toEqual(['id', 'x']);
    }
  });

  it('JSON array layout: {shape, data, columns, ids}', async () => {
    const t = makeTable('a', [stringColumn('id', ['a', 'b']), numberColumn('x', [1, 2]), numberColumn('y', [3, NaN])]);
    const path = tmp.path('layout.json');
    await writeTable(path, t, { json: 'array', idColumn: 'id' });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ columns: ['x', 'y'], data: [1, 3, 2, null], ids: ['a', 'b'], shape: [2, 2] });
  });
});

describe('deterministic bytes', () => {
  for (const ext of ['parquet', 'arrow', 'csv', 'csv.gz', 'json', 'jsonl']) {
    it(`.${ext}: the same table gives byte-identical files`, async () => {
      const a = tmp.path(`det-a.${ext}`);
      const b = tmp.path(`det-b.${ext}`);
      await writeTable(a, sampleTable(3000));
      await writeTable(b, sampleTable(3000));
      await writeTable(a, sampleTable(3000)); // rewrite in place
      expect(await sha256File(a)).toBe(await sha256File(b));
      expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    });
  }

  it('writeJsonAtomic sorts keys at every level and ends with a newline', async () => {
    const a = tmp.path('j1.json');
    const b = tmp.path('j2.json');
    await writeJsonAtomic(a, { z: 1, a: { y: [1, 2], b: Float32Array.of(0.1) }, nan: NaN });
    await writeJsonAtomic(b, { nan: NaN, a: { b: Float32Array.of(0.1), y: [1, 2] }, z: 1 });
    const text = readFileSync(a, 'utf8');
    expect(text).toBe(readFileSync(b, 'utf8'));
    expect(text).toBe('{\n  "a": {\n    "b": [0.1],\n    "y": [1,2]\n  },\n  "nan": null,\n  "z": 1\n}\n');
  });

  it('sha256File matches a known digest', async () => {
    const p = tmp.write('abc.txt', 'abc');
    expect(await sha256File(p)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('atomic writes', () => {
  const leftovers = (): string[] => readdirSync(tmp.root).filter((f) => f.endsWith('.tmp'));

  it('leaves no temporary file after a successful write, for every format', async () => {
    for (const ext of ['csv', 'parquet', 'arrow', 'json']) await writeTable(tmp.path(`ok.${ext}`), sampleTable(10));
    await writeJsonAtomic(tmp.path('ok-value.json'), { a: 1 });
    expect(leftovers()).toEqual([]);
  });

  it('leaves no target and no temporary file when the writer throws midway', async () => {
    const target = tmp.path('never.csv');
    await expect(
      writeFileAtomic(target, async (tmpPath) => {
        writeFileSync(tmpPath, 'id,x\na,1\n'); // half of the output is on disk ...
        throw new Error('disk full'); // ... when the writer fails
      }),
    ).rejects.toThrow('disk full');
    expect(existsSync(target)).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  it('keeps the previous file intact when a rewrite fails', async () => {
    const target = tmp.path('kept.csv');
    await writeTable(target, sampleTable(5));
    const before = readFileSync(target);
    await expect(
      writeFileAtomic(target, async (tmpPath) => {
        writeFileSync(tmpPath, 'partial');
        throw new Error('interrupted');
      }),
    ).rejects.toThrow('interrupted');
    expect(readFileSync(target).equals(before)).toBe(true);
    expect(leftovers()).toEqual([]);
  });

  it('a table that cannot be written (JSON array of text) fails without touching the target', async () => {
    const target = tmp.path('bad-array.json');
    const t = makeTable('t', [stringColumn('s', ['a'])]);
    await expect(writeTable(target, t, { json: 'array' })).rejects.toThrow("column 's'");
    expect(existsSync(target)).toBe(false);
  });

  it('creates missing parent folders', async () => {
    const nested = tmp.path('deep/er/out.parquet');
    await writeTable(nested, sampleTable(3));
    expect((await readTable(nested)).rows).toBe(3);
  });
});
