/**
 * `relevance umap`: one output row per input row with the id, quality figures
 * on stderr (trustworthiness, k-NN label agreement with --label-column),
 * --transform for new rows, same seed same bytes, and usage errors (exit 2).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Generator } from '@relevance/core-wasm';
import { readTable } from '../../src/index.js';
import { useTempDir } from '../io/helpers/temp-dir.js';
import { runCaptured } from './helpers/run-cli.js';

const tmp = useTempDir('relevance-umap-');

/** Three separated clusters in 6-D with a label column; rows interleave the clusters. */
function writeClusters(path: string, rows: number, seed: number): { ids: string[]; labels: string[] } {
  const g = new Generator(seed);
  const lines = ['sample,kind,a,b,c,d,e,f'];
  const ids: string[] = [];
  const labels: string[] = [];
  for (let r = 0; r < rows; r++) {
    const c = r % 3;
    const id = `s${seed}_${r}`;
    ids.push(id);
    labels.push(`k${c}`);
    const v = Array.from({ length: 6 }, (_, j) => (j % 3 === c ? 8 : 0) + g.normal());
    lines.push([id, `k${c}`, ...v.map((x) => x.toFixed(5))].join(','));
  }
  writeFileSync(path, lines.join('\n') + '\n');
  return { ids, labels };
}

describe('relevance umap', () => {
  it('embeds with ids in order, prints agreement and trustworthiness, transforms new rows, same seed same bytes', async () => {
    const input = tmp.path('clusters.csv');
    const { ids } = writeClusters(input, 150, 1);
    const extra = tmp.path('extra.csv');
    writeClusters(extra, 30, 2);
    const out = tmp.path('emb.csv');
    const tout = tmp.path('extra-emb.csv');
    const argv = ['umap', '--input', input, '--id-column', 'sample', '--label-column', 'kind', '--neighbours', '10', '--epochs', '200', '--seed', '3', '--backend', 'wasm', '--transform', extra, '--transform-out', tout, '--out', out];
    const r = await runCaptured(argv);
    expect(r.code).toBe(0);
    const m = /k-NN label agreement\(k=10\) ([0-9.]+)/.exec(r.stderr);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(0.99);
    expect(Number(/trustworthiness\(k=5\) ([0-9.]+)/.exec(r.stderr)![1])).toBeGreaterThan(0.8);
    const table = await readTable(out);
    expect(table.columns.map((c) => c.name)).toEqual(['sample', 'x', 'y']);
    expect(table.columns[0]!.values).toEqual(ids);
    const t = await readTable(tout);
    expect(t.rows).toBe(30);
    // each new row lands nearest to a training row of its own cluster
    const x = table.columns[1]!.values as Float64Array, y = table.columns[2]!.values as Float64Array;
    const tx = t.columns[1]!.values as Float64Array, ty = t.columns[2]!.values as Float64Array;
    for (let i = 0; i < 30; i++) {
      let best = 0, bd = Infinity;
      for (let j = 0; j < 150; j++) {
        const d = (tx[i]! - x[j]!) ** 2 + (ty[i]! - y[j]!) ** 2;
        if (d < bd) { bd = d; best = j; }
      }
      expect(best % 3).toBe(i % 3);
    }
    const again = tmp.path('emb2.csv');
    const r2 = await runCaptured(argv.map((a) => (a === out ? again : a === tout ? tmp.path('extra2.csv') : a)));
    expect(r2.code).toBe(0);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(out, 'utf8'));
  }, 120_000);

  it('usage errors exit 2 and name the option', async () => {
    const input = tmp.path('small.csv');
    writeClusters(input, 12, 3);
    const base = ['umap', '--input', input, '--label-column', 'kind', '--out', tmp.path('o.csv'), '--backend', 'wasm'];
    for (const [flags, pattern] of [
      [['--neighbours', '40'], /--neighbours 40 exceeds the 12 rows/],
      [['--min-dist', '3'], /--min-dist must lie between 0 and --spread/],
      [['--transform', input], /--transform <table> and --transform-out <file> go together/],
      [['--neighbour-method', 'annoy'], /annoy/],
    ] as const) {
      const r = await runCaptured([...base, ...flags]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(pattern);
    }
  });
});
