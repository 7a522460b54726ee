/**
 * The influence study in headless Chromium against `relevance study
 * influence` on the same labelled table, options and seed (wasm backend):
 * the page's tables (Arrow), metrics.json (all but timing_s), config.json and
 * model.relevance equal the CLI's, the report's influence figures show, and no
 * request is made after load. Then the opt-in storage: the run is kept in
 * IndexedDB only when asked, and reopens after a reload.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Generator } from '@relevance/core-wasm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { figureIds } from '../../../report/src/report/figure-catalogue.js';
import type { AppServer } from '../../../../packages/pipelines/src/serve/app-server.js';
import { asQuery, downloadRun, expectSameTable, haveChromium, inCi, launchChromium, metricsWithoutTimings, openStudio, serve, storedInBrowser, waitForRun, tearDown } from './page.js';

const BIN = fileURLToPath(new URL('../../../../packages/pipelines/bin/relevance.js', import.meta.url));
/** Small: a 3-class table of 90 rows and 6 features, a short training. */
const OPTIONS = ['--epochs=15', '--hidden=8', '--patience=5', '--seed=2', '--backend=wasm'];

if (!haveChromium && !inCi) console.log('skipping the studio influence test: /usr/bin/chromium is missing (it fails under CI=true)');

/** A labelled table whose class shifts two features (seeded). */
function labelledCsv(): string {
  const g = new Generator(5);
  const classes = ['Basal', 'Her2', 'LumA'];
  const lines = ['sample,subtype,f1,f2,f3,f4,f5,f6'];
  for (let r = 0; r < 90; r++) {
    const c = r % 3;
    const values = Array.from({ length: 6 }, (_, j) => g.normal() + (j === c ? 1.5 : 0) + (j === c + 3 ? -1 : 0));
    lines.push([`s${r}`, classes[c], ...values.map((v) => v.toFixed(4))].join(','));
  }
  return `${lines.join('\n')}\n`;
}

describe.skipIf(!haveChromium && !inCi)('the influence study in the studio', () => {
  let dir: string;
  let browser: Browser;
  let app: AppServer;
  const cli: Record<string, Uint8Array> = {};
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relevance-studio-influence-'));
    writeFileSync(join(dir, 'cohort.csv'), labelledCsv());
    execFileSync(process.execPath, [BIN, 'study', 'influence', '--data', 'cohort.csv', '--label-column', 'subtype', '--id-column', 'sample', ...OPTIONS, '--quiet', '--out', 'relevance-influence-run'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    for (const f of readdirSync(join(dir, 'relevance-influence-run'))) if (/\.(arrow|json|relevance)$/.test(f)) cli[f] = readFileSync(join(dir, 'relevance-influence-run', f));
    [browser, app] = await Promise.all([launchChromium(), serve(true)]);
  });
  afterAll(() => tearDown(browser, [app], dir));

  it("gives the CLI's tables, metrics, config and model, with the report's figures; keeps the run only when asked", async () => {
    const { page, requestsAfterLoad, errors } = await openStudio(browser, `${app.url}?study=influence&${asQuery(OPTIONS)}`);
    expect(await page.locator('#study').inputValue()).toBe('influence');
    await page.setInputFiles('#file-input', join(dir, 'cohort.csv'));
    await page.waitForFunction(() => (document.getElementById('class-column') as HTMLSelectElement).options.length > 1);
    await page.selectOption('#class-column', 'subtype');
    expect(await page.locator('#id-column').inputValue()).toBe('sample');
    await page.click('#run');
    expect(await waitForRun(page), await page.locator('#error').textContent() ?? '').toBe('done');
    const accuracy = JSON.parse(Buffer.from(cli['metrics.json']!).toString()).classifier.test_accuracy;
    expect(Number(await page.locator('[data-metric="classifier.test_accuracy"]').getAttribute('title'))).toBe(accuracy);

    const files = await downloadRun(page);
    const tables = Object.keys(cli).filter((f) => f.endsWith('.arrow')).sort();
    expect(tables.length).toBe(7);
    expect(Object.keys(files).filter((f) => f.endsWith('.arrow')).sort()).toEqual(tables);
    const sameBytes = tables.filter((f) => expectSameTable(f, files[f]!, cli[f]!));
    console.log(`influence tables equal in bytes to the CLI's: ${sameBytes.length} of ${tables.length}`);
    expect(metricsWithoutTimings(files['metrics.json']!)).toEqual(metricsWithoutTimings(cli['metrics.json']!));
    expect(Buffer.from(files['config.json']!).toString()).toBe(Buffer.from(cli['config.json']!).toString());
    expect(Buffer.compare(Buffer.from(files['model.relevance']!), Buffer.from(cli['model.relevance']!)), 'model.relevance').toBe(0);
    await page.waitForSelector('[data-figure="class-influence"] .figure-body svg');
    expect(await page.locator('[data-figure]').evaluateAll((els) => els.map((e) => e.getAttribute('data-figure')))).toEqual(figureIds('influence'));

    expect(requestsAfterLoad).toEqual([]);
    expect(errors).toEqual([]);
    // nothing is stored by default; "keep" stores the run, and it reopens after a reload
    expect(await storedInBrowser(page)).toEqual({ indexedDB: [], opfs: [], localStorage: 0, sessionStorage: 0 });
    await page.click('#keep');
    await page.waitForFunction(() => document.getElementById('keep-state')!.textContent === 'kept in this browser');
    expect((await storedInBrowser(page)).indexedDB).toEqual(['relevance-studio']);
    await page.reload({ waitUntil: 'networkidle' });
    await page.waitForFunction(() => document.documentElement.dataset.worker === 'ready');
    await page.click('#show-kept');
    await page.waitForSelector('[data-kept-run] .kept-reopen');
    await page.click('[data-kept-run] .kept-reopen');
    await page.waitForFunction(() => document.documentElement.dataset.runState === 'done');
    expect(Number(await page.locator('[data-metric="classifier.test_accuracy"]').getAttribute('title'))).toBe(accuracy);
    await page.waitForSelector('[data-figure="class-influence"] .figure-body svg');
    await page.click('[data-kept-run] .kept-delete');
    await page.waitForFunction(() => document.getElementById('kept-runs')!.textContent === 'No runs are kept in this browser.');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses --where by name (it needs DuckDB, which the page does not load)', async () => {
    const { page } = await openStudio(browser, `${app.url}?study=influence`);
    // --where is no form field: send it the way a script would, through the worker's protocol
    const message = await page.evaluate(async () => {
      const w = new Worker(URL.createObjectURL(await (await fetch('study-worker.js')).blob()));
      return new Promise<string>((resolve) => {
        w.onmessage = (e) => e.data.type === 'failed' && resolve(e.data.message);
        w.postMessage({ type: 'run', study: 'influence', argv: ['--data=x.csv', '--label-column=subtype', '--where=subtype = 1'], file: { name: 'x.csv', bytes: new TextEncoder().encode('a,subtype\n1,x\n').buffer } });
      });
    });
    expect(message).toMatch(/^--where: not available in the browser app: needs DuckDB/);
    await page.close();
  });
});
