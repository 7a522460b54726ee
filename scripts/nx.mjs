#!/usr/bin/env node
/**
 * Runs nx with this script's arguments (`node scripts/nx.mjs run-many -t build`)
 * and runs it again, up to twice, when the nx process itself dies of a crash
 * signal. nx's native module (Rust, through napi) crashes now and then with a
 * bare SIGSEGV while it gathers the workspace's files, on CI runners and not
 * on developers' machines (nrwl/nx#36791; seen once in this project's CI, as
 * "Segmentation fault" and exit 139 before nx printed anything). Nothing is
 * built or written before that point, and the builds here are not cached
 * (nx.json), so running nx again is safe.
 *
 * Only a crash signal of nx's own process counts: a task that fails makes nx
 * exit with a status, which passes through at once, and an interrupt (SIGINT,
 * SIGTERM) is never retried. Each rerun prints one line to stderr saying why.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { pathToFileURL } from 'node:url';

/** Signals that mean the process crashed (not that someone stopped it). */
export const CRASH_SIGNALS = new Set(['SIGSEGV', 'SIGBUS', 'SIGILL', 'SIGABRT']);

/**
 * Runs `command args` with inherited stdio, again after a crash signal, at
 * most `attempts` times in all. Returns the exit status to pass on: the
 * command's own, or 128 + the signal's number (as a shell reports it).
 */
export function runRetryingCrashes(command, args, { attempts = 3, log = (line) => console.error(line) } = {}) {
  for (let attempt = 1; ; attempt += 1) {
    const r = spawnSync(command, args, { stdio: 'inherit' });
    if (r.error) throw r.error;
    if (!r.signal) return r.status ?? 1;
    const code = 128 + (constants.signals[r.signal] ?? 0);
    if (!CRASH_SIGNALS.has(r.signal)) return code;
    if (attempt >= attempts) {
      log(`nx died of ${r.signal} ${attempt} times in a row; giving up (exit ${code}). This is a crash inside nx, not a build failure: run the command again, and if it keeps crashing, report it with the output above.`);
      return code;
    }
    log(`nx died of ${r.signal} before finishing (a known intermittent crash in nx's native file walker, nrwl/nx#36791); running it again (attempt ${attempt + 1} of ${attempts})`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const nx = createRequire(import.meta.url).resolve('nx/bin/nx.js');
  process.exit(runRetryingCrashes(process.execPath, [nx, ...process.argv.slice(2)]));
}
