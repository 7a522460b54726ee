/** `relevance evaluate`: a small MLP, two methods, two metrics, one long table (and `relevance neighbours`). */
import { describe, expect, it } from 'vitest';
import { createBackend, Generator } from '@relevance/core-wasm';
import { mlp, saveModelFile } from '@relevance/methods';
import { readTable, writeArray } from '../../src/index.js';
import { useTempDir } from '../io/helpers/temp-dir.js';
import { runCaptured } from './helpers/run-cli.js';

const tmp = useTempDir('relevance-evaluate-');

async function fixture(): Promise<{ model: string; input: string; rows: number }> {
  const be = await createBackend('reference');
  const model = tmp.path('mlp.relevance');
  await saveModelFile(mlp(be, { inputs: 5, hidden: [8], outputs: 3, seed: 1 }), model);
  be.destroy();
  const g = new Generator(2);
  const rows = 6;
  const input = tmp.path('rows.csv');
  await writeArray(input, {
    shape: [rows, 5],
    data: Float32Array.from({ length: rows * 5 }, () => g.normal()),
    columnNames: ['f0', 'f1', 'f2', 'f3', 'f4'],
    ids: Array.from({ length: rows }, (_, i) => `patient-${i}`),
    idName: 'patient',
  });
  return { model, input, rows };
}

describe('relevance evaluate', () => {
  it('scores two methods with two metrics into one table: summaries then per-row values with ids', async () => {
    const { model, input, rows } = await fixture();
    const out = tmp.path('table.parquet');
    const r = await runCaptured([
      'evaluate', '--model', model, '--input', input, '--methods', 'saliency,lrp:epsilon-plus-flat', '--metrics', 'aopc,sparseness', '--seed', '3', '--backend', 'reference', '--out', out,
    ]);
    expect(r.stderr).toContain('evaluate: done');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^method\s+aopc\s+sparseness\n/);
    expect(r.stdout).toContain('lrp:epsilon-plus-flat');
    const table = await readTable(out);
    expect(table.columns.map((c) => c.name)).toEqual(['method', 'metric', 'layer', 'row', 'patient', 'value']);
    expect(table.rows).toBe(2 * 2 * (1 + rows));
    const method = table.columns[0]!.values as string[];
    const metric = table.columns[1]!.values as string[];
    const row = table.columns[3]!.values as Float64Array;
    const patient = table.columns[4]!.values as (string | null)[];
    const value = table.columns[5]!.values as Float64Array;
    const summaries = [...row.keys()].filter((i) => Number.isNaN(row[i]!));
    expect(summaries.map((i) => `${method[i]}/${metric[i]}`)).toEqual(['saliency/aopc', 'saliency/sparseness', 'lrp:epsilon-plus-flat/aopc', 'lrp:epsilon-plus-flat/sparseness']);
    for (const i of summaries) {
      expect(patient[i]).toBeNull();
      // the summary is the mean of the per-row values
      const per = [...row.keys()].filter((j) => method[j] === method[i] && metric[j] === metric[i] && !Number.isNaN(row[j]!));
      expect(per.map((j) => patient[j])).toEqual(Array.from({ length: rows }, (_, k) => `patient-${k}`));
      expect(value[i]).toBeCloseTo(per.reduce((s, j) => s + value[j]!, 0) / rows, 5);
    }
  });

  it('names the known methods and metrics on a typo', async () => {
    const { model, input } = await fixture();
    const bad = await runCaptured(['evaluate', '--model', model, '--input', input, '--methods', 'salency', '--metrics', 'aopc', '--out', tmp.path('x.csv')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown method 'salency' \(did you mean 'saliency'\?\); methods: .*saliency/);
    const metric = await runCaptured(['evaluate', '--model', model, '--input', input, '--methods', 'saliency', '--metrics', 'aopcc', '--out', tmp.path('x.csv')]);
    expect(metric.code).toBe(2);
    expect(metric.stderr).toMatch(/unknown metric 'aopcc'; metrics: aopc, /);
  });
});

describe('relevance neighbours', () => {
  it('lists the nearest data-set rows of a query row in a layer, with ids, leaving the query out', async () => {
    const { model, input } = await fixture();
    const out = tmp.path('nn.csv');
    const r = await runCaptured(['neighbours', '--model', model, '--layer', 'fc1', '--dataset', input, '--query', '2', '--k', '3', '--backend', 'reference', '-q', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const table = await readTable(out);
    expect(table.columns.map((c) => c.name)).toEqual(['query', 'rank', 'row', 'patient', 'distance']);
    expect(Array.from(table.columns[1]!.values as Float64Array)).toEqual([1, 2, 3]);
    expect(Array.from(table.columns[2]!.values as Float64Array)).not.toContain(2);
    const d = Array.from(table.columns[4]!.values as Float64Array);
    expect([...d].sort((a, b) => a - b)).toEqual(d);
    const printed = await runCaptured(['neighbours', '--model', model, '--layer', 'input', '--dataset', input, '--query', input, '--k', '1', '--metric', 'cosine', '--backend', 'reference', '-q']);
    expect(printed.code).toBe(0);
    // each row's nearest other row is printed as a tab-separated table
    expect(printed.stdout.split('\n')[0]).toBe('query\trank\trow\tpatient\tdistance');
  });

  it("shows each neighbour's class, and the query's", async () => {
    const { model } = await fixture();
    const input = tmp.path('rows-with-class.csv');
    const g = new Generator(4);
    const lines = ['patient,subtype,f0,f1,f2,f3,f4'];
    for (let r = 0; r < 8; r++) lines.push(`p${r},${r % 2 ? 'LumA' : 'Basal'},${Array.from({ length: 5 }, () => ((r % 2 ? 3 : -3) + 0.1 * g.normal()).toFixed(3)).join(',')}`);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(input, `${lines.join('\n')}\n`);
    const out = tmp.path('nn-class.csv');
    const r = await runCaptured(['neighbours', '--model', model, '--layer', 'input', '--dataset', input, '--query', '2', '--k', '3', '--backend', 'reference', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const table = await readTable(out);
    expect(table.columns.map((c) => c.name)).toEqual(['query', 'query_class', 'rank', 'row', 'patient', 'class', 'distance']);
    expect(table.columns[1]!.values).toEqual(['Basal', 'Basal', 'Basal']);
    expect(table.columns[5]!.values).toEqual(['Basal', 'Basal', 'Basal']);
    expect(r.stderr).toMatch(/3 of 3 neighbours share the query's class \(subtype = Basal\)/);
  });
});
