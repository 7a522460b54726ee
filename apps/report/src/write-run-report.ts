/**
 * Write a run's report: report.html in the run folder, self-contained by
 * default (options.assets 'folder' puts the viewer files in report_files/). Used by the studies (through the pipelines
 * report hook) and by `relevance report <run-dir>` to rebuild a report.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildReportHtml, type BuildReportOptions } from './node/build-report-html.js';
import { readViewerAssets } from './node/viewer-assets.js';
import { writeFileAtomic } from './node/write-atomic.js';
import { readRunFolder } from './run/read-run-folder.js';
import type { Study } from './run/study.js';

export const REPORT_FILE = 'report.html';
export const REPORT_ASSETS_DIR = 'report_files';

async function sameBytes(path: string, bytes: Uint8Array): Promise<boolean> {
  if (!existsSync(path)) return false;
  const have = await readFile(path);
  return have.length === bytes.length && Buffer.compare(have, bytes) === 0;
}

/** Write report.html (and report_files/) into `runDir`; the study is read from the folder when not given. Returns the report's path. */
export async function writeRunReport(runDir: string, study?: Study, options: BuildReportOptions = {}): Promise<string> {
  const run = await readRunFolder(runDir, study);
  const assets = await readViewerAssets();
  const html = await buildReportHtml(run, { ...options, assetsDir: REPORT_ASSETS_DIR });
  for (const asset of options.assets === 'folder' ? assets : []) {
    const path = join(runDir, REPORT_ASSETS_DIR, asset.name);
    // the wasm file is ~10 MB: rewriting identical bytes on every rebuild is wasted I/O
    if (!(await sameBytes(path, asset.bytes))) await writeFileAtomic(path, asset.bytes);
  }
  const path = join(runDir, REPORT_FILE);
  await writeFileAtomic(path, html);
  return path;
}
