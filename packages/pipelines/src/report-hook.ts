/**
 * The seam between studies and the report app. Dependencies point one way
 * (apps -> pipelines), so a study cannot import the report writer: the
 * composition root (bin/relevance.js) hands it to `runCli`, which passes it
 * to commands (`CommandIO.writeReport`) and they to studies
 * (`StudyIO.writeReport`). Nothing in pipelines reads a global for it.
 *
 * `setReportWriter` remains for embedders and tests that call `runCli`
 * without a writer: it is only `runCli`'s default.
 */
export interface ReportOptions {
  /** 'embedded' (default): one self-contained report.html; 'folder': viewer files in report_files/ beside it. */
  assets?: 'embedded' | 'folder';
}

export type ReportWriter = (runDir: string, study: 'proteomics' | 'influence', options?: ReportOptions) => Promise<string>;

let reportWriter: ReportWriter | undefined;

/** The writer registered with `setReportWriter` (runCli's default), if any. */
export function registeredReportWriter(): ReportWriter | undefined {
  return reportWriter;
}

/** Register (or, with undefined, remove) runCli's default report writer. */
export function setReportWriter(writer: ReportWriter | undefined): void {
  reportWriter = writer;
}

/** Write the run's report; the path of report.html, or null when no writer is registered. */
export async function writeReport(runDir: string, study: 'proteomics' | 'influence', options?: ReportOptions): Promise<string | null> {
  if (!reportWriter) return null;
  return options ? reportWriter(runDir, study, options) : reportWriter(runDir, study);
}
