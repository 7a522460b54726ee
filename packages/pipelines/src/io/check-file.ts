/** Fail early, with the path and the fix, when an input file is missing or unreadable. */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DataError } from './data-error.js';

export async function checkReadableFile(path: string): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new DataError(`${path}: file not found (looked for ${resolve(path)}); check the path, or run from the folder that holds it`);
    }
    if (code === 'EACCES' || code === 'EPERM') {
      throw new DataError(`${path}: permission denied: the folder '${dirname(resolve(path))}' (or one above it) cannot be entered by this user; check the folders' permissions (chmod +x)`);
    }
    throw new DataError(`${path}: cannot be read (${code ?? String(e)}); check the path and its permissions`);
  }
  if (info.isDirectory()) throw new DataError(`${path}: is a folder, not a file; name a file inside it`);
  try {
    await access(path, constants.R_OK);
  } catch {
    throw new DataError(`${path}: cannot be read (permission denied); check its permissions (chmod +r)`);
  }
}
