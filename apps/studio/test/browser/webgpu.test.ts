/**
 * The studio on WebGPU in headless Chromium with SwiftShader's adapter (a
 * CPU Vulkan driver, so small runs only): --backend webgpu runs the study in
 * the worker on the page's navigator.gpu, manifest.json records the backend
 * as the CLI's does, and the run equals the CLI's on the same backend
 * (Node's Dawn on the same SwiftShader driver). --backend auto passes a
 * software adapter by, as the CLI does, and runs on wasm; the page says so.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../../../../packages/pipelines/src/serve/app-server.js';
import { asQuery, cliRun, downloadRun, expectSameRun, haveChromium, inCi, launchChromium, openStudio, serve, SMALL, waitForRun, tearDown } from './page.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
const haveSwiftShader = existsSync(SWIFTSHADER);
/** SMALL on WebGPU: fewer patients still, SwiftShader is slow. */
const ON_WEBGPU = [...SMALL.filter((a) => !a.startsWith('--backend') && !a.startsWith('--synthetic-instances')), '--synthetic-instances-per-class=10', '--backend=webgpu'];

const runnable = (haveChromium && haveSwiftShader) || inCi;
if (!runnable) console.log(`skipping the studio WebGPU tests: ${haveChromium ? SWIFTSHADER : '/usr/bin/chromium'} is missing (they fail under CI=true)`);

const manifestOf = (files: Record<string, Uint8Array>) => JSON.parse(Buffer.from(files['manifest.json']!).toString()) as { backend: string; backend_build?: string; threads: number };

describe.skipIf(!runnable)('the studio on WebGPU (SwiftShader)', () => {
  let browser: Browser;
  let isolated: AppServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relevance-studio-webgpu-'));
    // Node's Dawn (the CLI) and Chromium both find SwiftShader through the Vulkan loader
    if (!process.env.VK_ICD_FILENAMES) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
    [browser, isolated] = await Promise.all([launchChromium(['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan']), serve(true)]);
  });
  afterAll(() => tearDown(browser, [isolated], dir));

  it('runs the study on --backend webgpu and agrees with the CLI on webgpu', async () => {
    const cli = cliRun(dir, 'cli-webgpu', ON_WEBGPU);
    expect(manifestOf(cli).backend).toBe('webgpu');
    const { page, requestsAfterLoad, errors } = await openStudio(browser, `${isolated.url}?demo=synthetic&${asQuery(ON_WEBGPU)}`);
    expect(await waitForRun(page), await page.locator('#error').textContent() ?? '').toBe('done');
    expect(await page.evaluate(() => document.documentElement.dataset.backend)).toBe('webgpu');
    expect(await page.locator('#log').textContent()).toMatch(/done on webgpu with 1 thread,/);
    const files = await downloadRun(page);
    expect(manifestOf(files)).toMatchObject({ backend: 'webgpu', backend_build: manifestOf(cli).backend_build, threads: 1 });
    // the same kernels on the same driver: the CLI's run folder, as on wasm (expectSameRun says how close)
    await expectSameRun(files, cli);
    expect(requestsAfterLoad).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the software adapter, and --backend auto passes it by for wasm as the CLI does', async () => {
    const auto = [...SMALL.filter((a) => !a.startsWith('--backend')), '--backend=auto'];
    const { page } = await openStudio(browser, `${isolated.url}?demo=synthetic&${asQuery(auto)}`);
    await page.waitForFunction(() => document.documentElement.dataset.webgpu !== undefined);
    expect(await page.evaluate(() => document.documentElement.dataset.webgpu)).toBe('software');
    expect(await page.locator('#backend-note').textContent()).toMatch(/^WebGPU: .*swiftshader.*software adapter.*--backend auto runs on wasm with \d+ threads/i);
    expect(await waitForRun(page), await page.locator('#error').textContent() ?? '').toBe('done');
    expect(await page.evaluate(() => document.documentElement.dataset.backend)).toBe('wasm');
    expect(manifestOf(await downloadRun(page)).backend).toBe('wasm');
    await page.close();
  });
});
