/**
 * core-wasm's parity suite (every case of test/parity/cases.ts) inside
 * Chromium pages against the reference backend: wasm with worker threads (cross-origin
 * isolated page), wasm without SharedArrayBuffer (a page that is not
 * isolated: one thread, unshared memory), and WebGPU on SwiftShader.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../../../../packages/pipelines/src/serve/app-server.js';
import { parityCases } from '../../../../packages/core-wasm/test/parity/cases.js';
import { haveChromium, inCi, launchChromium, tearDown } from './page.js';

/** Cases per kernel: all of them (560 cases of 78 kernels run in about 13 s on SwiftShader, 2 s on wasm); lower it to run the first cases of every kernel only. */
const PER_KERNEL = Number.MAX_SAFE_INTEGER;
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';

interface ParityReport { backend: string; threads: number; sharedMemory: boolean; kernels: number; cases: number; failures: string[] }

if (!haveChromium && !inCi) console.log('skipping the in-page parity tests: /usr/bin/chromium is missing (they fail under CI=true)');

async function parityIn(page: Page, url: string, backend: string, threads: number): Promise<ParityReport> {
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
  return page.evaluate(([b, t, k]) => (globalThis as any).runParity(b, t, k), [backend, threads, PER_KERNEL] as const);
}

describe.skipIf(!haveChromium && !inCi)('core-wasm parity in Chromium pages', () => {
  let dir: string;
  let isolated: AppServer;
  let plain: AppServer;
  let browser: Browser;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relevance-parity-page-'));
    await esbuild.build({ entryPoints: [fileURLToPath(new URL('./parity-page.ts', import.meta.url))], outfile: join(dir, 'parity.js'), bundle: true, format: 'iife', platform: 'browser', target: 'chrome113', logLevel: 'warning', external: ['node:*'], alias: { '@relevance/core-wasm': fileURLToPath(new URL('../../../../packages/core-wasm/src/index.ts', import.meta.url)) } });
    writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script src="parity.js"></script>');
    if (!process.env.VK_ICD_FILENAMES) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
    [isolated, plain, browser] = await Promise.all([startAppServer({ dir, port: 0 }), startAppServer({ dir, port: 0, isolate: false }), launchChromium(['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan'])]);
  });
  afterAll(() => tearDown(browser, [isolated, plain], dir));

  it('wasm with worker threads (cross-origin isolated)', async () => {
    const page = await browser.newPage();
    const r = await parityIn(page, isolated.url, 'wasm', 2);
    expect(r).toMatchObject({ backend: 'wasm', threads: 2, sharedMemory: true, failures: [], cases: parityCases.length });
    expect(r.kernels).toBeGreaterThan(20);
    console.log(`in-page parity, wasm 2 threads: ${r.cases} cases of ${r.kernels} kernels`);
    await page.close();
  });

  it('wasm without SharedArrayBuffer (not isolated: one thread)', async () => {
    const page = await browser.newPage();
    const r = await parityIn(page, plain.url, 'wasm', 2);
    expect(r).toMatchObject({ backend: 'wasm', threads: 1, sharedMemory: false, failures: [], cases: parityCases.length });
    await page.close();
  });

  it('WebGPU on SwiftShader', async () => {
    const page = await browser.newPage();
    const r = await parityIn(page, isolated.url, 'webgpu', 1);
    expect(r).toMatchObject({ backend: 'webgpu', failures: [], cases: parityCases.length });
    console.log(`in-page parity, webgpu (SwiftShader): ${r.cases} cases of ${r.kernels} kernels`);
    await page.close();
  });
});
