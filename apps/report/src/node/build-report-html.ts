/**
 * A run folder (already read) to the report's HTML: prepare the embedded
 * tables and state, draw every figure with the defaults from the same rows,
 * render them static, and assemble the page.
 */
import { gzipSync } from 'node:zlib';
import type { FigureContent } from '../figures/figure-content.js';
import { buildInfluenceFigures } from '../report/influence-figures.js';
import { buildProteomicsFigures } from '../report/proteomics-figures.js';
import { figureNote, renderStatic } from '../render-static.js';
import { encodeArrowStream } from '../run/arrow-codec.js';
import type { RunFolder } from '../run/read-run-folder.js';
import { DEFAULT_EMBED_LIMITS, type EmbedLimits } from './embed-limits.js';
import type { RenderedFigure } from './figure-html.js';
import { memoryInfluenceData } from './memory-influence-data.js';
import { memoryProteomicsData } from './memory-proteomics-data.js';
import { pageHtml } from './page-html.js';
import { prepareInfluence } from './prepare-influence.js';
import { prepareProteomics } from './prepare-proteomics.js';
import { runSummary } from './run-summary.js';
import type { AssetLayout } from './asset-scripts.js';
import { readViewerAssets } from './viewer-assets.js';
import { sortedJson } from './sorted-json.js';

export interface BuildReportOptions {
  limits?: Partial<EmbedLimits>;
  /** Folder of the viewer files relative to report.html (default report_files). */
  assetsDir?: string;
  /** 'embedded' (default): one self-contained file; 'folder': viewer files in assetsDir beside it. */
  assets?: AssetLayout;
}

export async function buildReportHtml(run: RunFolder, options: BuildReportOptions = {}): Promise<string> {
  const limits = { ...DEFAULT_EMBED_LIMITS, ...options.limits };
  const docs = { metrics: run.metrics, manifest: run.manifest };
  let prepared;
  let figures: Record<string, FigureContent>;
  if (run.study === 'proteomics') {
    prepared = prepareProteomics(run, limits);
    figures = await buildProteomicsFigures(memoryProteomicsData(prepared.tables), prepared.state, prepared.state.defaults, docs);
  } else {
    prepared = prepareInfluence(run, limits);
    figures = await buildInfluenceFigures(memoryInfluenceData(prepared.tables), prepared.state, prepared.state.defaults, docs);
  }
  const rendered: Record<string, RenderedFigure> = {};
  for (const [id, content] of Object.entries(figures)) rendered[id] = { body: renderStatic(content), note: figureNote(content) };
  // gzip (deterministic: no name or time in the header) roughly halves the embedded tables
  const tables = Object.entries(prepared.tables).map(([name, table]) => ({ name, rows: table.rows.length, base64: gzipSync(encodeArrowStream(table), { level: 9 }).toString('base64') }));
  return pageHtml({
    run,
    state: prepared.state,
    summary: runSummary(run, prepared.state),
    figures: rendered,
    tables,
    configJson: sortedJson(run.config),
    assetsDir: options.assetsDir ?? 'report_files',
    layout: options.assets ?? 'embedded',
    assets: (options.assets ?? 'embedded') === 'embedded' ? await readViewerAssets() : [],
  });
}
