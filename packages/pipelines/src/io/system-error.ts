/**
 * Node's file-system errors ("EACCES: permission denied, open '/x/.f.123.1.tmp'")
 * in the user's terms: what could not be done, to which file or folder, and the
 * fix. Temporary names (see atomic-write.ts) are shown as the file being written.
 */
import { basename, dirname, join } from 'node:path';

interface SystemError {
  code: string;
  syscall?: string;
  path?: string;
}

function isSystemError(e: unknown): e is Error & SystemError {
  return e instanceof Error && typeof (e as Partial<SystemError>).code === 'string' && /^E[A-Z]+$/.test((e as unknown as SystemError).code);
}

/** '/x/.f.parquet.123.1.tmp' -> '/x/f.parquet' (the file the temporary stands for). */
function targetOf(path: string): string {
  const m = /^\.?(.+?)\.\d+\.\d+(\.\d+)?\.tmp$/.exec(basename(path));
  return m ? join(dirname(path), m[1]!) : path;
}

const WRITES = new Set(['mkdir', 'rename', 'write', 'copyfile', 'unlink', 'rmdir', 'symlink']);

/** A message for a file-system error, or undefined when `e` is not one. */
export function describeSystemError(e: unknown): string | undefined {
  // a wrapper ("cannot write 'x': EACCES ...") keeps the system error as its cause
  if (!isSystemError(e) && e instanceof Error && e.cause !== undefined) return describeSystemError(e.cause);
  if (!isSystemError(e) || e.path === undefined) return undefined;
  const target = targetOf(e.path);
  const folder = dirname(target);
  // 'open' of a temporary file is a write; 'open' of anything else is taken as a read
  const writing = e.syscall === 'open' ? target !== e.path : e.syscall !== undefined && WRITES.has(e.syscall);
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return writing
        ? `permission denied: cannot write '${target}', the folder '${folder}' is not writable for this user; fix its permissions or write somewhere else`
        : `permission denied: cannot read '${target}'; fix its permissions (or those of '${folder}')`;
    case 'EROFS':
      return `cannot write '${target}': '${folder}' is on a read-only file system; write somewhere else`;
    case 'ENOENT':
      return writing ? `cannot write '${target}': the folder '${folder}' does not exist (or was removed while writing)` : `no such file or folder: '${target}'`;
    case 'ENOTDIR':
      return `cannot use '${target}': a part of the path is a file, not a folder`;
    case 'EISDIR':
      return `'${target}' is a folder, not a file; give a file name`;
    default:
      return undefined;
  }
}
