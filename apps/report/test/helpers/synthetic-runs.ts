/** Synthetic run folders of both studies in temporary folders, with their reports written. */
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
