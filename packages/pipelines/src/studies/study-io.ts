/** What every study shares: where progress and notes go, the default run folder, and writing it atomically. */
import { join, relative } from 'node:path';
import { withRunFolder } from '../io/run-folder.js';
import type { Progress } from '../progress/progress.js';
import type { ReportWriter } from '../report-hook.js';

export interface StudyIO {
  progress: Progress;
  /** Warnings and short notes (stderr in the CLI). */
  log: (line: string) => void;
  /** Writes a complete run folder's report.html (the report app's writer, from the composition root); none: no report. */
  writeReport?: ReportWriter;
}

/** The run's report through the study's writer: the path of report.html, or null without one. */
export async function writeStudyReport(io: Pick<StudyIO, 'writeReport'>, runDir: string, study: 'proteomics' | 'influence'): Promise<string | null> {
  return io.writeReport ? io.writeReport(runDir, study) : null;
}

/**
 * Let pending macrotasks run. On the wasm backend a phase's awaits resolve as
 * microtasks, so a long loop never returns to the event loop and a SIGINT /
 * SIGTERM handler (io/run-folder.ts) would wait for the phase to end; loops
 * over epochs and instances call this once per step.
 */
export function yieldToEventLoop(): Promise<void> {
  // setImmediate is Node's; a browser worker (apps/studio) gets a macrotask from setTimeout
  return new Promise((done) => (typeof setImmediate === 'function' ? setImmediate(done) : setTimeout(done, 0)));
}

/** runs/<study>-YYYYMMDD-HHMMSS (local time): the default run folder. */
export function defaultRunFolder(study: string, now = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `runs/${study}-${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
}

/** Wall-clock seconds per named phase (for manifest.json; never in the tables, which must stay byte-identical). */
export function stopwatch(): { lap(name: string): void; total(): number; timings: Record<string, number> } {
  const started = performance.now();
  let last = started;
  const timings: Record<string, number> = {};
  return {
    timings,
    lap(name) {
      const now = performance.now();
      timings[name] = Number(((now - last) / 1000).toFixed(3));
      last = now;
    },
    total: () => Number(((performance.now() - started) / 1000).toFixed(3)),
  };
}

/**
 * Write a run into a temporary sibling of `out` and move it into place when
 * `write` succeeds (io/run-folder.ts); the result's paths point into `out`.
 */
export async function inRunFolder<R extends { outDir: string; reportPath?: string | null }>(out: string, force: boolean | undefined, write: (dir: string) => Promise<R>): Promise<R> {
  let dir = '';
  const result = await withRunFolder(out, { force: force === true }, (d) => {
    dir = d;
    return write(d);
  });
  const moved = { ...result, outDir: out };
  if (result.reportPath) moved.reportPath = join(out, relative(dir, result.reportPath));
  return moved;
}

/**
 * The CLI's log: notes (the `data:` summary, ...) on stderr unless --quiet;
 * warnings (lines starting 'warning:') always, since quiet must never hide a problem.
 */
export function studyLog(stderr: { write(text: string): unknown }, quiet: boolean): (line: string) => void {
  return (line) => {
    if (!quiet || line.startsWith('warning:')) stderr.write(`${line}\n`);
  };
}

/** The StudyIO of a CLI command: its progress and report writer, and studyLog on its stderr. */
export function commandStudyIO(io: { progress: Progress; stderr: { write(text: string): unknown }; writeReport?: ReportWriter }, quiet: boolean): StudyIO {
  return { progress: io.progress, log: studyLog(io.stderr, quiet), ...(io.writeReport ? { writeReport: io.writeReport } : {}) };
}
