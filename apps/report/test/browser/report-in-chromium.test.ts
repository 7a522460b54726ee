/**
 * The reports in headless Chromium, opened from file:// like a scientist
 * would: no console errors, no network requests, every figure present, and
 * the controls redraw the figures from duckdb-wasm queries. Screenshots go
 * to test-results/ for the CI log.
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { figureIds } from '../../src/report/figure-catalogue.js';
import type { Study } from '../../src/run/study.js';
import { inSyntheticProteomicsRun, influenceRunWithReport, proteomicsRunWithReport, type ReportedRun } from '../helpers/synthetic-runs.js';
import { writeRunReport } from '../../src/write-run-report.js';
import { tempDir } from '../helpers/temp-dir.js';
import { afterRedraw, figureBody, haveChromium, inCi, launchChromium, openReport, type OpenedReport } from './chromium.js';

const RESULTS = fileURLToPath(new URL('../../test-results/', import.meta.url));

if (!haveChromium && !inCi) console.log('skipping the report browser tests: /usr/bin/chromium is missing (they fail under CI=true)');

async function expectCleanLoad(opened: OpenedReport, study: Study): Promise<void> {
  const { page } = opened;
  expect(await page.evaluate(() => document.documentElement.dataset.viewer), await page.locator('#viewer-status').textContent() ?? '').toBe('ready');
  const ids = await page.locator('[data-figure]').evaluateAll((els) => els.map((e) => e.getAttribute('data-figure')));
  expect(ids).toEqual(figureIds(study));
  for (const id of ids) expect(await page.locator(`[data-figure="${id}"] .figure-body :is(svg, table, .figure-empty)`).count(), id!).toBeGreaterThan(0);
  expect(await page.locator('[data-control]:disabled').count()).toBe(0);
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  const path = join(RESULTS, name);
  // from the top, so the sticky controls bar sits above the header and hides nothing
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path, fullPage: true });
  console.log(`screenshot: ${path}`);
}

/** Chooses `value` in the `control` select and waits for the redraw; each figure's body before and after, each of which must have changed. */
async function choose(page: Page, control: string, value: string, figures: string[]): Promise<Array<{ before: string; after: string }>> {
  const before: string[] = [];
  for (const id of figures) before.push(await figureBody(page, id));
  await afterRedraw(page, () => page.selectOption(control, value));
  const changed = [];
  for (const [k, id] of figures.entries()) {
    const after = await figureBody(page, id);
    expect(after, id).not.toBe(before[k]);
    changed.push({ before: before[k]!, after });
  }
  return changed;
}

/**
 * Per describe: a synthetic run with its report, opened in the browser; the first test checks it loads cleanly.
 * Both are read through the returned object once the describe's beforeAll has run.
 */
function openedCleanly(study: Study, make: () => Promise<ReportedRun>, browser: () => Browser): { run: ReportedRun; opened: OpenedReport } {
  const shown = {} as { run: ReportedRun; opened: OpenedReport };
  beforeAll(async () => {
    shown.run = await make();
    shown.opened = await openReport(browser(), shown.run.report);
  });
  afterAll(() => shown.run?.cleanup());

  it('opens from file:// with every figure, no console errors and no network request', async () => {
    await expectCleanLoad(shown.opened, study);
  });
  return shown;
}

describe.skipIf(!haveChromium && !inCi)('reports in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  describe('proteomics', () => {
    const shown = openedCleanly('proteomics', proteomicsRunWithReport, () => browser);

    it('shows every figure without scripts (static SVG first)', async () => {
      const context = await browser.newContext({ javaScriptEnabled: false });
      try {
        const page = await context.newPage();
        await page.goto(pathToFileURL(shown.run.report).href);
        for (const id of figureIds('proteomics')) expect(await page.locator(`[data-figure="${id}"] .figure-body :is(svg, table)`).count(), id).toBeGreaterThan(0);
        expect(await page.locator('.controls noscript').count()).toBe(1);
      } finally {
        await context.close();
      }
    });

    it('redraws the class heatmap when a class is chosen', async () => {
      const [heatmap] = await choose(shown.opened.page, '#control-class', 'her2', ['class-heatmap']);
      expect(heatmap!.before).toContain('class basal');
      const after = heatmap!.after;
      expect(after).toContain('class her2');
      expect(after.match(/<rect/g)?.length).toBeGreaterThan(100);
    });

    it('redraws the instance comparison and the t-SNE ring when an instance is chosen', async () => {
      const [comparison] = await choose(shown.opened.page, '#control-instance', 'S07', ['instance-comparison']);
      expect(comparison!.after).toContain('Instance S07 (class her2)');
      expect(await figureBody(shown.opened.page, 'tsne')).toContain('S07');
    });

    it('follows k and the protein filter', async () => {
      const { page } = shown.opened;
      await afterRedraw(page, () => page.fill('#control-k', '5'));
      expect(await page.locator('[data-figure="top-edges-table"] tbody tr').count()).toBe(5);
      await afterRedraw(page, () => page.fill('#control-filter', 'mapk'));
      const heatmap = await figureBody(page, 'cohort-heatmap');
      expect(heatmap).toContain('MAPK1');
      expect(heatmap).not.toContain('AKT1');
      const rows = await page.locator('[data-figure="top-edges-table"] tbody tr td:nth-child(2)').allTextContents();
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.includes('MAPK'))).toBe(true);
      await afterRedraw(page, () => page.fill('#control-filter', ''));
    });

    it('chooses an instance by clicking it in the t-SNE map', async () => {
      const { page } = shown.opened;
      // centre the figure: near the top it would sit under the sticky controls bar
      await page.locator('[data-figure="tsne"]').evaluate((e) => e.scrollIntoView({ block: 'center' }));
      const dot = page.locator('[data-figure="tsne"] svg g[aria-label="dot"] circle').nth(3);
      const box = (await dot.boundingBox())!;
      await afterRedraw(page, async () => {
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      });
      expect(await page.inputValue('#control-instance')).toBe('S04');
      expect(await figureBody(page, 'instance-comparison')).toContain('Instance S04');
    });

    it('stays free of errors and network requests, and leaves a screenshot', async () => {
      await afterRedraw(shown.opened.page, () => shown.opened.page.selectOption('#control-class', 'luminal'));
      expect(shown.opened.consoleErrors).toEqual([]);
      expect(shown.opened.networkRequests).toEqual([]);
      await screenshot(shown.opened.page, 'proteomics-report.png');
    });
  });

  describe('influence', () => {
    const shown = openedCleanly('influence', influenceRunWithReport, () => browser);

    it('redraws the class profile and comparative influence when a class is chosen', async () => {
      const [profile, comparative] = await choose(shown.opened.page, '#control-class', 'virginica', ['class-profile', 'comparative-influence']);
      expect(profile!.after).toContain('Class virginica');
      expect(comparative!.after).toContain('virginica vs setosa');
    });

    it('redraws the instance scatter when an instance is chosen', async () => {
      const [scatter] = await choose(shown.opened.page, '#control-instance', 'i002', ['instance-influence']);
      expect(scatter!.after).toContain('Instance i002 (class setosa)');
    });

    it('stays free of errors and network requests, and leaves a screenshot', async () => {
      expect(shown.opened.consoleErrors).toEqual([]);
      expect(shown.opened.networkRequests).toEqual([]);
      await screenshot(shown.opened.page, 'influence-report.png');
    });
  });

  describe('a report copied alone', () => {
    let run: ReportedRun;
    beforeAll(async () => {
      run = await proteomicsRunWithReport();
    });
    afterAll(() => run?.cleanup());

    it('is interactive on its own: the self-contained file, copied into an empty folder', async () => {
      const { dir, cleanup } = tempDir('copied');
      try {
        const copy = join(dir, 'emailed-report.html');
        copyFileSync(run.report, copy);
        const opened = await openReport(browser, copy);
        await expectCleanLoad(opened, 'proteomics');
        expect(opened.consoleErrors).toEqual([]);
        expect(opened.networkRequests).toEqual([]);
        await opened.page.close();
      } finally {
        cleanup();
      }
    });

    it('with the folder layout and without report_files/, says what is missing and keeps every static figure', async () => {
      await inSyntheticProteomicsRun('folder-layout', async (dir) => {
        const report = await writeRunReport(dir, undefined, { assets: 'folder' });
        rmSync(join(dir, 'report_files'), { recursive: true });
        const opened = await openReport(browser, report);
        const { page } = opened;
        expect(await page.evaluate(() => document.documentElement.dataset.viewer)).toBe('error');
        expect(await page.locator('#viewer-status').textContent()).toMatch(/could not load report_files\/duckdb-eh-worker\.js, report_files\/duckdb-eh-wasm\.js, report_files\/relevance-viewer\.js: keep the report_files\/ folder beside report\.html/);
        for (const id of figureIds('proteomics')) expect(await page.locator(`[data-figure="${id}"] .figure-body :is(svg, table)`).count(), id).toBeGreaterThan(0);
        await page.close();
      });
    });
  });
});
