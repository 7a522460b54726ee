#!/usr/bin/env node
/**
 * The synthetic study in the page against the CLI, on this machine, side by
 * side: `relevance study proteomics --backend wasm --threads N` and the
 * studio's ?demo=synthetic with the same options in headless Chromium
 * (cross-origin isolated, N threads). Prints both times (wall clock, and
 * timing_s.total of each metrics.json), their ratio, and the first-load size
 * of the app (bytes the browser fetched, and gzip-compressed).
 *
 *   node apps/studio/scripts/bench.mjs                 # the synthetic default (400 epochs, 100 masks)
 *   node apps/studio/scripts/bench.mjs --epochs 60 --masks 20 --threads 2
 * Needs the build (npm run build) and /usr/bin/chromium.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, '..', '..', 'packages', 'pipelines', 'bin', 'relevance.js');
const { startAppServer } = await import(join(root, '..', '..', 'packages', 'pipelines', 'dist', 'src', 'serve', 'app-server.js'));

const argv = process.argv.slice(2);
const threadsAt = argv.indexOf('--threads');
const threads = threadsAt >= 0 ? Number(argv[threadsAt + 1]) : 2;
const options = argv.filter((_, i) => i !== threadsAt && i !== threadsAt + 1);
const pairs = [];
for (let i = 0; i < options.length; i += 2) pairs.push([options[i].replace(/^--/, ''), options[i + 1]]);
const label = pairs.length ? pairs.map(([k, v]) => `--${k} ${v}`).join(' ') : 'the synthetic default';

function cliRun() {
  const dir = mkdtempSync(join(tmpdir(), 'relevance-bench-cli-'));
  const started = performance.now();
  execFileSync(process.execPath, [bin, 'study', 'proteomics', '--backend', 'wasm', '--threads', String(threads), ...options, '--quiet', '--out', join(dir, 'run')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const wall = (performance.now() - started) / 1000;
  const metrics = JSON.parse(readFileSync(join(dir, 'run', 'metrics.json'), 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  return { wall, total: metrics.timing_s.total, auroc: metrics.network.cohort.auroc };
}

async function pageRun() {
  const app = await startAppServer({ dir: join(root, 'dist'), port: 0 });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-background-networking', '--no-first-run', '--headless=new'] });
  try {
    const page = await browser.newPage();
    const loaded = [];
    page.on('response', async (r) => loaded.push({ url: r.url(), bytes: (await r.body().catch(() => Buffer.alloc(0))).length }));
    const query = new URLSearchParams([['demo', 'synthetic'], ['backend', 'wasm'], ['threads', String(threads)], ...pairs]);
    const started = performance.now();
    await page.goto(`${app.url}?${query}`);
    await page.waitForFunction(() => ['done', 'failed'].includes(document.documentElement.dataset.runState ?? ''), null, { timeout: 0, polling: 500 });
    const wall = (performance.now() - started) / 1000;
    if ((await page.evaluate(() => document.documentElement.dataset.runState)) !== 'done') throw new Error(`the page failed: ${await page.locator('#error').textContent()}`);
    const total = Number(await page.evaluate(() => document.querySelector('#log')?.textContent?.match(/timing_s\.total ([\d.]+)/)?.[1] ?? NaN));
    const auroc = Number(await page.locator('[data-metric="network.cohort.auroc"]').getAttribute('title'));
    const threadsUsed = await page.evaluate(() => document.querySelector('#log')?.textContent?.match(/with (\d+) thread/)?.[1]);
    return { wall, total, auroc, threadsUsed, loaded };
  } finally {
    await browser.close();
    await app.close();
  }
}

console.log(`bench: ${label}, wasm, ${threads} threads, ${new Date().toISOString()}`);
const files = ['index.html', 'studio.js', 'study-worker.js'];
const raw = files.reduce((s, f) => s + statSync(join(root, 'dist', f)).size, 0);
const gz = files.reduce((s, f) => s + gzipSync(readFileSync(join(root, 'dist', f))).length, 0);
console.log(`first load: ${(raw / 1e6).toFixed(2)} MB (${files.join(', ')}), ${(gz / 1e6).toFixed(2)} MB gzip-compressed; goal < 15 MB`);
const cli = cliRun();
console.log(`CLI:  ${cli.wall.toFixed(1)} s wall (timing_s.total ${cli.total} s), cohort AUROC ${cli.auroc}`);
const web = await pageRun();
console.log(`page: ${web.wall.toFixed(1)} s from navigation to done (timing_s.total ${web.total} s), ${web.threadsUsed} threads, cohort AUROC ${web.auroc}; fetched ${web.loaded.length} files, ${(web.loaded.reduce((s, l) => s + l.bytes, 0) / 1e6).toFixed(2)} MB`);
console.log(`ratio page / CLI: ${(web.wall / cli.wall).toFixed(2)} wall, ${(web.total / cli.total).toFixed(2)} timing_s.total (goal <= 1.5)`);
