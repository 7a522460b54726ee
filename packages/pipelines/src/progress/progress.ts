/**
 * Progress for long-running commands, on stderr so stdout stays clean for
 * data: a redrawing bar with ETA on a terminal, a plain line every 10 % (or
 * every few seconds) when piped or logged, nothing with --quiet.
 */
import { PlainProgress } from './plain-progress.js';
import { SilentProgress } from './silent-progress.js';
import { TtyProgress } from './tty-progress.js';

export interface Progress {
  /** Begin a phase; `total` units of work (0 or omitted when unknown). */
  start(label: string, total?: number): void;
  /** `n` more units done (default 1); `detail` is shown next to the count. */
  tick(n?: number, detail?: string): void;
  /** End the phase, with an optional one-line summary. */
  done(summary?: string): void;
}

/** Where progress goes: process.stderr or a test double. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  stream: ProgressStream;
  quiet?: boolean;
  /** Force the terminal (true) or plain (false) style; default: stream.isTTY. */
  tty?: boolean;
  /** Milliseconds clock (injectable for tests). */
  now?: () => number;
  /** Plain style: also print when this many ms passed since the last line (default 5000). */
  plainIntervalMs?: number;
}

export function createProgress(options: ProgressOptions): Progress {
  if (options.quiet) return new SilentProgress();
  const now = options.now ?? (() => performance.now());
  if (options.tty ?? Boolean(options.stream.isTTY)) return new TtyProgress(options.stream, now);
  return new PlainProgress(options.stream, now, options.plainIntervalMs ?? 5000);
}
