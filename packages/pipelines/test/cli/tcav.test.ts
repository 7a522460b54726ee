/** `relevance tcav`: a concept planted in the data is significant, a random row set is not; usage errors exit 2. */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Generator } from '@relevance/core-wasm';
import { readTable } from '../../src/index.js';
import { useTempDir } from '../io/helpers/temp-dir.js';
import { runCaptured } from './helpers/run-cli.js';
import { syntheticCsv } from '../studies/influence/helpers.js';

const tmp = useTempDir('relevance-tcav-');

describe('relevance tcav', () => {
  it('finds the concept that drives class A significant and a random id list not, and writes the table, json, figure and config', async () => {
    const data = tmp.path('cohort.csv');
    writeFileSync(data, syntheticCsv(300, 4));
    // a random concept: 40 ids drawn with a fixed generator
    const g = new Generator(8);
    const randomIds = Array.from(g.permutation(300).subarray(0, 40), (r) => `s${r + 1}`);
    writeFileSync(tmp.path('random.txt'), `sample\n${randomIds.join('\n')}\n`);
    const out = tmp.path('run');
    const r = await runCaptured([
      'tcav', '--data', data, '--label-column', 'subtype', '--concept', 'a_drivers=f1 + f2 > 1.5', '--concept-ids', `random=${tmp.path('random.txt')}`,
      '--layers', 'input,relu1', '--hidden', '16', '--epochs', '60', '--random-concepts', '15', '--seed', '1', '--backend', 'wasm', '--out', out, '-q',
    ]);
    expect(r.stderr).toBe('');
    // the paper's t-test also passes this random id set for some classes (its runs share the set); the calibrated test must not
    expect(r.code).toBe(0);
    const table = await readTable(`${out}/tcav.parquet`);
    const col = (name: string): unknown[] => table.columns.find((c) => c.name === name)!.values as unknown[];
    expect(table.rows).toBe(2 * 3 * 2);
    const rows = col('concept').map((c, i) => ({
      concept: c, cls: col('class')[i], layer: col('layer')[i], score: col('tcav_score')[i] as number, p: col('p_bonferroni')[i] as number, sig: col('significant')[i],
      pc: col('p_calibrated')[i] as number, sigc: col('significant_calibrated')[i],
    }));
    for (const row of rows.filter((x) => x.cls === 'A')) {
      if (row.concept === 'a_drivers') {
        expect(row.sig, JSON.stringify(row)).toBe(true);
        expect(row.score).toBeGreaterThan(0.8);
      } else expect(row.sigc, JSON.stringify(row)).toBe(false);
    }
    const json = JSON.parse(readFileSync(`${out}/tcav.json`, 'utf8')) as { rows: Array<{ scores: number[] }>; bonferroni: number };
    expect(json.bonferroni).toBe(2);
    expect(json.rows[0]!.scores.length).toBe(15);
    expect(readFileSync(`${out}/tcav.svg`, 'utf8')).toContain('a_drivers → A @ input');
    expect(r.stdout).toContain('a_drivers -> A @ input');
    // same seed, same bytes
    const again = await runCaptured([
      'tcav', '--data', data, '--label-column', 'subtype', '--concept', 'a_drivers=f1 + f2 > 1.5', '--concept-ids', `random=${tmp.path('random.txt')}`,
      '--layers', 'input,relu1', '--hidden', '16', '--epochs', '60', '--random-concepts', '15', '--seed', '1', '--backend', 'wasm', '--out', tmp.path('run2'), '-q',
    ]);
    expect(again.code).toBe(0);
    expect(readFileSync(`${tmp.path('run2')}/tcav.parquet`)).toEqual(readFileSync(`${out}/tcav.parquet`));
  }, 120_000);

  it('names the option and the fix for bad concepts', async () => {
    const data = tmp.path('small.csv');
    writeFileSync(data, syntheticCsv(60, 2));
    const base = ['tcav', '--data', data, '--label-column', 'subtype', '--epochs', '2', '--backend', 'wasm', '--out', tmp.path('bad'), '-q'];
    const none = await runCaptured(base);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/at least one concept/);
    const form = await runCaptured([...base, '--concept', 'f1 > 0']);
    expect(form.code).toBe(2);
    expect(form.stderr).toMatch(/--concept expects name=value/);
    const sql = await runCaptured([...base, '--concept', 'c=nosuch > 0']);
    expect(sql.code).not.toBe(0);
    expect(sql.stderr).toMatch(/--concept c= "nosuch > 0".*columns:/);
    writeFileSync(tmp.path('ids.txt'), 's1\ns2\nzz9\n');
    const ids = await runCaptured([...base, '--concept-ids', `c=${tmp.path('ids.txt')}`]);
    expect(ids.code).not.toBe(0);
    expect(ids.stderr).toMatch(/zz9.*one id per line/);
  }, 60_000);
});
