/**
 * Every output is written to a temporary name in the target's folder and then
 * renamed over the target (atomic on one file system), so an interrupted or
 * failing run leaves either the old file or the complete new one, never half
 * a file. The temporary file is removed when the writer fails.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { stableStringify } from './stable-json.js';

let sequence = 0;

/** The temporary path used for `path`: hidden, same folder, unique within and across processes. */
export function temporaryPathFor(path: string): string {
  sequence += 1;
  return join(dirname(path), `.${basename(path)}.${process.pid}.${sequence}.tmp`);
}

/** Run `write(tmpPath)` and rename the result onto `path`; the parent folder is created if needed. */
export async function writeFileAtomic(path: string, write: (tmpPath: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = temporaryPathFor(path);
  try {
    await write(tmp);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
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
