/** Progress as plain lines for logs and pipes: one per 10 % step or per interval, whichever comes first. */
import { estimateRemaining, formatDuration } from './format-duration.js';
import type { Progress, ProgressStream } from './progress.js';

export class PlainProgress implements Progress {
  private label = '';
  private total = 0;
  private count = 0;
  private startedAt = 0;
  private lastLineAt = 0;
  private lastDecile = 0;

  constructor(
    private readonly stream: ProgressStream,
    private readonly now: () => number,
    private readonly intervalMs: number,
  ) {}

  start(label: string, total = 0): void {
    this.label = label;
    this.total = total;
    this.count = 0;
    this.startedAt = this.now();
    this.lastLineAt = this.startedAt;
    this.lastDecile = 0;
    this.stream.write(`${label}: started${total > 0 ? ` (${total})` : ''}\n`);
  }

  tick(n = 1, detail?: string): void {
    this.count += n;
    const t = this.now();
    const decile = this.total > 0 ? Math.floor((10 * this.count) / this.total) : 0;
    if (decile > this.lastDecile || t - this.lastLineAt >= this.intervalMs) {
      this.lastDecile = Math.max(decile, this.lastDecile);
      this.lastLineAt = t;
      const elapsed = t - this.startedAt;
      const parts = [this.total > 0 ? `${this.count}/${this.total} (${Math.floor((100 * this.count) / this.total)}%)` : `${this.count}`];
      const eta = estimateRemaining(elapsed, this.count, this.total);
      if (eta !== undefined && this.count < this.total) parts.push(`ETA ${formatDuration(eta)}`);
      if (detail) parts.push(detail);
      this.stream.write(`${this.label}: ${parts.join(', ')}\n`);
    }
  }

  done(summary?: string): void {
    const elapsed = formatDuration(this.now() - this.startedAt);
    this.stream.write(`${this.label}: done in ${elapsed}${summary ? ` (${summary})` : ''}\n`);
  }
}
