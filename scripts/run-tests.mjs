#!/usr/bin/env node
/**
 * Run every workspace's vitest suite, one after another, and close with one
 * summary line ("N passed, N failed, N skipped") that CI can read.
 * Sets VK_ICD_FILENAMES to Chromium's SwiftShader driver when it is installed
 * and nothing else was chosen, so WebGPU tests run on machines without a GPU.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const workspaces = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces;
const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
const env = { ...process.env };
if (!env.VK_ICD_FILENAMES && existsSync(swiftshader)) env.VK_ICD_FILENAMES = swiftshader;
// Dawn's Vulkan loader complains on every device when there is no runtime dir (CI, containers)
if (!env.XDG_RUNTIME_DIR) {
  env.XDG_RUNTIME_DIR = mkdtempSync(join(tmpdir(), 'relevance-xdg-'));
  chmodSync(env.XDG_RUNTIME_DIR, 0o700);
}

const only = process.argv.slice(2);
const reports = mkdtempSync(join(tmpdir(), 'relevance-tests-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
let crashed = [];

for (const ws of workspaces) {
  if (only.length && !only.some((o) => ws.includes(o))) continue;
  const dir = join(root, ws);
  const out = join(reports, `${ws.replace(/\//g, '_')}.json`);
  console.log(`\n== ${ws}`);
  const r = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${out}`], { cwd: dir, stdio: 'inherit', env });
  if (!existsSync(out)) {
    crashed.push(ws);
    continue;
  }
  const report = JSON.parse(readFileSync(out, 'utf8'));
  totals.passed += report.numPassedTests;
  totals.failed += report.numFailedTests;
  totals.skipped += report.numPendingTests + report.numTodoTests;
  if (r.status !== 0 && report.numFailedTests === 0) crashed.push(ws);
}

console.log('');
if (crashed.length) console.log(`test runs that failed outside a test (load errors, unhandled errors): ${crashed.join(', ')}`);
console.log(`${totals.passed} passed, ${totals.failed + crashed.length} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 || crashed.length > 0 ? 1 : 0);
