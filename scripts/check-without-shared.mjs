#!/usr/bin/env node
/**
 * The README's promise: `npm test` passes in a fresh clone with nothing
 * beside it. Every test file that reads the shared data folder (../shared)
 * is run here with RELEVANCE_SHARED_DIR pointing at a folder that does not
 * exist and CI unset (under CI=true a missing folder is a failure by design),
 * and each file must pass and run or skip at least one test: vitest fails a
 * file that registers none ("No test suite found").
 *
 * Prints one line per file and a closing "shared-data check: ..." line; exits
 * 1 when a file fails or has no test. CI runs it before `npm test`, so the
 * suite's "N passed, N failed, N skipped" stays the last summary.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const workspaces = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces;
/** How a test file reaches the shared folder: the two locators, or the folder named directly. */
const USES_SHARED = /shared-data\.js|helpers\/fixtures\.js|\.\.\/shared\b|RELEVANCE_SHARED_DIR/;

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.test.ts'))
    .map((e) => join(e.parentPath ?? e.path, e.name));
}

const reports = mkdtempSync(join(tmpdir(), 'relevance-no-shared-'));
const env = { ...process.env, RELEVANCE_SHARED_DIR: join(reports, 'no-shared-folder-here') };
delete env.CI;
const problems = [];
let files = 0;

for (const ws of workspaces) {
  const dir = join(root, ws);
  const selected = testFiles(join(dir, 'test')).filter((f) => USES_SHARED.test(readFileSync(f, 'utf8'))).map((f) => relative(dir, f));
  if (selected.length === 0) continue;
  console.log(`\n== ${ws}: ${selected.length} files that use the shared folder, run without it`);
  const out = join(reports, `${ws.replace(/\//g, '_')}.json`);
  spawnSync('npx', ['vitest', 'run', '--reporter=dot', '--reporter=json', `--outputFile=${out}`, ...selected], { cwd: dir, stdio: 'inherit', env });
  if (!existsSync(out)) {
    problems.push(`${ws}: vitest wrote no report (it crashed before running the files)`);
    continue;
  }
  const report = JSON.parse(readFileSync(out, 'utf8'));
  for (const file of selected) {
    files += 1;
    const result = report.testResults.find((r) => relative(dir, r.name) === file);
    const tests = result?.assertionResults ?? [];
    const count = (s) => tests.filter((t) => t.status === s).length;
    const line = `${ws}/${file}: ${count('passed')} passed, ${count('skipped') + count('pending') + count('todo')} skipped, ${count('failed')} failed`;
    console.log(`  ${line}`);
    if (!result) problems.push(`${ws}/${file}: not in vitest's report`);
    else if (tests.length === 0) problems.push(`${ws}/${file}: runs or skips no test without the shared folder (${(result.message ?? '').split('\n')[0] || 'no test registered'}); gate tests with describe.runIf(requireShared(...)), not with an if`);
    else if (result.status === 'failed') problems.push(`${line} (${(result.message ?? '').split('\n')[0]})`);
  }
}

console.log('');
for (const p of problems) console.log(`shared-data check: ${p}`);
console.log(`shared-data check: ${files} files run without ../shared, ${problems.length} problems`);
process.exit(problems.length ? 1 : 0);
