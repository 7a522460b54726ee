/**
 * Reliability of the proteomics study: reruns are byte-identical, shards merge
 * into exactly the unsharded run, interrupted writes leave no half file, and
 * bad inputs get clear errors naming the file, column or row and the fix.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeProteomicsRuns } from '../../../src/studies/proteomics/merge.js';
import { createProgress } from '../../../src/progress/progress.js';
import { metricsWithoutTimings, runQuiet, smallOptions, tableBytes, tempDir } from './helpers.js';

describe('proteomics study: reproducibility, shards, atomic outputs', () => {
  it('same data, config and seed give byte-identical tables and metrics; another seed does not', async () => {
    const a = tempDir(), b = tempDir(), c = tempDir();
    await runQuiet(smallOptions(a));
    await runQuiet(smallOptions(b));
    await runQuiet(smallOptions(c, { seed: 2 }));
    const ta = tableBytes(a), tb = tableBytes(b), tc = tableBytes(c);
    expect([...ta.keys()]).toEqual([...tb.keys()]);
    for (const [file, bytes] of ta) expect(bytes.equals(tb.get(file)!), `${file} differs between reruns`).toBe(true);
    expect(metricsWithoutTimings(a)).toEqual(metricsWithoutTimings(b));
    expect(readFileSync(join(a, 'config.json'), 'utf8')).toBe(readFileSync(join(b, 'config.json'), 'utf8'));
    expect(ta.get('edges_cohort.parquet')!.equals(tc.get('edges_cohort.parquet')!)).toBe(false);
    // no temporary files are left behind
    expect(readdirSync(a).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('shards 0/3, 1/3, 2/3 merge into exactly the unsharded run', async () => {
    // a one-command --shard run explains with one predictor (the stages shard --replicates: stages.test.ts)
    const whole = tempDir();
    await runQuiet(smallOptions(whole, { replicates: 1 }));
    const shards = [0, 1, 2].map(() => tempDir());
    for (let i = 0; i < 3; i++) await runQuiet(smallOptions(shards[i]!, { replicates: 1, shard: { index: i, count: 3 } }));
    const merged = tempDir();
    await mergeProteomicsRuns(shards, merged, { progress: createProgress({ stream: { write: () => true }, quiet: true }), log: () => undefined });
    const tw = tableBytes(whole), tm = tableBytes(merged);
    expect([...tm.keys()]).toEqual([...tw.keys()]);
    for (const name of ['edges_cohort', 'edges_class', 'edges_instance', 'baselines', 'curves', 'instances', 'training', 'proteins']) expect(tw.has(`${name}.parquet`), name).toBe(true);
    for (const [f, bytes] of tw) expect(tm.get(f)?.equals(bytes), `${f}: merged differs from unsharded`).toBe(true);
    expect(readFileSync(join(merged, 'instance_networks.npy')).equals(readFileSync(join(whole, 'instance_networks.npy')))).toBe(true);
    expect(metricsWithoutTimings(merged)).toEqual(metricsWithoutTimings(whole));
    // with one predictor, the training of every predictor is the one `train` lap
    const timing = JSON.parse(readFileSync(join(whole, 'metrics.json'), 'utf8')).timing_s;
    expect(timing.train_all).toBe(timing.train);
    expect(timing.replicates).toBeUndefined();
    // a missing shard is named
    await expect(mergeProteomicsRuns(shards.slice(0, 2), tempDir(), { progress: createProgress({ stream: { write: () => true }, quiet: true }), log: () => undefined })).rejects.toThrow(/shards 2\/3 are missing/);
  });
});

describe('proteomics study: clear errors for bad inputs', () => {
  const dir = tempDir('relevance-proteomics-bad-');
  const csv = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const rows = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_, i) => f(i)).join('\n');
  const good = csv('good.csv', `id,class,A,B,C\n${rows(40, (i) => `p${i},${i % 2 ? 'x' : 'y'},${i},${(i * 7) % 11},${Math.sin(i)}`)}\n`);

  let runs = 0;
  const run = (overrides: Parameters<typeof smallOptions>[1]) => runQuiet(smallOptions(join(dir, `out-${runs++}`), overrides));

  it('a missing file', async () => {
    await expect(run({ data: join(dir, 'nope.csv') })).rejects.toThrow(/nope\.csv/);
  });

  it('no numeric columns', async () => {
    const p = csv('text.csv', `id,a,b\n${rows(10, (i) => `p${i},x${i},y${i}`)}\n`);
    await expect(run({ data: p })).rejects.toThrow(/no numeric columns to use as features/);
  });

  it('a missing id or class column names the columns that exist', async () => {
    await expect(run({ data: good, idColumn: 'patient' })).rejects.toThrow(/no id column 'patient'; columns: 'id', 'class', 'A', 'B', 'C'/);
    await expect(run({ data: good, classColumn: 'type' })).rejects.toThrow(/no class column 'type'; columns: id, class, A, B, C/);
  });

  it('duplicate ids name both rows', async () => {
    const p = csv('dup.csv', `id,A,B,C\n${rows(10, (i) => `p${i === 7 ? 2 : i},${i},${i * 2 % 5},${i % 3}`)}\n`);
    await expect(run({ data: p, idColumn: 'id' })).rejects.toThrow(/duplicate id 'p2' in rows 3 and 8/);
  });

  it('an all-missing column is dropped with a warning, or is an error when --max-missing 1 keeps it; a constant column is an error', async () => {
    const missing = csv('missing.csv', `id,A,B,C,D\n${rows(10, (i) => `p${i},${i},,${i % 3},${(i * 7) % 5}`)}\n`);
    await expect(run({ data: missing, maxMissing: 1 })).rejects.toThrow(/column 'B' is missing in all 10 rows/);
    const ok = await run({ data: missing, testFraction: 0.3 });
    expect(ok.log.join('\n')).toMatch(/dropped 1 column with more than 50% missing values: B/);
    const constant = csv('constant.csv', `id,A,B,C\n${rows(10, (i) => `p${i},${i},4,${i % 3}`)}\n`);
    await expect(run({ data: constant })).rejects.toThrow(/column 'B' is constant/);
  });

  it('a class with too few patients for the split', async () => {
    const p = csv('small-class.csv', `id,class,A,B,C\n${rows(20, (i) => `p${i},${i === 0 ? 'rare' : 'common'},${i},${(i * 7) % 11},${i % 5}`)}\n`);
    await expect(run({ data: p, classColumn: 'class' })).rejects.toThrow(/class 'rare' has 1 row, too few for a train\/test split/);
  });

  it('a truth file naming proteins that are not in the data lists them', async () => {
    const truth = csv('truth.csv', 'source,target\nA,B\nA,EGFR\nMYC,C\n');
    await expect(run({ data: good, classColumn: 'class', truth })).rejects.toThrow(/names 2 proteins that are not in the data: EGFR, MYC/);
  });

  it('a failing run leaves no half-written output file', async () => {
    const out = join(dir, 'failed-run');
    const truth = csv('truth2.csv', 'source,target\nA,NOPE\n');
    await expect(runQuiet(smallOptions(out, { data: good, truth }))).rejects.toThrow(/NOPE/);
    const left = existsSync(out) ? readdirSync(out) : [];
    expect(left.filter((f) => f.includes('.tmp'))).toEqual([]);
    expect(left.filter((f) => /\.(parquet|arrow)$/.test(f))).toEqual([]);
  });
});
