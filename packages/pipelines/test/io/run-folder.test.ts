/**
 * io/run-folder.ts: a run is written into a hidden sibling and renamed onto
 * --out when complete; a non-empty --out needs force and is then replaced
 * atomically; a failure leaves nothing (no temporary, no empty --out, no
 * created parents); write errors name the file; /proc fails fast.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic, writeTextAtomic } from '../../src/io/atomic-write.js';
import { openRunFolder, withRunFolder } from '../../src/io/run-folder.js';
import { useTempDir } from './helpers/temp-dir.js';

const tmp = useTempDir('relevance-run-folder-');
let n = 0;
const fresh = (): string => tmp.path(`case-${n++}`);
const enospc = (): Error => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });

describe('openRunFolder / withRunFolder', () => {
  it('writes into a hidden sibling and moves it onto --out only when complete', async () => {
    const parent = fresh();
    mkdirSync(parent);
    const out = join(parent, 'run');
    const folder = await openRunFolder(out);
    expect(folder.dir.startsWith(join(parent, '.run.relevance-tmp-'))).toBe(true);
    await writeFile(join(folder.dir, 'a.txt'), 'a');
    expect(existsSync(out)).toBe(false);
    await folder.commit();
    expect(readdirSync(parent)).toEqual(['run']);
    expect(readFileSync(join(out, 'a.txt'), 'utf8')).toBe('a');
  });

  it('refuses a non-empty --out without force, naming the option and --force; an empty folder is fine', async () => {
    const out = fresh();
    mkdirSync(out);
    await withRunFolder(out, {}, async (dir) => writeFile(join(dir, 'manifest.json'), '{}'));
    await expect(openRunFolder(out)).rejects.toThrow(/--out .*case-\d+: already holds a finished run \(manifest\.json\); give --force to replace it/);
    const other = fresh();
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'mine');
    await expect(withRunFolder(other, {}, async () => {})).rejects.toThrow(/holds 1 file \(notes\.txt\) but no run/);
    expect(readFileSync(join(other, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('--force replaces run folders only: a folder of other files (--out . --force) is refused and kept', async () => {
    const mine = fresh();
    mkdirSync(mine);
    writeFileSync(join(mine, 'thesis.tex'), 'years of work');
    await expect(withRunFolder(mine, { force: true }, async () => {})).rejects.toThrow(/holds 1 file \(thesis\.tex\) but no run \(no manifest\.json, config\.json or tables\); --force replaces run folders only/);
    expect(readdirSync(mine)).toEqual(['thesis.tex']);
    const half = fresh();
    mkdirSync(half);
    writeFileSync(join(half, 'model.relevance'), 'half a run from an older version');
    await withRunFolder(half, { force: true }, async (dir) => writeFile(join(dir, 'manifest.json'), '{}'));
    expect(readdirSync(half)).toEqual(['manifest.json']);
  });

  it('with force replaces the old run whole: no file of the old run survives, no aside folder is left', async () => {
    const out = fresh();
    await withRunFolder(out, {}, async (dir) => {
      await writeFile(join(dir, 'old-only.parquet'), 'old');
      await writeFile(join(dir, 'manifest.json'), 'old');
    });
    await withRunFolder(out, { force: true }, async (dir) => writeFile(join(dir, 'manifest.json'), 'new'));
    expect(readdirSync(out)).toEqual(['manifest.json']);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe('new');
    expect(readdirSync(tmp.root).filter((f) => f.includes('relevance-'))).toEqual([]);
  });

  it('with force, a failing run leaves the old run untouched', async () => {
    const out = fresh();
    await withRunFolder(out, {}, async (dir) => writeFile(join(dir, 'manifest.json'), 'old'));
    await expect(withRunFolder(out, { force: true }, async (dir) => {
      await writeFile(join(dir, 'manifest.json'), 'half');
      throw new Error('training diverged');
    })).rejects.toThrow('training diverged');
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe('old');
  });

  it('a failing run leaves no --out, no temporary folder, and no parent folders it created', async () => {
    const root = fresh();
    const out = join(root, 'deep', 'run');
    await expect(withRunFolder(out, {}, async (dir) => {
      await writeFile(join(dir, 'model.relevance'), 'x');
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(existsSync(root)).toBe(false);
  });

  it('errors name the file under --out, not the temporary folder', async () => {
    const out = fresh();
    const e = await withRunFolder(out, {}, async (dir) => writeTextAtomic(join(dir, 'metrics.json'), '{}').then(() => {
      throw new Error(`${join(dir, 'metrics.json')}: bad`);
    })).catch((x: Error) => x);
    expect((e as Error).message).toBe(`${join(out, 'metrics.json')}: bad`);
  });

  it('removes temporaries left by a killed run (a pid that is gone) on the next run into the same --out', async () => {
    const parent = fresh();
    mkdirSync(join(parent, '.run.relevance-tmp-999999999-1'), { recursive: true });
    writeFileSync(join(parent, '.run.relevance-tmp-999999999-1', 'model.relevance'), 'half');
    await withRunFolder(join(parent, 'run'), {}, async () => {});
    expect(readdirSync(parent)).toEqual(['run']);
  });

  it('--out under /proc fails at once with the folder named (Node\'s recursive mkdir never returns there)', async () => {
    if (!existsSync('/proc/self')) return; // not Linux: nothing to check
    const started = performance.now();
    await expect(openRunFolder('/proc/run')).rejects.toThrow(/--out \/proc\/run: cannot create the folder \/proc\/\.run\.relevance-tmp-\d+-\d+: .*\(ENOENT\)/);
    await expect(writeTextAtomic('/proc/run/x/out.json', '{}')).rejects.toThrow(/\/proc\/run\/x\/out\.json: cannot create the folder \/proc\/run/);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('writeFileAtomic', () => {
  it('a full disk (ENOSPC) names the file and the fix, and leaves no temporary file or created folder', async () => {
    const dir = join(fresh(), 'sub');
    const target = join(dir, 'edges.parquet');
    await expect(writeFileAtomic(target, async (t) => {
      writeFileSync(t, 'partial');
      throw enospc();
    })).rejects.toThrow(`${target}: could not write: no space left on the device; free some space or write to another disk (ENOSPC)`);
    expect(existsSync(dir)).toBe(false);
  });
});
