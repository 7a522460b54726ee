/** A one-line bar redrawn in place (carriage return + clear line), at most ~10 times a second. */
import { estimateRemaining, formatDuration } from './format-duration.js';
import type { Progress, ProgressStream } from './progress.js';

const REDRAW_MS = 100;
const CLEAR_LINE = '\r\x1b[2K';

export class TtyProgress implements Progress {
  private label = '';
  private total = 0;
  private count = 0;
  private detail = '';
  private startedAt = 0;
  private drawnAt = -Infinity;

  constructor(
    private readonly stream: ProgressStream,
    private readonly now: () => number,
  ) {}

  start(label: string, total = 0): void {
    this.label = label;
    this.total = total;
    this.count = 0;
    this.detail = '';
    this.startedAt = this.now();
    this.drawnAt = -Infinity;
    this.draw(this.startedAt);
  }

  tick(n = 1, detail?: string): void {
    this.count += n;
    if (detail !== undefined) this.detail = detail;
    const t = this.now();
    if (t - this.drawnAt >= REDRAW_MS || (this.total > 0 && this.count >= this.total)) this.draw(t);
  }

  done(summary?: string): void {
    const elapsed = formatDuration(this.now() - this.startedAt);
    this.stream.write(`${CLEAR_LINE}${this.label}: done in ${elapsed}${summary ? ` (${summary})` : ''}\n`);
  }

  private draw(t: number): void {
    this.drawnAt = t;
    const width = Math.max(40, this.stream.columns ?? 80);
    let line: string;
    if (this.total > 0) {
      const fraction = Math.min(1, this.count / this.total);
      const barWidth = 24;
      const filled = Math.round(fraction * barWidth);
      const eta = estimateRemaining(t - this.startedAt, this.count, this.total);
      line = `${this.label} [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${Math.floor(fraction * 100)}% ${this.count}/${this.total}`;
      if (eta !== undefined && this.count < this.total) line += ` ETA ${formatDuration(eta)}`;
    } else {
      line = `${this.label} ${this.count} (${formatDuration(t - this.startedAt)})`;
    }
    if (this.detail) line += ` ${this.detail}`;
    // never wrap: a wrapped line cannot be redrawn with \r
    if (line.length > width - 1) line = line.slice(0, width - 2) + '…';
    this.stream.write(CLEAR_LINE + line);
  }
}
