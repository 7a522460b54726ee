/** The --quiet reporter: does nothing. */
import type { Progress } from './progress.js';

export class SilentProgress implements Progress {
  start(): void {}
  tick(): void {}
  done(): void {}
}
