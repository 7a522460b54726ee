/**
 * Node-only file access for the model loaders and savers. `fs` is imported
 * dynamically inside each function, so modules that import these helpers
 * still load in a browser (where only the bytes-based APIs are used).
 */

/** The whole file as bytes; a missing or unreadable file fails with the path. */
export async function readFileBytes(path: string, what: string): Promise<Uint8Array> {
  const { readFile } = await import('node:fs/promises');
  try {
    const buf = await readFile(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : e instanceof Error ? e.message : String(e);
    throw new Error(`cannot read ${what} '${path}': ${reason}`, { cause: e });
  }
}

let tempCounter = 0;

/**
 * Write bytes to a temporary file next to `path`, then rename it over `path`:
 * a reader never sees a half-written file, and a failed write leaves the old
 * file untouched.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const { writeFile, rename, rm } = await import('node:fs/promises');
  const temp = `${path}.${process.pid}.${Date.now()}.${tempCounter++}.tmp`;
  try {
    await writeFile(temp, bytes, { flag: 'wx' });
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw new Error(`cannot write '${path}': ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
