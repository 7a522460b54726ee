/** Durations for humans: 850ms, 4.2s, 3m05s, 1h02m. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const totalSeconds = Math.round(s);
  const m = Math.floor(totalSeconds / 60);
  if (m < 60) return `${m}m${String(totalSeconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Remaining time from the rate so far; undefined until there is a rate. */
export function estimateRemaining(elapsedMs: number, done: number, total: number): number | undefined {
  if (done <= 0 || total <= 0 || done >= total) return done >= total && total > 0 ? 0 : undefined;
  return (elapsedMs / done) * (total - done);
}
