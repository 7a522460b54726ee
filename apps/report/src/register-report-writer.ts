/**
 * Composition at the entry point: the `relevance` command calls this at
 * start-up so studies (which cannot import the app) write their report
 * through the pipelines report hook.
 */
import { setReportWriter } from '@relevance/pipelines';
import type { Study } from './run/study.js';
import { writeRunReport } from './write-run-report.js';

export function registerReportWriter(): void {
  setReportWriter((runDir: string, study: Study, options?: { assets?: 'embedded' | 'folder' }) => writeRunReport(runDir, study, options?.assets ? { assets: options.assets } : {}));
}
