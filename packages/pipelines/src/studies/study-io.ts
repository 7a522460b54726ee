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
