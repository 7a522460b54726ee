/**
 * The viewer's SQL (run here in duckdb-wasm's Node build) and Node's row
 * code answer every figure's question the same way, so a redraw in the
 * browser draws exactly what the static page drew for the same choices:
 * the rendered SVG of every figure is compared, for several selections.
 */
import type { AsyncDuckDBConnection } from '@duckdb/duckdb-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FigureContent } from '../../src/figures/figure-content.js';
import { DEFAULT_EMBED_LIMITS } from '../../src/node/embed-limits.js';
import { memoryInfluenceData } from '../../src/node/memory-influence-data.js';
import { memoryProteomicsData } from '../../src/node/memory-proteomics-data.js';
import { prepareInfluence } from '../../src/node/prepare-influence.js';
import { prepareProteomics, type PreparedPage } from '../../src/node/prepare-proteomics.js';
import { renderStatic } from '../../src/render-static.js';
import { buildInfluenceFigures } from '../../src/report/influence-figures.js';
import { buildProteomicsFigures } from '../../src/report/proteomics-figures.js';
import type { Selection } from '../../src/report/selection.js';
import { readRunFolder } from '../../src/run/read-run-folder.js';
import { sqlInfluenceData } from '../../src/viewer/sql-influence-data.js';
import { sqlProteomicsData } from '../../src/viewer/sql-proteomics-data.js';
import { writeSyntheticInfluenceRun } from '../fixtures/synthetic-influence-run.js';
import { writeSyntheticProteomicsRun } from '../fixtures/synthetic-proteomics-run.js';
import { duckdbWithTables } from '../helpers/node-duckdb-wasm.js';
import { tempDir } from '../helpers/temp-dir.js';

const NO_DOCUMENTS = { metrics: null, manifest: null };

async function rendered(figures: Promise<Record<string, FigureContent>>): Promise<Record<string, string>> {
  return Object.fromEntries(Object.entries(await figures).map(([id, c]) => [id, renderStatic(c)]));
}

/** Per describe: a synthetic run written to a temporary folder, its prepared page and a duckdb-wasm connection over its tables. */
function pageWithSql(
  study: string,
  write: (dir: string) => Promise<unknown>,
  prepare: (run: Awaited<ReturnType<typeof readRunFolder>>, limits: typeof DEFAULT_EMBED_LIMITS) => PreparedPage,
): { page: PreparedPage; connection: AsyncDuckDBConnection } {
  const run = {} as { page: PreparedPage; connection: AsyncDuckDBConnection };
  let cleanup = (): void => {};
  beforeAll(async () => {
    const temp = tempDir(`parity-${study}`);
    cleanup = temp.cleanup;
    await write(temp.dir);
    run.page = prepare(await readRunFolder(temp.dir), DEFAULT_EMBED_LIMITS);
    run.connection = await duckdbWithTables(run.page.tables);
  });
  afterAll(() => cleanup());
  return run;
}

describe('proteomics: SQL and rows agree', () => {
  const run = pageWithSql('proteomics', writeSyntheticProteomicsRun, prepareProteomics);

  it('answers each question identically', async () => {
    const rows = memoryProteomicsData(run.page.tables);
    const sql = sqlProteomicsData(run.connection);
    const byPair = (a: { source: string; target: string }, b: { source: string; target: string }) => (a.source + a.target < b.source + b.target ? -1 : 1);
    const some = run.page.state.order.slice(0, 6);
    expect((await sql.cohortEdges(some)).sort(byPair)).toEqual((await rows.cohortEdges(some)).sort(byPair));
    expect((await sql.classEdges('her2', some)).sort(byPair)).toEqual((await rows.classEdges('her2', some)).sort(byPair));
    for (const filter of [null, ['MAPK1', 'AKT1']]) {
      expect(await sql.topEdges(7, filter)).toEqual(await rows.topEdges(7, filter));
      expect(await sql.instanceEdges('S05', filter)).toEqual(await rows.instanceEdges('S05', filter));
    }
    // the fixture is a one-predictor run: each top edge's rank range over the predictors is its own rank
    const top = await sql.topEdges(7, null);
    expect(top.map((e) => [e.replicate_rank_min, e.replicate_rank_max])).toEqual([1, 2, 3, 4, 5, 6, 7].map((r) => [r, r]));
    expect(await sql.tsneInstances()).toEqual(await rows.tsneInstances());
    expect(await sql.curves('pr', 'class:basal')).toEqual(await rows.curves('pr', 'class:basal'));
    expect(await sql.training()).toEqual(await rows.training());
  });

  it.each<[string, Partial<Selection>]>([
    ['the defaults', {}],
    ['another class, instance and scope', { className: 'luminal', instance: 'S10', scope: 'class:her2' }],
    ['a small k and a filter', { k: 4, filter: 'mapk, akt' }],
  ])('draws the same SVG for %s', async (_, change) => {
    const selection = { ...run.page.state.defaults, ...change };
    const fromRows = await rendered(buildProteomicsFigures(memoryProteomicsData(run.page.tables), run.page.state, selection, NO_DOCUMENTS));
    const fromSql = await rendered(buildProteomicsFigures(sqlProteomicsData(run.connection), run.page.state, selection, NO_DOCUMENTS));
    expect(fromSql).toEqual(fromRows);
  });
});

describe('influence: SQL and rows agree', () => {
  const run = pageWithSql('influence', writeSyntheticInfluenceRun, prepareInfluence);

  it('answers each question identically, including comparisons stored the other way round', async () => {
    const rows = memoryInfluenceData(run.page.tables);
    const sql = sqlInfluenceData(run.connection);
    const units = run.page.state.order.slice(0, 10);
    expect(await sql.classInfluence(units)).toEqual(await rows.classInfluence(units));
    expect(await sql.classTopUnits('versicolor', 5, null)).toEqual(await rows.classTopUnits('versicolor', 5, null));
    expect(await sql.datasetInfluence(units)).toEqual(await rows.datasetInfluence(units));
    // the fixture stores (a, b) with a before b only: the last class needs the negated rows
    const virginica = await sql.comparative('virginica', units);
    expect(virginica).toEqual(await rows.comparative('virginica', units));
    expect(new Set(virginica.map((r) => r.other))).toEqual(new Set(['setosa', 'versicolor']));
    expect(await sql.mostDeviating(5)).toEqual(await rows.mostDeviating(5));
    expect(await sql.instanceUnits('i015', ['h00', 'h05'])).toHaveLength(2);
    expect(await sql.instanceUnits('i015', ['h00', 'h05'])).toEqual(await rows.instanceUnits('i015', ['h00', 'h05']));
    expect(await sql.confusion()).toEqual(await rows.confusion());
  });

  it.each<[string, Partial<Selection>]>([
    ['the defaults', {}],
    ['another class and instance with a filter', { className: 'virginica', instance: 'i002', k: 6, filter: 'h1' }],
  ])('draws the same SVG for %s', async (_, change) => {
    const selection = { ...run.page.state.defaults, ...change };
    const fromRows = await rendered(buildInfluenceFigures(memoryInfluenceData(run.page.tables), run.page.state, selection, NO_DOCUMENTS));
    const fromSql = await rendered(buildInfluenceFigures(sqlInfluenceData(run.connection), run.page.state, selection, NO_DOCUMENTS));
    expect(fromSql).toEqual(fromRows);
  });
});
