/**
 * Headless Debian Chromium through playwright-core (no browser download):
 * the flags a root CI container needs, and a page that records console
 * errors and every request that is not file:, data: or blob:.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM_PATH);
export const inCi = process.env.CI === 'true';

export async function launchChromium(): Promise<Browser> {
  if (!haveChromium) throw new Error(`${CHROMIUM_PATH} is missing, and CI=true requires the browser tests: install Debian's chromium package`);
  // playwright gives every launch a fresh temporary --user-data-dir
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync', '--headless=new'],
  });
}

export interface OpenedReport {
  page: Page;
  consoleErrors: string[];
  /** Requests to anything but file:, data: and blob: URLs. */
  networkRequests: string[];
}

export async function openReport(browser: Browser, reportPath: string): Promise<OpenedReport> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const consoleErrors: string[] = [];
  const networkRequests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (!/^(file|data|blob):/.test(r.url())) networkRequests.push(r.url());
  });
  await page.goto(pathToFileURL(reportPath).href);
  await page.waitForFunction(() => ['ready', 'error'].includes(document.documentElement.dataset.viewer ?? ''), null, { timeout: 90_000 });
  return { page, consoleErrors, networkRequests };
}

/** Run `change` and wait until the viewer finished the redraw it caused. */
export async function afterRedraw(page: Page, change: () => Promise<unknown>): Promise<void> {
  const before = await page.evaluate(() => Number(document.documentElement.dataset.redraws ?? '0'));
  await change();
  await page.waitForFunction((n) => Number(document.documentElement.dataset.redraws ?? '0') > n, before, { timeout: 30_000 });
}

export function figureBody(page: Page, id: string): Promise<string> {
  return page.locator(`[data-figure="${id}"] .figure-body`).innerHTML();
}
