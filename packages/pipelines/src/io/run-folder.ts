/**
 * The one writer of run folders (studies, merge). A run is written into a
 * hidden sibling of `--out` (`.<name>.relevance-tmp-<pid>-<n>`) and renamed
 * onto `--out` only when complete, so `--out` holds a whole run or nothing:
 *
 * - a failing run removes its temporary folder (and the parent folders it
 *   created), so it leaves no empty or half-written `--out`;
 * - SIGINT / SIGTERM remove every open temporary folder, then exit 130 / 143;
 * - SIGKILL cannot be caught: it leaves the hidden temporary folder, never a
 *   half-written `--out`; the next run into the same `--out` removes it;
 * - a non-empty `--out` is refused unless `force`; then the old folder is
 *   renamed aside, the new one renamed in, and the old one deleted.
 *
 * See docs/RELIABILITY.md for the promises and the tests that hold them.
 */
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../cli/usage-error.js';
import { errorCode, makeFolder, makeFolders, removeEmptyFolders } from './atomic-write.js';
import { DataError } from './data-error.js';

export interface RunFolderOptions {
  /** Replace a non-empty `out` (atomically, once the new run is complete). */
  force?: boolean;
  /** How the user named the folder in errors (default '--out'). */
  option?: string;
}

export interface RunFolder {
  /** The folder the user asked for. */
  readonly out: string;
  /** Where the run writes until commit(): a hidden sibling of `out`. */
  readonly dir: string;
  /** Rename `dir` onto `out` (replacing an old run only with force). */
  commit(): Promise<void>;
  /** Remove `dir` (and parent folders created for it). Safe to call twice. */
  abort(): Promise<void>;
}

const TEMP_MARK = 'relevance-tmp';
const OLD_MARK = 'relevance-old';
let sequence = 0;

// ---- signals: remove every open temporary folder on SIGINT / SIGTERM, then exit 128 + signal
const open = new Set<string>();
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
/** Old runs renamed aside by a --force commit in progress: put back if the signal comes before the new one is in. */
const asides = new Map<string, string>();

function onSignal(signal: keyof typeof EXIT_CODES): void {
  for (const dir of open) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  open.clear();
  for (const [old, target] of asides) if (!existsSync(target)) renameSync(old, target);
  process.exit(EXIT_CODES[signal]);
}
const handlers = { SIGINT: () => onSignal('SIGINT'), SIGTERM: () => onSignal('SIGTERM') };

function track(dir: string): void {
  if (open.size === 0) for (const [signal, handler] of Object.entries(handlers)) process.on(signal, handler);
  open.add(dir);
}

function untrack(dir: string): void {
  if (!open.delete(dir) || open.size > 0) return;
  for (const [signal, handler] of Object.entries(handlers)) process.off(signal, handler);
}

/** Whether process `pid` is alive (EPERM: alive, someone else's). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errorCode(e) === 'EPERM';
  }
}

/** Remove temporary folders for `name` in `parent` left by killed runs (SIGKILL, power loss). */
async function removeStaleTemporaries(parent: string, name: string): Promise<void> {
  const prefix = `.${name}.${TEMP_MARK}-`;
  for (const entry of await readdir(parent).catch(() => [] as string[])) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(entry.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !alive(pid)) await rm(join(parent, entry), { recursive: true, force: true });
  }
}

/** What a folder holds: absent, empty, or a short description of its contents. */
async function contents(path: string, option: string): Promise<'absent' | 'empty' | string> {
  let entries: string[];
  try {
    if (!(await stat(path)).isDirectory()) throw new UsageError(`${option} ${path}: is a file, not a folder; choose a folder for the run`);
    entries = await readdir(path);
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return 'absent';
    if (e instanceof UsageError) throw e;
    throw new DataError(`${option} ${path}: cannot be read (${errorCode(e) ?? (e as Error).message}); choose another folder`);
  }
  if (entries.length === 0) return 'empty';
  if (!entries.some(isRunFile)) return `${NOT_A_RUN}${listed(entries)}`;
  return entries.includes('manifest.json') ? 'a finished run (manifest.json)' : listed(entries);
}

const NOT_A_RUN = 'no run: ';
/** Files that only a run (finished or half-written by an older version) holds. */
function isRunFile(name: string): boolean {
  return ['manifest.json', 'config.json', 'metrics.json', 'model.relevance', 'model.onnx', 'report.html'].includes(name) || /\.(parquet|arrow)$/.test(name);
}

function listed(entries: string[]): string {
  return `${entries.length} file${entries.length === 1 ? '' : 's'} (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''})`;
}

function refuseNonEmpty(option: string, out: string, what: string): never {
  if (what.startsWith(NOT_A_RUN)) {
    // --force replaces runs, never a folder of other files (--out . --force must not wipe the working folder)
    throw new UsageError(`${option} ${out}: holds ${what.slice(NOT_A_RUN.length)} but no run (no manifest.json, config.json or tables); --force replaces run folders only: choose another folder`);
  }
  throw new UsageError(`${option} ${out}: already holds ${what}; give --force to replace it (the old folder is removed only once the new run is complete), or choose another folder`);
}

/** Start a run: check `out`, create the hidden temporary folder beside it, and catch SIGINT/SIGTERM. */
export async function openRunFolder(out: string, options: RunFolderOptions = {}): Promise<RunFolder> {
  const option = options.option ?? '--out';
  const target = resolve(out);
  const parent = dirname(target);
  const name = basename(target);
  const before = await contents(target, option);
  if (before !== 'absent' && before !== 'empty' && (!options.force || before.startsWith(NOT_A_RUN))) refuseNonEmpty(option, out, before);
  const createdParent = await makeFolders(parent, `${option} ${out}`);
  await removeStaleTemporaries(parent, name);
  sequence += 1;
  const dir = join(parent, `.${name}.${TEMP_MARK}-${process.pid}-${sequence}`);
  try {
    await makeFolder(dir, `${option} ${out}`);
  } catch (e) {
    if (createdParent) await removeEmptyFolders(parent, createdParent);
    throw e;
  }
  track(dir);
  let done = false;
  return {
    out,
    dir,
    async commit() {
      if (done) throw new Error(`run folder ${out}: already committed or aborted`);
      await replaceFolder(dir, target, out, option, options.force === true);
      done = true;
      untrack(dir);
    },
    async abort() {
      if (done) return;
      done = true;
      await rm(dir, { recursive: true, force: true, maxRetries: 3 });
      untrack(dir);
      if (createdParent) await removeEmptyFolders(parent, createdParent);
    },
  };
}

/** Rename `dir` onto `target`; a non-empty `target` only with force: old aside, new in, old deleted. */
async function replaceFolder(dir: string, target: string, out: string, option: string, force: boolean): Promise<void> {
  const now = await contents(target, option);
  const moveIn = async (): Promise<void> => {
    try {
      await rename(dir, target);
    } catch (e) {
      throw new DataError(`${option} ${out}: could not move the finished run into place (${errorCode(e) ?? (e as Error).message}); nothing was written there`);
    }
  };
  if (now === 'absent' || now === 'empty') return moveIn(); // rename replaces an empty folder
  if (!force || now.startsWith(NOT_A_RUN)) refuseNonEmpty(option, out, now);
  sequence += 1;
  const old = join(dirname(target), `.${basename(target)}.${OLD_MARK}-${process.pid}-${sequence}`);
  asides.set(old, target);
  try {
    await rename(target, old);
    await moveIn();
  } catch (e) {
    if (!existsSync(target)) await rename(old, target);
    throw e;
  } finally {
    asides.delete(old);
  }
  await rm(old, { recursive: true, force: true, maxRetries: 3 });
}

/**
 * Write a run with `write(dir)` and move it into place; on any failure the
 * temporary folder is removed and the error names `out`, not the temporary path.
 */
export async function withRunFolder<T>(out: string, options: RunFolderOptions, write: (dir: string) => Promise<T>): Promise<T> {
  const folder = await openRunFolder(out, options);
  try {
    const result = await write(folder.dir);
    await folder.commit();
    return result;
  } catch (e) {
    await folder.abort();
    if (e instanceof Error) e.message = e.message.replaceAll(folder.dir, resolve(out));
    throw e;
  }
}
