/** What every study shares: where progress and notes go, and the default run folder. */
import type { Progress } from '../progress/progress.js';

export interface StudyIO {
  progress: Progress;
  /** Warnings and short notes (stderr in the CLI). */
  log: (line: string) => void;
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
 * The CLI's log: notes (the `data:` summary, ...) on stderr unless --quiet;
 * warnings (lines starting 'warning:') always, since quiet must never hide a problem.
 */
export function studyLog(stderr: { write(text: string): unknown }, quiet: boolean): (line: string) => void {
  return (line) => {
    if (!quiet || line.startsWith('warning:')) stderr.write(`${line}\n`);
  };
}
