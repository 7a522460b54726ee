/** Messages between the page (main.ts) and the study worker (worker.ts). */
export interface RunRequest {
  type: 'run';
  /** The study's command-line options (`--epochs 10 ...`), parsed by the CLI's own parser. */
  argv: string[];
  /** The table, when not the synthetic cohort. */
  file?: { name: string; bytes: ArrayBuffer };
}

export type WorkerMessage =
  | { type: 'log'; line: string }
  | { type: 'progress'; label: string; done: number; total: number; detail?: string }
  | { type: 'done'; files: Record<string, Uint8Array>; metrics: Record<string, unknown>; backend: string; threads: number }
  | { type: 'failed'; message: string; name: string };
