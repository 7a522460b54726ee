/** File-system errors are told in the user's terms: permission denied names the folder, never a raw ENOENT/EACCES. */
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeJsonAtomic } from '../../src/io/atomic-write.js';
import { describeSystemError } from '../../src/io/system-error.js';
import { useTempDir } from './helpers/temp-dir.js';

const tmp = useTempDir('relevance-system-error-');

function systemError(code: string, syscall: string, path: string): Error {
  return Object.assign(new Error(`${code}: something, ${syscall} '${path}'`), { code, syscall, path });
}

describe('describeSystemError', () => {
  it('EACCES on a temporary output names the file being written and its folder', () => {
    expect(describeSystemError(systemError('EACCES', 'open', '/runs/a/.metrics.json.123.4.tmp'))).toBe(
      "permission denied: cannot write '/runs/a/metrics.json', the folder '/runs/a' is not writable for this user; fix its permissions or write somewhere else",
    );
  });

  it('EACCES on mkdir names the parent folder', () => {
    expect(describeSystemError(systemError('EACCES', 'mkdir', '/ro/run'))).toContain("permission denied: cannot write '/ro/run', the folder '/ro' is not writable");
  });

  it('a wrapped error (cannot write x: EACCES ...) is described through its cause', () => {
    const wrapped = new Error("cannot write '/ro/model.relevance': EACCES", { cause: systemError('EACCES', 'open', '/ro/model.relevance.20820.1796593328142.0.tmp') });
    expect(describeSystemError(wrapped)).toContain("permission denied: cannot write '/ro/model.relevance'");
  });

  it('EROFS, ENOENT while writing, and other errors', () => {
    expect(describeSystemError(systemError('EROFS', 'open', '/mnt/x/.t.csv.1.1.tmp'))).toContain("'/mnt/x' is on a read-only file system");
    expect(describeSystemError(systemError('ENOENT', 'rename', '/gone/.t.csv.1.1.tmp'))).toContain("the folder '/gone' does not exist");
    expect(describeSystemError(new Error('plain'))).toBeUndefined();
  });

  it.runIf(process.getuid?.() !== 0)('a real read-only folder: the write fails and is described as permission denied', async () => {
    const dir = tmp.path('read-only');
    mkdirSync(dir);
    chmodSync(dir, 0o555);
    const e = await writeJsonAtomic(join(dir, 'x.json'), {}).catch((err: unknown) => err);
    expect(describeSystemError(e)).toContain(`permission denied: cannot write '${join(dir, 'x.json')}', the folder '${dir}' is not writable`);
  });
});
