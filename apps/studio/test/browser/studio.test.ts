/**
 * The studio in headless Chromium against the CLI on the same data, options
 * and seed (wasm backend): the synthetic demo and a dropped Parquet file give
 * the CLI's tables (Arrow bytes) and metrics.json (all but the wall-clock
 * timing_s), without one network request after load; cancel leaves the page
 * usable; a ragged CSV gets the CLI's error; --replicates gives the CLI's
 * run; without cross-origin isolation the page runs on one thread and still agrees.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { figureIds } from '../../../report/src/report/figure-catalogue.js';
import type { AppServer } from '../../../../packages/pipelines/src/serve/app-server.js';
import { asQuery, cliError, cliRun, downloadRun, expectSameRun, haveChromium, inCi, launchChromium, openStudio, serve, SMALL, storedInBrowser, waitForRun, tearDown } from './page.js';

if (!haveChromium && !inCi) console.log('skipping the studio browser tests: /usr/bin/chromium is missing (they fail under CI=true)');

describe.skipIf(!haveChromium && !inCi)('the studio in headless Chromium', () => {
  let browser: Browser;
  let isolated: AppServer;
  let dir: string;
  let cliSynthetic: Record<string, Uint8Array>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relevance-studio-'));
    cliSynthetic = cliRun(dir, 'cli-synthetic', SMALL);
    [browser, isolated] = await Promise.all([launchChromium(), serve(true)]);
  });
  afterAll(() => tearDown(browser, [isolated], dir));

  it('runs the synthetic demo from the URL with wasm threads and gives the CLI\'s tables and metrics, with no request after load', async () => {
    const { page, requestsAfterLoad, errors } = await openStudio(browser, `${isolated.url}?demo=synthetic&${asQuery(SMALL)}`);
    expect(await waitForRun(page), await page.locator('#error').textContent() ?? '').toBe('done');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.locator('#log').textContent()).toMatch(/done on wasm with [2-9]\d* threads/);
    const auroc = JSON.parse(Buffer.from(cliSynthetic['metrics.json']!).toString()).network.cohort.auroc;
    expect(Number(await page.locator('[data-metric="network.cohort.auroc"]').getAttribute('title'))).toBe(auroc);
    await expectSameRun(await downloadRun(page), cliSynthetic);
    await page.waitForSelector('[data-figure="cohort-heatmap"] .figure-body svg');
    // nothing is stored unless the user asks ("Keep this run in the browser", tested in influence.test.ts)
    expect(await storedInBrowser(page)).toEqual({ indexedDB: [], opfs: [], localStorage: 0, sessionStorage: 0 });
    expect(requestsAfterLoad).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("reopens the CLI's run folder, zipped or as a picked folder, with the report's figures", async () => {
    const files: Record<string, Uint8Array> = {};
    for (const f of readdirSync(join(dir, 'cli-synthetic'))) if (!statSync(join(dir, 'cli-synthetic', f)).isDirectory()) files[`cli-synthetic/${f}`] = readFileSync(join(dir, 'cli-synthetic', f));
    writeFileSync(join(dir, 'cli-synthetic.zip'), zipSync(files));
    const auroc = String(JSON.parse(Buffer.from(cliSynthetic['metrics.json']!).toString()).network.cohort.auroc);
    for (const pick of [['#reopen-zip', join(dir, 'cli-synthetic.zip')], ['#reopen-dir', join(dir, 'cli-synthetic')]] as const) {
      const { page, requestsAfterLoad, errors } = await openStudio(browser, isolated.url);
      await page.setInputFiles(pick[0], pick[1]);
      await page.waitForFunction(() => document.documentElement.dataset.runState === 'done');
      expect(await page.locator('[data-metric="network.cohort.auroc"]').getAttribute('title'), pick[0]).toBe(auroc);
      await page.waitForSelector('[data-figure="cohort-heatmap"] .figure-body svg');
      expect(await page.locator('[data-figure]').evaluateAll((els) => els.map((e) => e.getAttribute('data-figure'))), pick[0]).toEqual(figureIds('proteomics'));
      expect(requestsAfterLoad).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it('runs a Parquet file dropped through the file input, as the CLI does on the same file', async () => {
    const argv = SMALL.filter((a) => !a.startsWith('--synthetic'));
    // run where the file lies, so --data names it as the page does (config.json and the model's fingerprint record it)
    const cli = cliRun(join(dir, 'cli-synthetic'), '../cli-parquet', ['--data', 'synthetic_cohort.parquet', '--class-column', 'class', '--id-column', 'id', ...argv]);
    const { page, requestsAfterLoad } = await openStudio(browser, `${isolated.url}?${asQuery(argv)}`);
    await page.setInputFiles('#file-input', join(dir, 'cli-synthetic', 'synthetic_cohort.parquet'));
    await page.waitForFunction(() => (document.getElementById('class-column') as HTMLSelectElement).value === 'class');
    expect(await page.locator('#id-column').inputValue()).toBe('id');
    await page.click('#run');
    expect(await waitForRun(page), await page.locator('#error').textContent() ?? '').toBe('done');
    await expectSameRun(await downloadRun(page), cli);
    expect(requestsAfterLoad).toEqual([]);
    await page.close();
  });

  it('cancels a run and then runs again', async () => {
    const { page, requestsAfterLoad } = await openStudio(browser, `${isolated.url}?${asQuery(SMALL.map((a) => (a.startsWith('--epochs') ? '--epochs=100000' : a)))}&patience=100000`);
    await page.click('#use-synthetic');
    // the default trains three predictors: the label reads 'training (replicate 1 of 3) 5/100000 ...'
    await page.waitForFunction(() => /training( \(replicate 1 of \d+\))? [1-9]/.test(document.getElementById('progress-text')!.textContent ?? ''));
    expect(await page.locator('#progress-text').textContent()).toMatch(/left/);
    // the worker runs one job at a time: an explain job is refused while the study runs, with the reason
    await page.click('#explain-run');
    expect(await page.locator('#explain-error').textContent()).toMatch(/^a study is running in the worker; wait for it to finish or cancel it/);
    expect(await page.evaluate(() => document.documentElement.dataset.runState)).toBe('running');
    await page.click('#cancel');
    expect(await page.evaluate(() => document.documentElement.dataset.runState)).toBe('idle');
    await page.fill('[data-option="epochs"]', '3');
    await page.click('#use-synthetic');
    expect(await waitForRun(page)).toBe('done');
    expect(requestsAfterLoad).toEqual([]);
    await page.close();
  });

  it("names a ragged CSV line as the CLI does", async () => {
    writeFileSync(join(dir, 'ragged.csv'), 'id,class,P1,P2\n1,a,1.0,2.0\n2,b,3.0\n3,a,1,2\n');
    const expected = cliError(dir, ['--data', 'ragged.csv', '--out', 'never']);
    expect(expected).toMatch(/ragged\.csv: line 3 has 3 fields/);
    const { page } = await openStudio(browser, isolated.url);
    await page.setInputFiles('#file-input', join(dir, 'ragged.csv'));
    await page.waitForFunction(() => document.documentElement.dataset.runState === 'failed');
    expect(await page.locator('#error').textContent()).toBe(expected);
    await page.close();
  });

  it('runs --replicates 2 as the CLI does: the same averaged networks, agreement and per-predictor figures', async () => {
    const argv = [...SMALL, '--replicates=2'];
    const cli = cliRun(dir, 'cli-replicates', argv);
    const { page } = await openStudio(browser, `${isolated.url}?demo=synthetic&${asQuery(argv)}`);
    expect(await waitForRun(page), await page.locator('#error').textContent() ?? '').toBe('done');
    const files = await downloadRun(page);
    await expectSameRun(files, cli);
    const replicates = JSON.parse(Buffer.from(files['metrics.json']!).toString()).network.replicates;
    expect(replicates.count).toBe(2);
    expect(replicates.auroc).toHaveLength(2);
    await page.close();
  });

  it('runs on one thread without cross-origin isolation, with the same results', async () => {
    const plain = await serve(false);
    try {
      const { page } = await openStudio(browser, `${plain.url}?demo=synthetic&${asQuery(SMALL)}`);
      expect(await waitForRun(page)).toBe('done');
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
      expect(await page.locator('#log').textContent()).toMatch(/done on wasm with 1 thread,/);
      await expectSameRun(await downloadRun(page), cliSynthetic);
      await page.close();
    } finally {
      await plain.close();
    }
  });
});
