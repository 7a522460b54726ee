/** `relevance tsne`: one output row per input row, in order, with the id; the format follows the extension. */
import { describe, expect, it } from 'vitest';
import { Generator } from '@relevance/core-wasm';
import { readTable, writeArray } from '../../src/index.js';
import { useTempDir } from '../io/helpers/temp-dir.js';
import { runCaptured } from './helpers/run-cli.js';

const tmp = useTempDir('relevance-tsne-');

/** Two separated clusters; rows alternate between them so order mistakes show. */
async function clusteredTable(path: string, rows: number): Promise<{ ids: string[]; cluster: number[] }> {
  const g = new Generator(1);
  const p = 4;
  const data = new Float32Array(rows * p);
  const ids: string[] = [];
  const cluster: number[] = [];
  for (let r = 0; r < rows; r++) {
    const c = r % 2;
    cluster.push(c);
    ids.push(`s${String(rows - r).padStart(3, '0')}`);
    for (let j = 0; j < p; j++) data[r * p + j] = (c ? 10 : -10) + g.normal();
  }
  await writeArray(path, { shape: [rows, p], data, columnNames: ['a', 'b', 'c', 'd'], ids, idName: 'sample' });
  return { ids, cluster };
}

describe('relevance tsne', () => {
  it('keeps the row order and the id column, for parquet, csv and arrow outputs', async () => {
    const input = tmp.path('clusters.csv');
    const { ids, cluster } = await clusteredTable(input, 40);
    for (const ext of ['parquet', 'csv', 'arrow']) {
      const out = tmp.path(`emb.${ext}`);
      const r = await runCaptured(['tsne', '--input', input, '--id-column', 'sample', '--perplexity', '8', '--iterations', '300', '--seed', '2', '--backend', 'wasm', '--out', out]);
      expect(r.stderr).toContain('tsne: done');
      expect(r.code).toBe(0);
      const table = await readTable(out);
      expect(table.columns.map((c) => c.name)).toEqual(['sample', 'x', 'y']);
      expect(table.rows).toBe(40);
      expect(table.columns[0]!.values).toEqual(ids);
      // the two clusters end up apart along the embedding: each point is nearer its own cluster's centre
      const x = table.columns[1]!.values as Float64Array;
      const y = table.columns[2]!.values as Float64Array;
      const centre = [0, 1].map((c) => {
        const members = cluster.map((v, i) => (v === c ? i : -1)).filter((i) => i >= 0);
        return [members.reduce((s, i) => s + x[i]!, 0) / members.length, members.reduce((s, i) => s + y[i]!, 0) / members.length];
      });
      cluster.forEach((c, i) => {
        const own = Math.hypot(x[i]! - centre[c]![0]!, y[i]! - centre[c]![1]!);
        const other = Math.hypot(x[i]! - centre[1 - c]![0]!, y[i]! - centre[1 - c]![1]!);
        expect(own).toBeLessThan(other);
      });
    }
  });

  it('--dims 3 names the columns x1..x3; --id-column none drops the id; same seed, same output', async () => {
    const input = tmp.path('clusters3.csv');
    await clusteredTable(input, 30);
    const a = tmp.path('a.csv');
    const b = tmp.path('b.csv');
    for (const out of [a, b]) {
      const r = await runCaptured(['tsne', '--input', input, '--id-column', 'none', '--dims', '3', '--perplexity', '5', '--iterations', '100', '--init', 'random', '--seed', '4', '--backend', 'wasm', '-q', '--out', out]);
      expect(r.code).toBe(0);
    }
    const ta = await readTable(a);
    const tb = await readTable(b);
    expect(ta.columns.map((c) => c.name)).toEqual(['x1', 'x2', 'x3']);
    expect(ta.columns.map((c) => Array.from(c.values as Float64Array))).toEqual(tb.columns.map((c) => Array.from(c.values as Float64Array)));
  });

  it('rejects a perplexity too large for the data, suggesting one', async () => {
    const input = tmp.path('small.csv');
    await clusteredTable(input, 10);
    const r = await runCaptured(['tsne', '--input', input, '--out', tmp.path('x.csv'), '--backend', 'wasm']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--perplexity must lie between 1 and the number of rows \(10\), got 30; try 3/);
  });

  it('keeps the class column, and handles missing values with --missing drop or impute (reported), not only an error', async () => {
    const lines = ['sample,cancer_type,a,b,c'];
    const g = new Generator(3);
    for (let r = 0; r < 30; r++) {
      const c = r % 2;
      const cell = (j: number) => (r === 4 && j === 1 ? '' : ((c ? 5 : -5) + g.normal()).toFixed(4));
      lines.push(`s${r},${c ? 'BRCA' : 'OV'},${cell(0)},${cell(1)},${cell(2)}`);
    }
    const input = tmp.path('missing.csv');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(input, `${lines.join('\n')}\n`);
    const base = ['tsne', '--input', input, '--perplexity', '5', '--iterations', '100', '--seed', '1', '--backend', 'wasm'];
    const refused = await runCaptured([...base, '--out', tmp.path('e0.csv')]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/rerun with --missing drop .* or --missing impute/);
    const dropped = await runCaptured([...base, '--missing', 'drop', '--out', tmp.path('e1.csv')]);
    expect(dropped.code, dropped.stderr).toBe(0);
    expect(dropped.stderr).toMatch(/left out 1 of 30 rows with missing values/);
    const t1 = await readTable(tmp.path('e1.csv'));
    expect(t1.columns.map((c) => c.name)).toEqual(['sample', 'cancer_type', 'x', 'y']);
    expect(t1.rows).toBe(29);
    expect(t1.columns[0]!.values).not.toContain('s4');
    expect(t1.columns[1]!.values.slice(0, 2)).toEqual(['OV', 'BRCA']);
    const imputed = await runCaptured([...base, '--missing', 'impute', '--class-column', 'cancer_type', '--out', tmp.path('e2.csv')]);
    expect(imputed.code, imputed.stderr).toBe(0);
    expect(imputed.stderr).toMatch(/filled 1 missing values in 1 feature columns/);
    expect((await readTable(tmp.path('e2.csv'))).rows).toBe(30);
  });
});
