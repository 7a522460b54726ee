/**
 * Write a file through a temporary name in the same folder and rename it
 * over the target, so a reader (or an interrupted run) never sees half a
 * report. The same rule as the pipelines' writers; kept here so writing a
 * report does not load the whole pipelines package graph.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

let sequence = 0;

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  sequence += 1;
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${sequence}.tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    // Node's own message (e.g. 'ENOSPC: no space left on device, write') does not say which file
    const code = (e as { code?: unknown }).code;
    const hint = code === 'ENOSPC' ? 'no space left on the device; free some space or write to another disk (ENOSPC)' : e instanceof Error ? e.message : String(e);
    throw Object.assign(new Error(`${path}: could not write: ${hint}`, { cause: e }), typeof code === 'string' ? { code } : {});
  }
}
