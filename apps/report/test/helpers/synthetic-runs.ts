/** Synthetic run folders of both studies in temporary folders, with their reports written. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { writeRunReport } from '../../src/write-run-report.js';
import { writeSyntheticInfluenceRun } from '../fixtures/synthetic-influence-run.js';
import { writeSyntheticProteomicsRun } from '../fixtures/synthetic-proteomics-run.js';
import { tempDir } from './temp-dir.js';

export interface ReportedRun {
  dir: string;
  report: string;
  cleanup: () => void;
}

export async function proteomicsRunWithReport(): Promise<ReportedRun> {
  const { dir, cleanup } = tempDir('proteomics');
  await writeSyntheticProteomicsRun(dir);
  return { dir, report: await writeRunReport(dir), cleanup };
}

export async function influenceRunWithReport(): Promise<ReportedRun> {
  const { dir, cleanup } = tempDir('influence');
  await writeSyntheticInfluenceRun(dir);
  return { dir, report: await writeRunReport(dir), cleanup };
}

/** Both studies and how to make a reported run of each: the rows of a describe.each. */
export const REPORTED_STUDIES = [
  ['proteomics', proteomicsRunWithReport],
  ['influence', influenceRunWithReport],
] as const;

/** Per describe: `make()` before its tests, with the report's HTML as first written; removed after them. */
export function reportedRunPerDescribe(make: () => Promise<ReportedRun>): { run: ReportedRun; html: string } {
  const shown = {} as { run: ReportedRun; html: string };
  beforeAll(async () => {
    shown.run = await make();
    shown.html = readFileSync(shown.run.report, 'utf8');
  });
  afterAll(() => shown.run.cleanup());
  return shown;
}

/** Runs `body` on a synthetic proteomics run folder (no report) in a temporary folder, removed afterwards. */
export async function inSyntheticProteomicsRun(prefix: string, body: (dir: string) => Promise<void>): Promise<void> {
  const { dir, cleanup } = tempDir(prefix);
  try {
    await writeSyntheticProteomicsRun(dir);
    await body(dir);
  } finally {
    cleanup();
  }
}
