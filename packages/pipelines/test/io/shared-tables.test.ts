/** Reading the real tables in ../shared/data: sizes, types, missing counts, speed. */
import { describe, expect, it } from 'vitest';
import { findIdColumn, readArray, readTable, selectFeatureColumns, toMatrix } from '../../src/index.js';
import { requireShared, sharedPath } from './helpers/shared-data.js';

const rppa = sharedPath('data', 'tcga_rppa_firehose_pancan', 'rppa_pancan_level3.csv');
const proteins = sharedPath('data', 'tcga_rppa_firehose_pancan', 'proteins.csv');
const keyl = sharedPath('data', 'keyl2022_proteinnetworklrp', 'artificial_homogeneous.csv');
const breast = sharedPath('data', 'breast_tcga_mixomics', 'breast_tcga_protein_train.csv');

/** proteins.csv: antibody -> n_samples_non_missing (counted by the data's curators, not by the reader under test). */
async function nonMissingCounts(path: string): Promise<Map<string, number>> {
  const table = await readTable(path);
  const names = table.columns.find((c) => c.name === 'antibody')!.values as string[];
  const counts = table.columns.find((c) => c.name === 'n_samples_non_missing')!.values as Float64Array;
  return new Map(names.map((n, i) => [n, counts[i]!]));
}

describe.runIf(requireShared('TCGA RPPA pan-cancer table', rppa && proteins))('TCGA RPPA pan-cancer CSV', () => {
  it('reads 6,777 rows, 273 numeric antibody columns with the documented missing counts', async () => {
    const table = await readTable(rppa!);
    expect(table.rows).toBe(6777);
    expect(table.columns.length).toBe(277);
    const text = table.columns.filter((c) => c.type === 'string').map((c) => c.name);
    expect(text).toEqual(['sample_barcode', 'patient_barcode', 'sample_type_code', 'cancer_type']);
    const idColumn = findIdColumn(table);
    expect(idColumn).toBe('sample_barcode');
    const features = selectFeatureColumns(table, { idColumn: idColumn! });
    expect(features.length).toBe(273);
    const expected = await nonMissingCounts(proteins!);
    expect(expected.size).toBe(273);
    for (const name of features) expect(table.rows - table.missing[name]!, name).toBe(expected.get(name));
    // spot checks: a complete column and a cohort-specific one
    expect(table.missing['14-3-3_epsilon']).toBe(0);
    expect(table.missing['14-3-3_beta']).toBe(6777 - 5725);
    // sample_type_code '01' stays text (leading zero kept)
    const types = table.columns.find((c) => c.name === 'sample_type_code')!;
    expect(types.values[0]).toBe('01');
  });

  it('gives a complete-case matrix through SQL', async () => {
    const array = await readArray({ sql: `select sample_barcode, "14-3-3_epsilon", "4E-BP1" from '${rppa}' where cancer_type = 'BRCA'` });
    expect(array.shape).toEqual([410, 2]);
    expect(array.idName).toBe('sample_barcode');
    expect(array.columnNames).toEqual(['14-3-3_epsilon', '4E-BP1']);
  });
});

describe.runIf(requireShared("Keyl's synthetic proteomics CSV", keyl))("Keyl's synthetic CSV with a pandas index column", () => {
  it('takes the unnamed index as the id and the 32 variables as features', async () => {
    const array = await readArray(keyl!);
    expect(array.shape).toEqual([4000, 32]);
    expect(array.idName).toMatch(/^column0+$/);
    expect(array.ids!.slice(0, 3)).toEqual([0, 1, 2]);
    expect(array.columnNames!.slice(0, 3)).toEqual(['0', '1', '2']);
    expect(array.data[0]).toBeCloseTo(0.0030836342, 9);
  });
});

describe.runIf(requireShared('mixOmics breast TCGA CSV', breast))('mixOmics breast TCGA CSV', () => {
  it('excludes the sample id and the subtype label from the features', async () => {
    const table = await readTable(breast!);
    const id = findIdColumn(table);
    expect(id).toBe('sample');
    const features = selectFeatureColumns(table, { idColumn: id! });
    expect(features.length).toBe(142);
    const m = toMatrix(table, features, { missing: 'error' });
    expect(m.data.length).toBe(150 * 142);
  });
});
