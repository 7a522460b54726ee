/**
 * Run folders through the CLI (docs/RELIABILITY.md): a finished run is never
 * overwritten without --force, --force replaces it whole, failed commands
 * leave no --out, a full disk names the file and leaves nothing, `report`
 * refuses a mixed or edited folder, and no command writes over its input.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/io/atomic-write.js';
import { setReportWriter } from '../../src/report-hook.js';
import { useTempDir } from '../io/helpers/temp-dir.js';
import { runCaptured } from './helpers/run-cli.js';

const tmp = useTempDir('relevance-run-folders-');
const SMALL = ['study', 'proteomics', '--synthetic-proteins', '10', '--synthetic-instances-per-class', '30', '--synthetic-classes', '2', '--epochs', '2', '--masks', '2', '--hidden', '8,8', '--no-tsne', '--backend', 'wasm', '--threads', '1', '-q'];
const study = (out: string, ...extra: string[]) => runCaptured([...SMALL, ...extra, '--out', out]);
const enospc = (): Error => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
/** The report writer the entry point registers, reduced to writing one file. */
const stubReport = async (dir: string): Promise<string> => {
  await writeFileAtomic(join(dir, 'report.html'), async (t) => writeFileSync(t, '<html></html>'));
  return join(dir, 'report.html');
};

afterEach(() => setReportWriter(undefined));

describe('a finished run is never overwritten silently', () => {
  const out = tmp.path('finished');
  let manifest = '';
  beforeAll(async () => {
    const r = await study(out);
    expect(r.code, r.stderr).toBe(0);
    manifest = readFileSync(join(out, 'manifest.json'), 'utf8');
  });

  it('a rerun into the same --out is refused (exit 2), naming --out and --force, and changes nothing', async () => {
    const r = await study(out, '--seed', '2');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--out ${out}: already holds a finished run (manifest.json); give --force to replace it`);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe(manifest);
  });

  it('with --force the new run replaces the old one whole', async () => {
    writeFileSync(join(out, 'stale.txt'), 'from an older run');
    const r = await study(out, '--seed', '2', '--force');
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(out, 'stale.txt'))).toBe(false);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).seed).toBe(2);
    expect(readdirSync(tmp.root).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('`relevance report` checks the files against manifest.json: a tampered table is refused by name', async () => {
    setReportWriter(stubReport);
    const ok = await runCaptured(['report', out]);
    expect(ok.code, ok.stderr).toBe(0);
    const file = join(out, 'edges_cohort.arrow');
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(file, bytes);
    const r = await runCaptured(['report', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}: its SHA-256 differs from the one manifest.json records`);
  });

  it('`relevance report` refuses a folder without manifest.json (an incomplete run)', async () => {
    const half = tmp.path('half');
    mkdirSync(half);
    writeFileSync(join(half, 'config.json'), JSON.stringify({ study: 'proteomics' }));
    const r = await runCaptured(['report', half]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(half, 'manifest.json')}: missing or unreadable, so ${half} is not a complete run`);
  });
});

describe('failed commands leave nothing', () => {
  it('a study that fails on its data leaves no --out folder', async () => {
    const out = tmp.path('failed/run');
    // not the SMALL synthetic options: they are usage errors next to --data
    const r = await runCaptured(['study', 'proteomics', '--data', tmp.path('no-such.csv'), '--out', out]);
    expect(r.stderr).toMatch(/no-such\.csv: file not found/);
    expect(r.code).toBe(1);
    expect(existsSync(tmp.path('failed'))).toBe(false);
  });

  it('study influence and merge that fail leave no --out folder either', async () => {
    const labelled = tmp.write('labelled.csv', 'id,label,f0,f1\n' + Array.from({ length: 30 }, (_, r) => `s${r},${'AB'[r % 2]},${r % 7},${(r * 3) % 5}`).join('\n') + '\n');
    const influence = await runCaptured(['study', 'influence', '--data', labelled, '--label-column', 'no_such_column', '--out', tmp.path('failed-influence/run'), '-q']);
    expect(influence.code).toBe(1);
    expect(existsSync(tmp.path('failed-influence'))).toBe(false);
    const shard = tmp.path('lonely-shard');
    mkdirSync(shard);
    // a complete set of shards (0/1) whose data file is gone: merge fails after it started writing
    writeFileSync(join(shard, 'config.json'), JSON.stringify({ study: 'proteomics', shard: '0/1', data: tmp.path('gone.csv'), max_missing: 0.5, transform: 'none', test_fraction: 0.3, standardize: 'global', seed: 1 }));
    const merge = await runCaptured(['merge', shard, '--out', tmp.path('failed-merge/run'), '-q']);
    expect(merge.stderr).toContain('gone.csv');
    expect(merge.code).toBe(1);
    expect(existsSync(tmp.path('failed-merge'))).toBe(false);
  });

  it('a full disk while writing the report names the file and leaves no folder that looks complete', async () => {
    setReportWriter(async (dir) => {
      await writeFileAtomic(join(dir, 'report.html'), async () => {
        throw enospc();
      });
      return join(dir, 'report.html');
    });
    const out = tmp.path('full-disk');
    const r = await study(out);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(out, 'report.html')}: could not write: no space left on the device; free some space or write to another disk (ENOSPC)`);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp.root).filter((f) => f.startsWith('.full-disk'))).toEqual([]);
  });

  it('--out under /proc fails at once with a clear error', async () => {
    if (!existsSync('/proc/self')) return;
    const started = performance.now();
    const r = await study('/proc/run');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--out \/proc\/run: cannot create the folder \/proc\/\.run\.relevance-tmp-\d+-\d+/);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('no command writes over its own input (real paths compared)', () => {
  const shardA = tmp.path('shard-a');
  const shardB = tmp.path('shard-b');
  beforeAll(() => {
    for (const d of [shardA, shardB]) {
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'config.json'), '{"study":"proteomics"}');
    }
  });

  const refused = async (argv: string[], message: RegExp, unchanged: string): Promise<void> => {
    const before = readFileSync(unchanged);
    const r = await runCaptured(argv);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(readFileSync(unchanged).equals(before)).toBe(true);
  };

  it('merge a b --out a', async () => {
    await refused(['merge', shardA, shardB, '--out', shardA, '--force'], /--out .*shard-a is also the input run folder/, join(shardA, 'config.json'));
  });

  it('explain --input x.json --out x.json (spelled differently)', async () => {
    const x = tmp.write('x.json', '{"shape":[1,2],"data":[1,2]}');
    await refused(['explain', '--model', 'm.onnx', '--method', 'saliency', '--input', x, '--out', join(tmp.root, 'sub', '..', 'x.json')], /--out .* is also --input/, x);
  });

  it('predict and tsne reading --out through --sql', async () => {
    const csv = tmp.write('t.csv', 'id,a,b\nr1,1,2\nr2,3,4\nr3,5,6\nr4,7,9\n');
    await refused(['predict', '--model', 'm.onnx', '--sql', `select * from '${csv}'`, '--out', csv], /--out .*t\.csv is also a file in the --sql query/, csv);
    await refused(['tsne', '--sql', `select * from '${csv}'`, '--out', csv], /--out .*t\.csv is also a file in the --sql query/, csv);
  });

  it('a study whose --data lies inside --out (which --force would delete)', async () => {
    const run = tmp.path('run-with-data');
    mkdirSync(run);
    const data = tmp.write('run-with-data/data.csv', 'id,a,b\nr1,1,2\n');
    await refused(['study', 'proteomics', '--data', data, '--out', run, '--force'], /--out .*run-with-data holds --data/, data);
  });
});
