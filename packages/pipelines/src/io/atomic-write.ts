/**
 * Every output is written to a temporary name in the target's folder and then
 * renamed over the target (atomic on one file system), so an interrupted or
 * failing run leaves either the old file or the complete new one, never half
 * a file. The temporary file is removed when the writer fails.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../cli/usage-error.js';
import { DataError } from './data-error.js';
import { stableStringify } from './stable-json.js';

/** The errno code of a Node error ('ENOSPC', ...), if any. */
export function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device; free some space or write to another disk',
  EDQUOT: 'the disk quota is used up; free some space or write to another disk',
  EACCES: 'permission denied; choose a folder you can write to',
  EPERM: 'operation not permitted; choose a folder you can write to',
  EROFS: 'the file system is read-only; choose a writable folder',
  ENOENT: 'the folder does not exist and cannot be created there; choose a folder on a writable disk',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EIO: 'an input/output error on the device',
};

/** A file-system failure as an error that names `path` and what to do. */
export function namedError(path: string, e: unknown, verb = 'could not write'): Error {
  if (e instanceof DataError || e instanceof UsageError) return e;
  const code = errorCode(e);
  const reason = code ? `${REASONS[code] ?? (e as Error).message} (${code})` : e instanceof Error ? e.message : String(e);
  return new DataError(`${path}: ${verb}: ${reason}`);
}

/** mkdir of one folder (its parent must exist), with errors naming it; an existing folder is fine. */
export async function makeFolder(dir: string, what: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (e) {
    if (errorCode(e) === 'EEXIST' && (await stat(dir)).isDirectory()) return;
    throw namedError(what, e, `cannot create the folder ${dir}`);
  }
}

/**
 * mkdir -p one level at a time. Node's recursive mkdir never returns for a
 * path under /proc; this fails at once with the folder named. Returns the
 * outermost folder it created (for removeEmptyFolders), or undefined.
 */
export async function makeFolders(dir: string, what: string = dir): Promise<string | undefined> {
  const missing: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    try {
      if ((await stat(d)).isDirectory()) break;
      throw new DataError(`${what}: ${d} is a file, not a folder; choose another path`);
    } catch (e) {
      if (errorCode(e) !== 'ENOENT') throw namedError(what, e, `cannot use the folder ${d}`);
    }
    missing.push(d);
    if (dirname(d) === d) break;
  }
  missing.reverse();
  for (const d of missing) await makeFolder(d, what);
  return missing[0];
}

/** Remove `dir` and its parents up to and including `outermost`, as long as they are empty. */
export async function removeEmptyFolders(dir: string, outermost: string): Promise<void> {
  const stop = resolve(outermost);
  for (let d = resolve(dir); d.startsWith(stop); d = dirname(d)) {
    try {
      await rmdir(d);
    } catch {
      return; // not empty (someone else's files) or gone: leave it
    }
    if (d === stop) return;
  }
}

let sequence = 0;

/** The temporary path used for `path`: hidden, same folder, unique within and across processes. */
export function temporaryPathFor(path: string): string {
  sequence += 1;
  return join(dirname(path), `.${basename(path)}.${process.pid}.${sequence}.tmp`);
}

/**
 * Run `write(tmpPath)` and rename the result onto `path`; the parent folder is
 * created if needed (and removed again if the write fails). Errors name `path`.
 */
export async function writeFileAtomic(path: string, write: (tmpPath: string) => Promise<void>): Promise<void> {
  const created = await makeFolders(dirname(path), path);
  const tmp = temporaryPathFor(path);
  try {
    await write(tmp);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    // a failed write leaves no empty folders behind either
    if (created) await removeEmptyFolders(dirname(path), created);
    throw namedError(path, e);
  }
}

/** Write text (one string or pieces) atomically. */
export async function writeTextAtomic(path: string, text: string | Iterable<string | Uint8Array>): Promise<void> {
  await writeFileAtomic(path, async (tmp) => {
    const handle = await open(tmp, 'w');
    try {
      for (const piece of typeof text === 'string' ? [text] : text) {
        const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
        // write() may write less than asked; loop until the piece is out
        for (let off = 0; off < bytes.length; ) off += (await handle.write(bytes, off, bytes.length - off)).bytesWritten;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
}

/** Write bytes atomically. */
export async function writeBytesAtomic(path: string, bytes: Uint8Array): Promise<void> {
  await writeTextAtomic(path, [bytes]);
}

/** JSON with sorted keys and a final newline, written atomically; same value, same bytes. */
export async function writeJsonAtomic(path: string, value: unknown, indent = 2): Promise<void> {
  await writeTextAtomic(path, stableStringify(value, indent) + '\n');
}

/** Hex SHA-256 of a file's bytes (streamed, so large outputs are fine). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
