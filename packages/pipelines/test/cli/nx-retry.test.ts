/**
 * scripts/nx.mjs, through which `npm run build`, `npm test` and `npm start`
 * call nx: it reruns nx when nx's own process dies of a crash signal (an
 * intermittent native crash, nrwl/nx#36791) and passes anything else on.
 * The command here is a small node program standing in for nx.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

type Run = (command: string, args: string[], options?: { attempts?: number; log?: (line: string) => void }) => number;
const script = new URL('../../../../scripts/nx.mjs', import.meta.url).href;

/** A program that appends a line to `calls` per run and then does `plan[run]`: 'segv', 'term', or an exit status. */
function fakeNx(plan: (string | number)[]): { args: string[]; calls: () => number } {
  const dir = mkdtempSync(join(tmpdir(), 'relevance-nx-retry-'));
  const calls = join(dir, 'calls');
  const program = join(dir, 'fake-nx.mjs');
  writeFileSync(
    program,
    `import { appendFileSync, existsSync, readFileSync } from 'node:fs';
const calls = ${JSON.stringify(calls)};
const n = existsSync(calls) ? readFileSync(calls, 'utf8').length : 0;
appendFileSync(calls, 'x');
const step = ${JSON.stringify(plan)}[n];
if (step === 'segv') process.kill(process.pid, 'SIGSEGV');
else if (step === 'term') process.kill(process.pid, 'SIGTERM');
else process.exit(step);
`,
  );
  return { args: [program], calls: () => (existsSync(calls) ? readFileSync(calls, 'utf8').length : 0) };
}

async function runner(): Promise<Run> {
  const mod = await import(script);
  return mod.runRetryingCrashes as Run;
}

describe('scripts/nx.mjs reruns nx after a crash signal, and only then', () => {
  it('a SIGSEGV before success: runs again, says why, and passes the success on', async () => {
    const run = await runner();
    const nx = fakeNx(['segv', 0]);
    const lines: string[] = [];
    expect(run(process.execPath, nx.args, { log: (l) => lines.push(l) })).toBe(0);
    expect(nx.calls()).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/died of SIGSEGV.*nrwl\/nx#36791.*attempt 2 of 3/);
  });

  it('a failed build (an exit status) passes through at once, unretried', async () => {
    const run = await runner();
    const nx = fakeNx([1, 0]);
    const lines: string[] = [];
    expect(run(process.execPath, nx.args, { log: (l) => lines.push(l) })).toBe(1);
    expect(nx.calls()).toBe(1);
    expect(lines).toEqual([]);
  });

  it('an interrupt (SIGTERM) is not retried and exits as a shell reports it (128 + 15)', async () => {
    const run = await runner();
    const nx = fakeNx(['term', 0]);
    expect(run(process.execPath, nx.args, { log: () => {} })).toBe(143);
    expect(nx.calls()).toBe(1);
  });

  it('crashing every time: gives up after the attempts with 139 and a line that says it is a crash, not a build failure', async () => {
    const run = await runner();
    const nx = fakeNx(['segv', 'segv', 'segv', 0]);
    const lines: string[] = [];
    expect(run(process.execPath, nx.args, { attempts: 3, log: (l) => lines.push(l) })).toBe(139);
    expect(nx.calls()).toBe(3);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(/SIGSEGV 3 times in a row; giving up \(exit 139\).*not a build failure/);
  });

  it('the package scripts that build go through it, so npm test and npm start get the rerun', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8'));
    for (const name of ['build', 'test', 'start']) expect(pkg.scripts[name]).toMatch(/^node scripts\/nx\.mjs run-many -t build /);
    expect(Object.values(pkg.scripts as Record<string, string>).filter((s) => /(^|&& )nx /.test(s))).toEqual([]);
  });
});
