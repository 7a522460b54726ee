/** Small, fast study configurations and run helpers for the proteomics tests. */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROTEOMICS_DEFAULTS, runProteomicsStudy, type ProteomicsOptions, type ProteomicsResult } from '../../../src/studies/proteomics/study.js';
import { createProgress } from '../../../src/progress/progress.js';

/** The test backend: wasm (the fast one) unless PROTEOMICS_TEST_BACKEND says otherwise. */
export const TEST_BACKEND = (process.env.PROTEOMICS_TEST_BACKEND ?? 'wasm') as ProteomicsOptions['backend'];

export function tempDir(prefix = 'relevance-proteomics-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A synthetic cohort small enough for a unit test (10 proteins, 2 classes, 60 patients each). */
export function smallOptions(out: string, overrides: Partial<ProteomicsOptions> = {}): ProteomicsOptions {
  return {
    ...PROTEOMICS_DEFAULTS,
    out,
    hidden: [24, 24],
    epochs: 15,
    masks: 6,
    backend: TEST_BACKEND,
    threads: 2,
    tsne: false,
    synthetic: { ...PROTEOMICS_DEFAULTS.synthetic, proteins: 10, classes: 2, instancesPerClass: 60 },
    ...overrides,
  };
}

export async function runQuiet(options: ProteomicsOptions): Promise<ProteomicsResult & { log: string[] }> {
  const log: string[] = [];
  const r = await runProteomicsStudy(options, { progress: createProgress({ stream: { write: () => true }, quiet: true }), log: (l) => log.push(l) });
  return { ...r, log };
}

/** Every .parquet/.arrow/.csv file of a run folder with its bytes. */
export function tableBytes(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const f of readdirSync(dir).sort()) if (/\.(parquet|arrow|csv)$/.test(f)) out.set(f, readFileSync(join(dir, f)));
  return out;
}

/** metrics.json without the wall-clock timings. */
export function metricsWithoutTimings(dir: string): unknown {
  const m = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as Record<string, unknown>;
  delete m.timing_s;
  return m;
}
