/** Model inputs are float32: a value that overflows it (1e308) or is infinite is an error naming the element, or the column and row. */
import { describe, expect, it } from 'vitest';
import { DataError, readArray } from '../../src/index.js';
import { useTempDir } from './helpers/temp-dir.js';

const tmp = useTempDir('relevance-float32-');

describe('float32 overflow in inputs', () => {
  it('inputs.json with 1e308 names the element index', async () => {
    const path = tmp.write('inputs.json', JSON.stringify({ shape: [2, 2], data: [0.5, 1, 1e308, 2] }));
    await expect(readArray(path)).rejects.toThrow(DataError);
    await expect(readArray(path)).rejects.toThrow(`${path}: 'data.data' element 2 is 1e+308, which overflows float32 (largest magnitude about 3.4e38)`);
  });

  it('nested arrays and a fixture wrapper are checked too; large but representable values pass', async () => {
    await expect(readArray(tmp.write('nested.json', '[[1, 2], [-1e39, 0]]'))).rejects.toThrow(/element 2 is -1e\+39, which overflows float32/);
    await expect(readArray(tmp.write('wrapped.json', JSON.stringify({ model: 'mlp', input: { shape: [1], data: [1e300] } })))).rejects.toThrow(/'input\.data' element 0 is 1e\+300/);
    const ok = await readArray(tmp.write('ok.json', JSON.stringify({ shape: [2], data: [3.4e38, -1e-45] })));
    expect(Number.isFinite(ok.data[0]!)).toBe(true);
  });

  it('a table cell with 1e308 or Inf names the column and the row', async () => {
    await expect(readArray(tmp.write('big.csv', 'id,a,b\nr1,1,2\nr2,1e308,3\n'))).rejects.toThrow(/big\.csv: column 'a' holds 1e\+308, which overflows float32 .* in row 2 \(line 3 of the file\)/);
    await expect(readArray(tmp.write('inf.csv', 'id,a,b\nr1,1,inf\nr2,2,3\n'))).rejects.toThrow(/inf\.csv: column 'b' holds Infinity in row 1 \(line 2 of the file\)/);
  });
});

describe('table inputs of predict/explain/evaluate/tsne/neighbours: left-out columns are named', () => {
  it('readArray reports the non-numeric column with its first bad cell; the CLI prints it as a warning, also with -q', async () => {
    const path = tmp.write('mixed.csv', 'id,a,b,c\nr1,1,2,3\nr2,4,oops,6\nr3,7,8,9\n');
    const array = await readArray(path);
    expect(array.columnNames).toEqual(['a', 'c']);
    expect(array.skipped).toEqual([{ column: 'b', reason: expect.stringContaining("row 2 (line 3 of the file) holds 'oops'") }]);
    const { runCaptured } = await import('../cli/helpers/run-cli.js');
    const r = await runCaptured(['tsne', '--input', path, '--out', tmp.path('emb.csv'), '--perplexity', '1', '--iterations', '10', '--backend', 'reference', '-q']);
    expect(r.stderr).toContain(`warning: ${path}: column 'b' is not used as a feature: not numeric: row 2 (line 3 of the file) holds 'oops'`);
  });
});
