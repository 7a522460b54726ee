/**
 * Nothing in the data is dropped or changed without a word: infinite and
 * float32-overflowing values are missing values with a warning naming the
 * columns and rows; non-numeric columns are named with the reason on stderr
 * and in metrics.json; a repeated column name is an error; and the hints name
 * the study's own options (--features, --id-column).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStudyData, type DataOptions } from '../../../src/studies/proteomics/data.js';
import { runCaptured } from '../../cli/helpers/run-cli.js';
import { tempDir } from './helpers.js';

const dir = tempDir('relevance-silent-data-');

/** A tiny quiet CLI study of `path` (wasm, one thread, no t-SNE) into `out`. */
function runTinyStudy(path: string, out: string, epochs: number) {
  return runCaptured(['study', 'proteomics', '--data', path, '--class-column', 'class', '--epochs', String(epochs), '--masks', '2', '--hidden', '8', '--no-tsne', '--backend', 'wasm', '--threads', '1', '-q', '--out', out]);
}

/** 40 rows, classes A/B, proteins P0..P5 with seeded pseudo-random values; `edit` changes cells. */
function cohortCsv(name: string, edit: (row: number, cells: string[]) => void = () => {}, header = ['id', 'class', 'P0', 'P1', 'P2', 'P3', 'P4', 'P5']): string {
  let state = 12345;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const lines = [header.join(',')];
  for (let r = 0; r < 40; r++) {
    const cells = [`s${r}`, r % 2 ? 'B' : 'A', ...Array.from({ length: 6 }, () => (next() * 4 - 2).toFixed(3))];
    edit(r, cells);
    lines.push(cells.join(','));
  }
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

/** cohortCsv `file` with `value` in row 5's P1 cell, then runTinyStudy of it into `dir/run`. */
async function tinyStudyWithCell(file: string, value: string, run: string, epochs: number) {
  const path = cohortCsv(file, (r, c) => {
    if (r === 5) c[3] = value;
  });
  const out = join(dir, run);
  return { out, r: await runTinyStudy(path, out, epochs) };
}

function options(source: string, extra: Partial<DataOptions> = {}): DataOptions {
  return { source, classColumn: 'class', maxMissing: 0.5, transform: 'none', testFraction: 0.3, standardize: 'global', seed: 1, ...extra };
}

describe('proteomics data: non-finite values', () => {
  it('Inf and 1e308 become missing values with a warning naming the count, columns and rows; the statistics stay finite', async () => {
    const path = cohortCsv('inf.csv', (r, c) => {
      if (r === 5) c[3] = 'Inf';
      if (r === 9) c[3] = '-inf';
      if (r === 7) c[5] = '1e308';
    });
    const data = await loadStudyData(options(path));
    const p1 = data.proteins.indexOf('P1');
    const p3 = data.proteins.indexOf('P3');
    expect(Number.isNaN(data.raw[5 * 6 + p1]!)).toBe(true);
    expect(Number.isNaN(data.raw[7 * 6 + p3]!)).toBe(true);
    expect(data.missing[p1]).toBe(2);
    for (const s of data.statistics) for (const v of [...s.mean, ...s.sd]) expect(Number.isFinite(v)).toBe(true);
    expect(data.values.every((v) => Number.isNaN(v) || Number.isFinite(v))).toBe(true);
    const warning = data.warnings.find((w) => w.includes('too large for float32'));
    expect(warning).toContain('3 values are infinite or too large for float32 and are read as missing');
    expect(warning).toContain("'P1' (2: row 6 (line 7 of the file), row 10 (line 11 of the file); e.g. Infinity)");
    expect(warning).toContain("'P3' (1: row 8 (line 9 of the file); e.g. 1e+308, which overflows float32");
  });

  it('the CLI prints the warning (also with -q) and the run finishes with finite losses', async () => {
    const { out, r } = await tinyStudyWithCell('inf-cli.csv', 'Inf', 'run-inf', 3);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: .*inf-cli\.csv: 1 value is infinite or too large for float32 and is read as missing, in column 'P1'/);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { prediction: { test_mse_hidden: number } };
    expect(Number.isFinite(metrics.prediction.test_mse_hidden)).toBe(true);
  });
});

describe('proteomics data: dropped columns are named', () => {
  it('a non-numeric cell: the column is named with the row and value on stderr and in metrics.json data.dropped_columns', async () => {
    const { out, r } = await tinyStudyWithCell('text.csv', 'oops', 'run-text', 2);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("left out 1 column that could have been a protein: 'P1' (not numeric: row 6 (line 7 of the file) holds 'oops', which is not a number (39 other cells are numbers)");
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { data: { dropped_columns: { column: string; reason: string }[]; proteins: number } };
    expect(metrics.data.proteins).toBe(5);
    expect(metrics.data.dropped_columns).toEqual([{ column: 'P1', reason: expect.stringContaining("holds 'oops'") }]);
  });

  it('columns dropped for missing values are listed with their reason too', async () => {
    const path = cohortCsv('missing.csv', (r, c) => {
      if (r < 30) c[4] = '';
    });
    const data = await loadStudyData(options(path));
    expect(data.dropped.map((d) => [d.protein, d.reason])).toEqual([['P2', 'missing in 75.0% of rows (> --max-missing 0.5)']]);
  });
});

describe('proteomics data: names and hints', () => {
  it('a repeated column name is an error naming the column and the file', async () => {
    const path = cohortCsv('dup.csv', () => {}, ['id', 'class', 'P1', 'P1', 'P2', 'P3', 'P4', 'P5']);
    await expect(loadStudyData(options(path))).rejects.toThrow(`${path}: the header names column 'P1' twice (columns 3 and 4); column names must be unique`);
  });

  it('a constant column names --features (the study has no --columns or --exclude)', async () => {
    const path = cohortCsv('constant.csv', (_, c) => {
      c[4] = '1.5';
    });
    const message = await loadStudyData(options(path)).catch((e: Error) => e.message);
    expect(message).toContain("column 'P2' is constant");
    expect(message).toContain('--features');
    expect(message).not.toMatch(/--columns|--exclude/);
  });

  it('a duplicate id names --id-column', async () => {
    const path = cohortCsv('dup-id.csv', (r, c) => {
      if (r === 3) c[0] = 's1';
    });
    const message = await loadStudyData(options(path, { idColumn: 'id' })).catch((e: Error) => e.message);
    expect(message).toContain("duplicate id 's1' in rows 2 and 4");
    expect(message).toContain('choose another column with --id-column');
  });
});

describe('proteomics data: skewed intensities', () => {
  // exp of the uniform values: non-negative and right-skewed, as raw intensities
  const skewed = () => cohortCsv('skewed.csv', (_, cells) => { for (let j = 2; j < 8; j++) cells[j] = Math.exp(3 * Number(cells[j])).toFixed(3); });

  it('non-negative right-skewed proteins get a note naming the most skewed and the options, and nothing is transformed', async () => {
    const data = await loadStudyData(options(skewed()));
    expect(data.notes).toHaveLength(1);
    expect(data.notes[0]).toMatch(/^6 of 6 proteins are non-negative and right-skewed \(skewness > 1; P\d \d+\.\d, /);
    expect(data.notes[0]).toMatch(/--transform log1p or asinh/);
    expect(data.raw[0]).toBeGreaterThan(0); // the raw values are as read
  });

  it('no note with --transform, or for centred data', async () => {
    expect((await loadStudyData(options(skewed(), { transform: 'asinh' }))).notes).toEqual([]);
    expect((await loadStudyData(options(cohortCsv('centred.csv')))).notes).toEqual([]);
  });

  it('the command prints the note', async () => {
    const r = await runCaptured(['study', 'proteomics', '--data', skewed(), '--class-column', 'class', '--epochs', '1', '--masks', '1', '--hidden', '4', '--baselines', 'none', '--out', join(dir, 'skew-run')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/note: 6 of 6 proteins are non-negative and right-skewed/);
  });
});
