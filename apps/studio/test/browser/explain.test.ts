/**
 * "Explain a model" in headless Chromium: an ONNX model and a CSV picked in
 * the page, a method chosen, and the downloaded attributions.csv equal in
 * bytes to what `relevance explain` writes for the same model, rows and method.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBackend, Generator } from '@relevance/core-wasm';
import { exportOnnx, mlp } from '@relevance/methods';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../../../../packages/pipelines/src/serve/app-server.js';
import { haveChromium, inCi, launchChromium, openStudio, serve, tearDown } from './page.js';

const BIN = fileURLToPath(new URL('../../../../packages/pipelines/bin/relevance.js', import.meta.url));
const METHODS = ['integrated-gradients', 'lrp', 'saliency'];

if (!haveChromium && !inCi) console.log('skipping the studio explain test: /usr/bin/chromium is missing (it fails under CI=true)');

describe.skipIf(!haveChromium && !inCi)('explain a model in the studio', () => {
  let dir: string;
  let browser: Browser;
  let app: AppServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relevance-studio-explain-'));
    const be = await createBackend('reference');
    const model = mlp(be, { inputs: 5, hidden: [8], outputs: 3, seed: 4 });
    writeFileSync(join(dir, 'model.onnx'), await exportOnnx(model));
    model.dispose();
    be.destroy();
    const g = new Generator(9);
    const lines = ['sample,f1,f2,f3,f4,f5', ...Array.from({ length: 12 }, (_, r) => [`s${r}`, ...Array.from({ length: 5 }, () => (g.uniform() * 4 - 2).toFixed(3))].join(','))];
    writeFileSync(join(dir, 'rows.csv'), `${lines.join('\n')}\n`);
    [browser, app] = await Promise.all([launchChromium(), serve(true)]);
  });
  afterAll(() => tearDown(browser, [app], dir));

  it.each(METHODS)('%s: the page shows the attributions and downloads the CLI\'s attributions.csv', async (method) => {
    execFileSync(process.execPath, [BIN, 'explain', '--model', 'model.onnx', '--input', 'rows.csv', '--method', method, '--backend', 'wasm', '--out', `cli-${method}.csv`, '--quiet'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    const { page, requestsAfterLoad, errors } = await openStudio(browser, app.url);
    await page.setInputFiles('#explain-model', join(dir, 'model.onnx'));
    await page.setInputFiles('#explain-table', join(dir, 'rows.csv'));
    await page.selectOption('#explain-method', method);
    await page.click('#explain-run');
    await page.waitForFunction(() => ['done', 'failed'].includes(document.documentElement.dataset.explainState ?? ''));
    expect(await page.locator('#explain-error').textContent()).toBe('');
    expect(await page.locator('#explain-output tbody tr').count()).toBe(12);
    // --backend auto, as the CLI's default: no WebGPU in this browser, so wasm (as the CLI's --backend wasm here)
    expect(await page.locator('#explain-output p').textContent()).toMatch(new RegExp(`^${method} on wasm: 12 rows`));
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#explain-download')]);
    await download.saveAs(join(dir, `page-${method}.csv`));
    expect(readFileSync(join(dir, `page-${method}.csv`), 'utf8')).toBe(readFileSync(join(dir, `cli-${method}.csv`), 'utf8'));
    expect(requestsAfterLoad).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
