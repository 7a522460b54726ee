/**
 * @relevance/report: the offline HTML report of a Relevance run. Figures
 * are Observable Plot specifications drawn as static SVG in Node and redrawn
 * in the browser from duckdb-wasm queries over the page's embedded tables.
 */
export { writeRunReport, REPORT_FILE, REPORT_ASSETS_DIR } from './write-run-report.js';
export { registerReportWriter } from './register-report-writer.js';
export { buildReportHtml } from './node/build-report-html.js';
export type { BuildReportOptions } from './node/build-report-html.js';
export { DEFAULT_EMBED_LIMITS } from './node/embed-limits.js';
export type { EmbedLimits } from './node/embed-limits.js';
export { readRunFolder } from './run/read-run-folder.js';
export type { RunFolder } from './run/read-run-folder.js';
export { inferStudy } from './run/infer-study.js';
export type { Study } from './run/study.js';
export { renderStatic, renderPlotSvg } from './render-static.js';
export type { FigureContent } from './figures/figure-content.js';
export { sectionsOf, figureIds } from './report/figure-catalogue.js';
export { averageLinkage } from './analysis/average-linkage.js';
export { clusteredProteinOrder } from './analysis/protein-order.js';
