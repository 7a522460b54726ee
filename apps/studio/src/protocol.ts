import type { WebGpuInfo } from './backend.js';

/** Messages between the page (main.ts) and the study worker (worker.ts). */
export interface RunRequest {
  type: 'run';
  /** Which study (default proteomics): `relevance study <study>`. */
  study?: 'proteomics' | 'influence';
  /** The study's command-line options (`--epochs 10 ...`), parsed by the CLI's own parser. */
  argv: string[];
  /** The table, when not the synthetic cohort. */
  file?: { name: string; bytes: ArrayBuffer };
}

export interface ExplainRequest {
  type: 'explain';
  model: { name: string; bytes: ArrayBuffer };
  table: { name: string; bytes: ArrayBuffer };
  /** A method of the methods registry (the CLI's --method names). */
  method: string;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'webgpu'; info: WebGpuInfo }
  | { type: 'explained'; csv: Uint8Array; method: string; backend: string; rows: number; columns: string[]; preview: number[][]; ids: string[] }
  | { type: 'log'; line: string }
  | { type: 'progress'; label: string; done: number; total: number; detail?: string }
  | { type: 'done'; files: Record<string, Uint8Array>; metrics: Record<string, unknown>; backend: string; threads: number }
  | { type: 'failed'; message: string; name: string };
