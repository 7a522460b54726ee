/**
 * The run-format module: tables are checked against their documented
 * columns, Arrow copies go only to the tables the report reads, metrics are
 * stable JSON, docs/RUN-FOLDERS.md names every column, and the .npy matrix
 * files round-trip.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkSchema, INFLUENCE_SCHEMAS, PROTEOMICS_SCHEMAS, REPORT_TABLES, writeMetrics, writeRunTables } from '../../src/io/run-format.js';
import { makeTable, numberColumn, stringColumn } from '../../src/io/table.js';
import { npyHeader, openNpy, writeNpy } from '../../src/io/npy.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'relevance-run-format-'));
const training = () => makeTable('training', [numberColumn('epoch', [1, 2]), numberColumn('train_loss', [0.5, 0.4]), numberColumn('val_loss', [NaN, 0.45]), numberColumn('lr', [0.1, 0.1])]);
const baselines = () => makeTable('baselines', [stringColumn('method', ['pearson']), stringColumn('scope', ['cohort']), stringColumn('source', ['A']), stringColumn('target', ['B']), numberColumn('score', [0.3])]);

describe('run format', () => {
  it('refuses a table whose columns differ from the documented ones, naming both', () => {
    expect(() => checkSchema(training())).not.toThrow();
    const drifted = makeTable('training', [numberColumn('epoch', [1]), numberColumn('loss', [0.5])]);
    expect(() => checkSchema(drifted)).toThrow(/table 'training' has columns epoch:number, loss:number, documented epoch:number, train_loss:number/);
    expect(() => checkSchema(makeTable('nope', [numberColumn('x', [1])]))).toThrow(/no documented schema/);
  });

  it('writes Parquet for every table and Arrow only for the tables the report reads', async () => {
    const dir = tmp();
    const files = await writeRunTables(dir, new Map([['training', training()], ['baselines', baselines()]]), 'proteomics');
    expect(files).toEqual(['training.parquet', 'training.arrow', 'baselines.parquet']);
    expect(readdirSync(dir).sort()).toEqual(['baselines.parquet', 'training.arrow', 'training.parquet']);
    expect(REPORT_TABLES.proteomics).not.toContain('baselines');
  });

  it('writes metrics.json nested, with sorted keys, the same bytes for the same values', async () => {
    const a = tmp(), b = tmp();
    await writeMetrics(a, { 'network.cohort.auroc': 0.8, 'data.rows': 10 });
    await writeMetrics(b, { 'data.rows': 10, network: { cohort: { auroc: 0.8 } } });
    expect(readFileSync(join(a, 'metrics.json'), 'utf8')).toBe(readFileSync(join(b, 'metrics.json'), 'utf8'));
    expect(JSON.parse(readFileSync(join(a, 'metrics.json'), 'utf8'))).toEqual({ data: { rows: 10 }, network: { cohort: { auroc: 0.8 } } });
  });

  it('docs/RUN-FOLDERS.md names every documented column of every table', () => {
    const docs = readFileSync(resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../docs/RUN-FOLDERS.md'), 'utf8');
    for (const [table, schema] of Object.entries({ ...PROTEOMICS_SCHEMAS, ...INFLUENCE_SCHEMAS })) {
      const row = docs.split('\n').find((l) => l.startsWith(`| \`${table}\` |`));
      expect(row, `docs/RUN-FOLDERS.md has no row for ${table}`).toBeDefined();
      for (const column of Object.keys(schema)) expect(row!.includes(`\`${column}\``) || (table === 'training' && row!.includes('as above')), `${table}.${column} is not in docs/RUN-FOLDERS.md`).toBe(true);
    }
  });
});

describe('.npy matrices', () => {
  it('write in blocks, read back any row range; the header is padded to 64 bytes as NumPy requires', async () => {
    expect(npyHeader([3, 2, 5]).length % 64).toBe(0);
    expect(npyHeader([3, 2, 5]).toString('latin1')).toContain("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2, 5), }");
    const path = join(tmp(), 'm.npy');
    const rows = [0, 1, 2].map((r) => Float32Array.from({ length: 10 }, (_, k) => r * 10 + k + 0.5));
    await writeNpy(path, [3, 2, 5], rows);
    const npy = await openNpy(path);
    expect(npy.shape).toEqual([3, 2, 5]);
    expect(Array.from(await npy.readRows(1, 2))).toEqual([...rows[1]!, ...rows[2]!]);
    await npy.close();
    await expect(writeNpy(join(tmp(), 'short.npy'), [3, 5], [new Float32Array(5)])).rejects.toThrow(/wrote 5 values for shape \(3, 5\), expected 15/);
  });
});
