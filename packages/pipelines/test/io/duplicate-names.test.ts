/** A repeated column name is an error naming the column and the file, in every format (readers would rename it to P1_1 silently). */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DataError, readTableFile, writeTable } from '../../src/index.js';
import { makeTable, numberColumn } from '../../src/io/table.js';
import { useTempDir } from './helpers/temp-dir.js';

const tmp = useTempDir('relevance-duplicate-names-');

/** Write a table with columns QQ1 and QQ2, then rename QQ2 to QQ1 in the bytes (same length, so the file stays valid). */
async function duplicateIn(ext: 'parquet' | 'arrow'): Promise<string> {
  const path = tmp.path(`dup.${ext}`);
  await writeTable(path, makeTable('t', [numberColumn('QQ1', [1, 2]), numberColumn('QQ2', [3, 4]), numberColumn('R', [5, 6])]));
  const bytes = readFileSync(path);
  const from = Buffer.from('QQ2');
  let at = bytes.indexOf(from);
  expect(at).toBeGreaterThanOrEqual(0);
  while (at >= 0) {
    Buffer.from('QQ1').copy(bytes, at);
    at = bytes.indexOf(from, at + 1);
  }
  writeFileSync(path, bytes);
  return path;
}

describe('repeated column names', () => {
  it.each([
    ['csv', 'id,P1,P1,P2\na,1,2,3\nb,4,5,6\n', "the header names column 'P1' twice (columns 2 and 3)"],
    ['tsv', 'id\tP1\tP2\tP1\na\t1\t2\t3\n', "the header names column 'P1' twice (columns 2 and 4)"],
    ['csv', '"P 1",x,"P 1"\n1,2,3\n', "the header names column 'P 1' twice (columns 1 and 3)"],
  ])('%s header: DataError naming the column, both positions and the file', async (ext, text, message) => {
    const path = tmp.write(`dup-${Math.random().toString(36).slice(2)}.${ext}`, text);
    await expect(readTableFile(path)).rejects.toThrow(DataError);
    await expect(readTableFile(path)).rejects.toThrow(`${path}: ${message}; column names must be unique`);
  });

  it('distinct names, several unnamed columns and a quoted comma still read', async () => {
    const t = await readTableFile(tmp.write('ok.csv', ',"a,b",c\n1,2,3\n'));
    expect(t.columns.map((c) => c.name)).toEqual(['column0', 'a,b', 'c']);
  });

  it.each(['parquet', 'arrow'] as const)('%s schema with a repeated name: DataError naming it', async (ext) => {
    const path = await duplicateIn(ext);
    await expect(readTableFile(path)).rejects.toThrow(new RegExp(`${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: the (Parquet|Arrow) schema names column 'QQ1' twice \\(columns 1 and 2\\)`));
  });
});

describe('repeated column names through --sql', () => {
  it('a CSV or Parquet file named in the query is checked the same way', async () => {
    const { readTableSql } = await import('../../src/index.js');
    const csv = tmp.write('sql-dup.csv', 'P1,P1\n1,2\n');
    await expect(readTableSql(`select * from '${csv}'`)).rejects.toThrow(`${csv}: the header names column 'P1' twice`);
    const parquet = await duplicateIn('parquet');
    await expect(readTableSql(`select * from '${parquet}'`)).rejects.toThrow(`${parquet}: the Parquet schema names column 'QQ1' twice`);
  });
});
