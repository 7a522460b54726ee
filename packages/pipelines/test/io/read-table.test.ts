/** Reading tables: type detection, missing cells, formats, SQL, and errors that name file, column and row. */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { CompressionType, compressionRegistry, tableFromArrays, tableToIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import {
  DataError,
  findIdColumn,
  makeTable,
  numberColumn,
  readArray,
  readTable,
  selectFeatureColumns,
  stringColumn,
  toMatrix,
  writeTable,
} from '../../src/index.js';
import { useTempDir } from './helpers/temp-dir.js';

const tmp = useTempDir();

/** The rejection's message (fails the test if it resolves). */
/** Each of `parts` occurs in the message. */
function expectContainsAll(message: string, parts: string[]): void {
  for (const part of parts) expect(message).toContain(part);
}

async function errorOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    if (typeof p === 'function') p();
    else await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('CSV type detection', () => {
  it('keeps a mostly numeric column with empty cells numeric, even when the first non-empty value is far down', async () => {
    const lines = ['sample,late,early,label'];
    for (let i = 0; i < 3000; i++) lines.push(`s${i},${i < 2500 ? '' : i / 10},${i % 7 === 0 ? 'NA' : i},${i % 2}`);
    const path = tmp.write('late.csv', lines.join('\n') + '\n');
    const table = await readTable(path);
    const byName = Object.fromEntries(table.columns.map((c) => [c.name, c]));
    expect(byName.late!.type).toBe('number');
    expect(byName.early!.type).toBe('number');
    expect(byName.sample!.type).toBe('string');
    expect(table.missing).toEqual({ sample: 0, late: 2500, early: Math.ceil(3000 / 7), label: 0 });
    expect(byName.late!.values[2999]).toBeCloseTo(299.9, 12);
    // id column found by name; class-like 'label' left out of the default features
    const id = findIdColumn(table);
    expect(id).toBe('sample');
    expect(selectFeatureColumns(table, { idColumn: id! })).toEqual(['late', 'early']);
  });

  it('keeps ids as strings when they are not numbers, numbers when they are', async () => {
    const path = tmp.write('ids.csv', 'id,x\n007,1\nA12,2\n');
    const table = await readTable(path);
    expect(table.columns[0]).toMatchObject({ type: 'string', values: ['007', 'A12'] });
    const numeric = await readTable(tmp.write('numeric-ids.csv', 'id,x\n10,1\n11,2\n'));
    expect(numeric.columns[0]!.type).toBe('number');
  });

  it('reads TSV and an all-empty column as an all-missing number column', async () => {
    const path = tmp.write('t.tsv', 'name\tvalue\tempty\na\t1.5\t\nb\t-2\t\n');
    const table = await readTable(path);
    expect(table.columns.map((c) => c.type)).toEqual(['string', 'number', 'number']);
    expect(table.missing.empty).toBe(2);
  });
});

describe('other formats and SQL', () => {
  const table = makeTable('t', [stringColumn('id', ['a', 'b', 'c']), numberColumn('x', [1, NaN, 3]), numberColumn('y', [0.5, 0.25, -1])]);

  it('reads Parquet, Arrow IPC, JSON records and JSON lines written by writeTable', async () => {
    for (const ext of ['parquet', 'arrow', 'feather', 'ipc', 'json', 'jsonl']) {
      const path = tmp.path(`fmt.${ext}`);
      await writeTable(path, table);
      const back = await readTable(path);
      expect(back.rows, ext).toBe(3);
      expect(back.columns.map((c) => [c.name, c.type]), ext).toEqual([['id', 'string'], ['x', 'number'], ['y', 'number']]);
      expect(Array.from(back.columns[1]!.values as Float64Array), ext).toEqual([1, NaN, 3]);
      expect(back.missing, ext).toEqual({ id: 0, x: 1, y: 0 });
    }
  });

  it('runs SQL over CSV, Parquet and Arrow files (Arrow registered through apache-arrow)', async () => {
    const csv = tmp.path('q.csv');
    const arrow = tmp.path("it's.arrow");
    const parquet = tmp.path('q.parquet');
    await writeTable(csv, table);
    await writeTable(arrow, table);
    await writeTable(parquet, table);
    const quoted = (p: string): string => `'${p.replaceAll("'", "''")}'`;
    const q = await readTable({ sql: `select a.id, a.y + b.y + c.y as s from ${quoted(csv)} a join ${quoted(arrow)} b using (id) join ${quoted(parquet)} c using (id) order by id;` });
    expect(q.name).toBe('query');
    expect(Array.from(q.columns[1]!.values as Float64Array)).toEqual([1.5, 0.75, -3]);
  });

  it('reads CSV files in a query like readTable does (NA missing, whole-file typing)', async () => {
    const lines = ['id,x'];
    for (let i = 0; i < 30000; i++) lines.push(`r${i},${i < 25000 ? 'NA' : i}`);
    const path = tmp.write('late-na.csv', lines.join('\n') + '\n');
    const q = await readTable({ sql: `select id, x from '${path}' t where t.x is not null or id = 'r0'` });
    expect(q.columns[1]!.type).toBe('number');
    expect(q.rows).toBe(5001);
    expect(q.missing.x).toBe(1);
  });

  it('explains a failed query', async () => {
    const missing = await errorOf(readTable({ sql: `select * from '${tmp.path('nope.csv')}'` }));
    expect(missing).toContain('nope.csv: file not found');
    const syntax = await errorOf(readTable({ sql: 'selec 1' }));
    expect(syntax).toContain('--sql query failed');
    expect(syntax).toContain('selec');
  });
});

describe('errors name the file, the column, the row and the fix', () => {
  it('missing file', async () => {
    const path = tmp.path('does-not-exist.csv');
    const msg = await errorOf(readTable(path));
    expectContainsAll(msg, [path, 'file not found', 'check the path']);
  });

  it('a folder instead of a file, and an unknown extension', async () => {
    const dir = tmp.path('folder.csv');
    mkdirSync(dir);
    expect(await errorOf(readTable(dir))).toContain('is a folder');
    const msg = await errorOf(readTable(tmp.write('data.xlsx', 'x')));
    expect(msg).toContain('data.xlsx');
    expect(msg).toContain('.csv');
  });

  it.skipIf(process.getuid?.() === 0)('unreadable file', async () => {
    const path = tmp.write('secret.csv', 'a\n1\n');
    chmodSync(path, 0o000);
    const msg = await errorOf(readTable(path));
    expect(msg).toContain(path);
    expect(msg).toContain('permission');
  });

  it('a CSV line with too few or too many fields: the line number', async () => {
    const short = tmp.write('ragged.csv', 'a,b,c\n1,2,3\n"x,y",5,6\n4,5\n6,7,8\n');
    const msg = await errorOf(readTable(short));
    expect(msg).toContain('ragged.csv: line 4 has 2 fields but the header has 3');
    const long = tmp.write('long.csv', 'a,b,c\n1,2,3\n4,5,6,7\n');
    expect(await errorOf(readTable(long))).toContain('line 3 has 4 fields');
  });

  it('semicolon-separated .csv files are still sniffed', async () => {
    const table = await readTable(tmp.write('semi.csv', 'id;x\na;1.5\nb;2\n'));
    expect(table.columns.map((c) => [c.name, c.type])).toEqual([['id', 'string'], ['x', 'number']]);
  });

  it('malformed Parquet', async () => {
    const path = tmp.write('broken.parquet', 'not parquet at all');
    const msg = await errorOf(readTable(path));
    expect(msg).toContain('broken.parquet');
    expect(msg).toContain('Parquet');
  });

  it('a compressed Arrow IPC file (pandas to_feather default) says how to write it instead', async () => {
    // a stand-in ZSTD encoder (magic number + raw bytes) writes a compressed file; the reader has no codec
    compressionRegistry.set(CompressionType.ZSTD, { encode: (b: Uint8Array) => Uint8Array.of(40, 181, 47, 253, 0, 0, ...b), decode: (b: Uint8Array) => b });
    const bytes = tableToIPC(tableFromArrays({ x: Float64Array.of(1, 2) }), 'file', CompressionType.ZSTD);
    compressionRegistry.set(CompressionType.ZSTD, null as never);
    const path = tmp.path('pandas.feather');
    writeFileSync(path, bytes);
    const msg = await errorOf(readTable(path));
    expect(msg).toContain('pandas.feather');
    expect(msg).toContain("compression='uncompressed'");
  });

  it('no numeric columns', async () => {
    // decimal commas: the values are text to a CSV reader
    const path = tmp.write('words.csv', 'name,value\na,"1,5"\nb,"2,5"\n');
    const table = await readTable(path);
    const msg = await errorOf(() => selectFeatureColumns(table));
    expectContainsAll(msg, ['words.csv', 'no numeric columns', 'delimiter']);
  });

  it('unknown column: lists the available ones and suggests the closest', async () => {
    const path = tmp.write('cols.csv', 'id,Akt_pS473,EGFR\na,1,2\nb,3,4\n');
    const table = await readTable(path);
    const msg = await errorOf(() => selectFeatureColumns(table, { columns: 'Akt_pS437,EGFR' }));
    expectContainsAll(msg, ['cols.csv', "unknown column 'Akt_pS437'", "did you mean 'Akt_pS473'", "'EGFR'"]);
    const regex = await errorOf(() => selectFeatureColumns(table, { columns: '/^mTOR/' }));
    expect(regex).toContain('/^mTOR/');
    expect(regex).toContain('matches no column');
  });

  it('a non-numeric value in a numeric feature column: row and value', async () => {
    const rows = ['id,x,y'];
    for (let i = 0; i < 20; i++) rows.push(`r${i},${i},${i === 13 ? '1.2.3' : i * 2}`);
    const path = tmp.write('dirty.csv', rows.join('\n') + '\n');
    const table = await readTable(path);
    const msg = await errorOf(() => toMatrix(table, selectFeatureColumns(table, { columns: 'x,y' })));
    expectContainsAll(msg, ['dirty.csv', "column 'y'", 'row 14 (line 15 of the file)', "'1.2.3'"]);
    // through readArray as well
    expect(await errorOf(readArray(path, { columns: 'x,y' }))).toContain('row 14');
  });

  it('duplicate ids: both rows', async () => {
    const path = tmp.write('dups.csv', 'sample_id,x\na,1\nb,2\na,3\n');
    const table = await readTable(path);
    const msg = await errorOf(() => findIdColumn(table));
    expectContainsAll(msg, ['dups.csv', "'sample_id'", "'a'", 'rows 1 and 3', '--id']);
  });

  it('an all-missing or constant column when asked to check', async () => {
    const path = tmp.write('flat.csv', 'id,x,gone,flat\na,1,,5\nb,2,,5\nc,3,NA,5\n');
    const table = await readTable(path);
    const names = ['x', 'gone', 'flat'];
    expect(() => toMatrix(table, names)).not.toThrow();
    const missing = await errorOf(() => toMatrix(table, ['x', 'gone'], { checkInformative: true }));
    expect(missing).toContain('flat.csv');
    expect(missing).toContain("column 'gone' is missing in all 3 rows");
    const constant = await errorOf(() => toMatrix(table, ['x', 'flat'], { checkInformative: true }));
    expect(constant).toContain("column 'flat' is constant");
    expect(constant).toContain('5');
  });

  it('a missing cell when complete rows are required', async () => {
    const path = tmp.write('holes.csv', 'id,x,y\na,1,2\nb,,4\n');
    const msg = await errorOf(readArray(path, { requireComplete: true }));
    expect(msg).toContain("column 'x' is missing in row 2 (line 3 of the file)");
  });
});

describe('feature selection grammar', () => {
  const t = makeTable('t', [
    stringColumn('id', ['a', 'b']),
    numberColumn('AKT', [1, 2]),
    numberColumn('AKT_pS473', [3, 4]),
    numberColumn('akt_low', [5, 6]),
    numberColumn('EGFR', [7, 8]),
    numberColumn('class', [0, 1]),
  ]);

  it('names, /regex/flags, re:regex, mixtures, order and de-duplication', () => {
    expect(selectFeatureColumns(t, { columns: 'EGFR,AKT' })).toEqual(['EGFR', 'AKT']);
    expect(selectFeatureColumns(t, { columns: '/^AKT/' })).toEqual(['AKT', 'AKT_pS473']);
    expect(selectFeatureColumns(t, { columns: '/^akt/i' })).toEqual(['AKT', 'AKT_pS473', 'akt_low']);
    expect(selectFeatureColumns(t, { columns: 're:^AKT_' })).toEqual(['AKT_pS473']);
    expect(selectFeatureColumns(t, { columns: 'EGFR,/^AKT/,AKT' })).toEqual(['EGFR', 'AKT', 'AKT_pS473']);
    expect(selectFeatureColumns(t, { columns: '/^(AKT|EGFR){1,2}$/' })).toEqual(['AKT', 'EGFR']);
    expect(selectFeatureColumns(t, { idColumn: 'id' })).toEqual(['AKT', 'AKT_pS473', 'akt_low', 'EGFR']);
    expect(selectFeatureColumns(t, { idColumn: 'id', exclude: ['EGFR'] })).toEqual(['AKT', 'AKT_pS473', 'akt_low']);
  });
});
