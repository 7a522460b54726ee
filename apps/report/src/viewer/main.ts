/**
 * The report's browser entry (bundled to report_files/relevance-viewer.js).
 * The page already shows static figures; this loads the embedded tables into
 * duckdb-wasm and, when a control changes, redraws the figures that depend
 * on it from SQL query results, with the same figure specifications.
 */
import type { AsyncDuckDBConnection } from '@duckdb/duckdb-wasm';
import type { FigureContent } from '../figures/figure-content.js';
import { sectionsOf } from '../report/figure-catalogue.js';
import { buildInfluenceFigures } from '../report/influence-figures.js';
import { buildProteomicsFigures } from '../report/proteomics-figures.js';
import type { ReportState } from '../report/report-state.js';
import type { Selection } from '../report/selection.js';
import { bindControls, type Controls } from './controls.js';
import { openEmbeddedDuckdb } from './embedded-duckdb.js';
import { attachFigureClicks } from './figure-clicks.js';
import { loadTables } from './load-tables.js';
import { readEmbeddedTables, readReportState } from './page-data.js';
import { redrawQueue } from './redraw-queue.js';
import { renderFigure } from './render-figure.js';
import { sqlInfluenceData } from './sql-influence-data.js';
import { sqlProteomicsData } from './sql-proteomics-data.js';
import { markRedrawn, setStatus } from './status.js';

/** The viewer redraws only figures that follow a control; those never read metrics or the manifest. */
const NO_DOCUMENTS = { metrics: null, manifest: null };

type Builder = (selection: Selection, ids: ReadonlySet<string>) => Promise<Record<string, FigureContent>>;

function figureBuilder(state: ReportState, connection: AsyncDuckDBConnection): Builder {
  if (state.study === 'proteomics') {
    const data = sqlProteomicsData(connection);
    return (selection, ids) => buildProteomicsFigures(data, state, selection, NO_DOCUMENTS, ids);
  }
  const data = sqlInfluenceData(connection);
  return (selection, ids) => buildInfluenceFigures(data, state, selection, NO_DOCUMENTS, ids);
}

async function redraw(doc: Document, build: Builder, controls: Controls, selection: Selection, ids: ReadonlySet<string>): Promise<void> {
  const figures = [...ids].map((id) => doc.querySelector(`[data-figure="${id}"]`)).filter((f): f is Element => f !== null);
  figures.forEach((f) => f.classList.add('updating'));
  try {
    const contents = await build(selection, ids);
    for (const [id, content] of Object.entries(contents)) attachFigureClicks(id, renderFigure(doc, id, content), controls);
  } finally {
    figures.forEach((f) => f.classList.remove('updating'));
  }
}

async function start(doc: Document): Promise<void> {
  const state = readReportState(doc);
  const controls = bindControls(doc, state);
  setStatus(doc, 'loading', 'Static figures with the defaults; starting the data engine (DuckDB-wasm)…');
  const started = performance.now();
  const { connection } = await openEmbeddedDuckdb();
  await loadTables(connection, await readEmbeddedTables(doc));
  const build = figureBuilder(state, connection);
  const sections = sectionsOf(state.study);
  const request = redrawQueue(controls.read(), sections, async (selection, ids) => {
    try {
      await redraw(doc, build, controls, selection, ids);
      setStatus(doc, 'ready', 'Interactive: figures follow the controls (DuckDB-wasm, in this page).');
    } catch (e) {
      setStatus(doc, 'error', `Redrawing failed: ${e instanceof Error ? e.message : String(e)}`);
      console.error(e);
    } finally {
      markRedrawn(doc);
    }
  });
  controls.onChange(request);
  // redraw the figures you can click in, so they carry their handlers
  await redraw(doc, build, controls, controls.read(), new Set(['tsne', 'rank-correlation']));
  controls.enable();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  setStatus(doc, 'ready', `Interactive: figures follow the controls (DuckDB-wasm, loaded in ${seconds} s, no network).`);
}

start(document).catch((e: unknown) => {
  setStatus(document, 'error', `Interactive view unavailable (${e instanceof Error ? e.message : String(e)}); the figures show the defaults.`);
  console.error(e);
});
