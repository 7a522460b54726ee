#!/usr/bin/env node
/**
 * The studio's speed goals (issue 14), measured on this machine:
 *  (a) the synthetic study in the page against the CLI, side by side:
 *      `relevance study proteomics --backend wasm --threads N` and the studio's
 *      ?demo=synthetic with the same options in headless Chromium (cross-origin
 *      isolated, N threads). Prints both times (wall clock, and timing_s of
 *      each metrics.json, phase by phase) and their ratio (goal <= 1.5).
 *  (b) a table dropped into the page (the synthetic cohort's size, 3,000 x 40
 *      by default, written as CSV): the seconds from the file input to the
 *      headline figures, and to the report's figures (goal < 60 s on 2 cores).
 * Also the app's first-load size. Prints the load average before and after:
 * on a shared machine the figures are only as good as that.
 *
 *   node apps/studio/scripts/bench.mjs                 # the synthetic default (400 epochs, 100 masks), (a) and (b)
 *   node apps/studio/scripts/bench.mjs --epochs 60 --masks 20 --threads 2
 *   node apps/studio/scripts/bench.mjs --only side-by-side   # or --only table
 * Study options apply to both; --synthetic-* options size (b)'s table. Needs
 * the build (npm run build) and /usr/bin/chromium.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, '..', '..', 'packages', 'pipelines', 'dist', 'src');
const bin = join(root, '..', '..', 'packages', 'pipelines', 'bin', 'relevance.js');
const { startAppServer } = await import(join(dist, 'serve', 'app-server.js'));

/** --threads N and --only X are the bench's; every other --name value pair is a study option. */
function benchArgs(argv) {
  const own = { threads: 2, only: null };
  const pairs = [];
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    if (name === 'threads') own.threads = Number(argv[i + 1]);
    else if (name === 'only') own.only = argv[i + 1];
    else pairs.push([name, argv[i + 1]]);
  }
  return { ...own, pairs };
}
const { threads, only, pairs } = benchArgs(process.argv.slice(2));
const asArgv = (list) => list.flatMap(([k, v]) => [`--${k}`, v]);
const label = pairs.length ? asArgv(pairs).join(' ') : 'the default options';
const load = () => loadavg().map((l) => l.toFixed(2)).join(', ');
const phases = (t) => Object.entries(t).filter(([k, v]) => k !== 'total' && typeof v === 'number').map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ');

function cliRun() {
  const dir = mkdtempSync(join(tmpdir(), 'relevance-bench-cli-'));
  const started = performance.now();
  execFileSync(process.execPath, [bin, 'study', 'proteomics', '--backend', 'wasm', '--threads', String(threads), ...asArgv(pairs), '--quiet', '--out', join(dir, 'run')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const wall = (performance.now() - started) / 1000;
  const metrics = JSON.parse(readFileSync(join(dir, 'run', 'metrics.json'), 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  return { wall, timings: metrics.timing_s, auroc: metrics.network.cohort.auroc };
}

/** Headless Chromium on the studio (`relevance app`'s server, cross-origin isolated); `use` gets the page and the server's URL. */
async function withStudio(use) {
  const app = await startAppServer({ dir: join(root, 'dist'), port: 0 });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-background-networking', '--no-first-run', '--headless=new'] });
  try {
    return await use(await browser.newPage(), app.url);
  } finally {
    await browser.close();
    await app.close();
  }
}

async function finished(page) {
  await page.waitForFunction(() => ['done', 'failed'].includes(document.documentElement.dataset.runState ?? ''), null, { timeout: 0, polling: 200 });
  if ((await page.evaluate(() => document.documentElement.dataset.runState)) !== 'done') throw new Error(`the page failed: ${await page.locator('#error').textContent()}`);
}

/** The page's metrics.json (from the zip its download button gives), the cohort AUROC it shows, and the backend its log names. */
async function pageMetrics(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  const chunks = [];
  for await (const c of await download.createReadStream()) chunks.push(c);
  const zipped = unzipSync(new Uint8Array(Buffer.concat(chunks)));
  const metrics = JSON.parse(Buffer.from(Object.entries(zipped).find(([path]) => path.endsWith('/metrics.json'))[1]).toString());
  // a dropped table has no known network: no AUROC
  const marked = page.locator('[data-metric="network.cohort.auroc"]');
  const auroc = (await marked.count()) ? Number(await marked.getAttribute('title')) : 'none (no known network)';
  const on = (await page.locator('#log').textContent()).match(/done on (\w+ with \d+ threads?)/)?.[1];
  return { timings: metrics.timing_s, auroc, on };
}

async function sideBySide() {
  const cli = cliRun();
  console.log(`CLI:  ${cli.wall.toFixed(1)} s wall (timing_s.total ${cli.timings.total} s: ${phases(cli.timings)}), cohort AUROC ${cli.auroc}; load average ${load()}`);
  const web = await withStudio(async (page, url) => {
    const loaded = [];
    page.on('response', async (r) => loaded.push((await r.body().catch(() => Buffer.alloc(0))).length));
    const started = performance.now();
    await page.goto(`${url}?${new URLSearchParams([['demo', 'synthetic'], ['backend', 'wasm'], ['threads', String(threads)], ...pairs])}`);
    await finished(page);
    const wall = (performance.now() - started) / 1000;
    return { wall, ...(await pageMetrics(page)), fetched: loaded.reduce((s, b) => s + b, 0) };
  });
  console.log(`page: ${web.wall.toFixed(1)} s from navigation to done (timing_s.total ${web.timings.total} s: ${phases(web.timings)}), on ${web.on}, cohort AUROC ${web.auroc}; fetched ${(web.fetched / 1e6).toFixed(2)} MB; load average ${load()}`);
  console.log(`ratio page / CLI: ${(web.wall / cli.wall).toFixed(2)} wall, ${(web.timings.total / cli.timings.total).toFixed(2)} timing_s.total (goal <= 1.5)`);
}

/** The synthetic cohort (sized by the --synthetic-* options) as a CSV file, as a user would drop it. */
async function tableFile(dir) {
  const { generateSyntheticCohort, SYNTHETIC_DEFAULTS } = await import(join(dist, 'studies', 'proteomics', 'synthetic.js'));
  const { syntheticCohortTable } = await import(join(dist, 'studies', 'proteomics', 'core.js'));
  const { csvChunks } = await import(join(dist, 'io', 'csv-text.js'));
  const size = Object.fromEntries(pairs.filter(([k]) => k.startsWith('synthetic-')).map(([k, v]) => [k.replace(/^synthetic-/, '').replace(/-(\w)/g, (_, c) => c.toUpperCase()), Number(v)]));
  const cohort = generateSyntheticCohort({ ...SYNTHETIC_DEFAULTS, ...size });
  const path = join(dir, 'cohort.csv');
  writeFileSync(path, [...csvChunks(syntheticCohortTable(cohort), ',')].join(''));
  return { path, rows: cohort.ids.length, proteins: cohort.proteins.length };
}

async function droppedTable() {
  const dir = mkdtempSync(join(tmpdir(), 'relevance-bench-table-'));
  try {
    const file = await tableFile(dir);
    const options = pairs.filter(([k]) => !k.startsWith('synthetic-'));
    const r = await withStudio(async (page, url) => {
      await page.goto(`${url}?${new URLSearchParams([['backend', 'wasm'], ['threads', String(threads)], ...options])}`);
      await page.waitForFunction(() => document.documentElement.dataset.worker === 'ready');
      const started = performance.now();
      await page.setInputFiles('#file-input', file.path);
      await page.waitForFunction(() => (document.getElementById('class-column')?.value ?? '') === 'class');
      const previewed = (performance.now() - started) / 1000;
      await page.click('#run');
      await finished(page);
      const headline = (performance.now() - started) / 1000;
      await page.waitForSelector('[data-figure="cohort-heatmap"] .figure-body svg', { timeout: 0 });
      return { previewed, headline, figures: (performance.now() - started) / 1000, ...(await pageMetrics(page)) };
    });
    console.log(`table: ${file.rows} x ${file.proteins} CSV (${(statSync(file.path).size / 1e6).toFixed(2)} MB) dropped into the page: preview ${r.previewed.toFixed(1)} s, headline figures ${r.headline.toFixed(1)} s, report figures ${r.figures.toFixed(1)} s after the drop (timing_s.total ${r.timings.total} s: ${phases(r.timings)}, on ${r.on}, cohort AUROC ${r.auroc}; goal < 60 s on 2 cores); load average ${load()}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`bench: ${label}, wasm, ${threads} threads, ${new Date().toISOString()}, load average ${load()} (${(await import('node:os')).cpus().length} cores)`);
const files = ['index.html', 'studio.js', 'study-worker.js'];
const raw = files.reduce((s, f) => s + statSync(join(root, 'dist', f)).size, 0);
const gz = files.reduce((s, f) => s + gzipSync(readFileSync(join(root, 'dist', f))).length, 0);
console.log(`first load: ${(raw / 1e6).toFixed(2)} MB (${files.join(', ')}), ${(gz / 1e6).toFixed(2)} MB gzip-compressed; goal < 15 MB`);
if (only !== 'table') await sideBySide();
if (only !== 'side-by-side') await droppedTable();
