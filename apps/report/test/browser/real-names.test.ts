/**
 * The proteomics report on real data with long protein names (the TCGA
 * breast subset, 142 antibodies such as JNK_pT183_pT185, and the Reactome
 * list through its Firehose columns), measured in headless Chromium: no
 * overlapping text boxes in any SVG and no clipped table cell, before and
 * after choosing another class, instance and k. Screenshots go to
 * test-results/ for the CI log.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProgress, PROTEOMICS_DEFAULTS, runProteomicsStudy } from '@relevance/pipelines';
import { writeRunReport } from '../../src/write-run-report.js';
import { tempDir } from '../helpers/temp-dir.js';
import { sharedDataPath } from '../helpers/shared-data.js';
import { afterRedraw, haveChromium, inCi, launchChromium, openReport, type OpenedReport } from './chromium.js';
import { measureFigures, type FigureLayout } from './layout-checks.js';

const RESULTS = fileURLToPath(new URL('../../test-results/', import.meta.url));
const data = sharedDataPath('data', 'breast_tcga_mixomics', 'breast_tcga_protein_train.csv');
const reactome = sharedDataPath('data', 'keyl2022_proteinnetworklrp', 'reactome_147_edges.csv');

function problems(layout: FigureLayout[]): string[] {
  return layout.flatMap((f) => [...f.overlaps.slice(0, 3).map((o) => `${f.id}: text overlaps: ${o}`), ...f.clipped.slice(0, 3).map((c) => `${f.id}: clipped cell: ${c}`)]);
}

// under CI=true a missing browser or missing shared data is a failure, not a skip
describe.skipIf(((!haveChromium || !data || !reactome) && !inCi))(`the report on the TCGA subset${!data ? ' (skipped: shared data missing)' : ''}${!haveChromium ? ' (skipped: /usr/bin/chromium missing)' : ''}`, () => {
  let browser: Browser;
  let opened: OpenedReport;
  let cleanup: () => void;
  beforeAll(async () => {
    if (!data || !reactome) throw new Error('shared data missing: data/breast_tcga_mixomics and data/keyl2022_proteinnetworklrp are needed under CI=true');
    const tmp = tempDir('tcga');
    cleanup = tmp.cleanup;
    const out = join(tmp.dir, 'run');
    await runProteomicsStudy(
      { ...PROTEOMICS_DEFAULTS, data: data!, classColumn: 'subtype', hidden: [16, 16], epochs: 3, masks: 2, baselines: ['pearson', 'partial_correlation'], knownEdges: reactome!, knownEdgesColumns: ['source_firehose', 'target_firehose'], backend: 'wasm', threads: 2, out },
      // the report writer travels in the study's io, as the composition root hands it over
      { progress: createProgress({ stream: { write: () => true }, quiet: true }), log: () => {}, writeReport: (dir, study) => writeRunReport(dir, study) },
    );
    browser = await launchChromium();
    opened = await openReport(browser, join(out, 'report.html'));
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    cleanup?.();
  });

  it('draws every figure without overlapping text boxes or clipped table cells', async () => {
    const layout = await measureFigures(opened.page);
    const heatmap = layout.find((f) => f.id === 'cohort-heatmap')!;
    console.log(`TCGA report: ${layout.reduce((s, f) => s + f.texts, 0)} SVG text boxes and ${layout.reduce((s, f) => s + f.cells, 0)} table cells measured; cohort heatmap ${heatmap.texts} labels`);
    expect(heatmap.texts).toBeGreaterThan(60); // the labels are there, not left out
    expect(problems(layout)).toEqual([]);
    mkdirSync(RESULTS, { recursive: true });
    await opened.page.evaluate(() => window.scrollTo(0, 0));
    await opened.page.screenshot({ path: join(RESULTS, 'tcga-report.png'), fullPage: true });
  });

  it('stays free of overlaps after choosing another class, an instance found by search, and more edges', async () => {
    const { page } = opened;
    await afterRedraw(page, () => page.selectOption('#control-class', 'Her2'));
    const search = page.locator('#control-instance-search');
    expect(await search.count()).toBe(1);
    const options = await page.locator('#control-instance option').allTextContents();
    const wanted = options.find((o) => o.includes('LumA'))!;
    await afterRedraw(page, () => search.fill('LumA'));
    expect(await page.locator('#control-instance option:not([hidden])').evaluateAll((os) => os.every((o) => (o.textContent ?? '').includes('LumA')))).toBe(true);
    expect(await page.inputValue('#control-instance')).toBe(wanted.split(' ')[0]);
    await afterRedraw(page, () => page.fill('#control-k', '40'));
    expect(problems(await measureFigures(page))).toEqual([]);
    expect(opened.consoleErrors).toEqual([]);
  });
});
