/**
 * The seam between studies and the report app. Dependencies point one way
 * (apps -> pipelines), so a study cannot import the report writer; the entry
 * point registers it here (`registerReportWriter()` in @relevance/report) and
 * studies call `writeReport` when their run folder is complete.
 */
export interface ReportOptions {
  /** 'embedded' (default): one self-contained report.html; 'folder': viewer files in report_files/ beside it. */
  assets?: 'embedded' | 'folder';
}

export type ReportWriter = (runDir: string, study: 'proteomics' | 'influence', options?: ReportOptions) => Promise<string>;

let reportWriter: ReportWriter | undefined;

/** Register (or, with undefined, remove) the function that writes a run's report. */
export function setReportWriter(writer: ReportWriter | undefined): void {
  reportWriter = writer;
}

/** Write the run's report; the path of report.html, or null when no writer is registered. */
export async function writeReport(runDir: string, study: 'proteomics' | 'influence', options?: ReportOptions): Promise<string | null> {
  if (!reportWriter) return null;
  return options ? reportWriter(runDir, study, options) : reportWriter(runDir, study);
}
