/**
 * A run killed mid-way leaves no half-written --out: the compiled CLI
 * (bin/relevance.js) runs a small synthetic proteomics study and is killed
 * once the model is saved and the instance networks are being computed
 * (before: the folder held the model only). SIGINT and SIGTERM remove the
 * temporary folder and exit 130 / 143; SIGKILL leaves only the hidden
 * temporary, which the next run into the same --out removes. Needs the
 * compiled package (npm run build); skipped with a message otherwise (a
 * failure under CI=true).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../io/helpers/temp-dir.js';

const pkg = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const bin = join(pkg, 'bin', 'relevance.js');
const built = existsSync(join(pkg, 'dist', 'src', 'io', 'run-folder.js'));
const tmp = useTempDir('relevance-interrupt-');

const STUDY = ['study', 'proteomics', '--synthetic-proteins', '20', '--synthetic-instances-per-class', '100', '--epochs', '3', '--hidden', '16,16', '--no-tsne', '--backend', 'wasm', '--threads', '1'];

/** Masks enough that the instance networks take seconds: time to be killed in. */
const LONG = ['--masks', '400'];

/** Run the study into `out`; send `signal` when stderr shows the instance-network phase. */
function runAndKill(out: string, signal: NodeJS.Signals | null, extra: string[] = []): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; killed: boolean }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [bin, ...STUDY, ...extra, '--out', out], { cwd: pkg, env: { ...process.env, RELEVANCE_DEBUG: '' } });
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (signal && !killed && /instance networks[^\n]*: started/.test(stderr)) {
        killed = true;
        child.kill(signal);
      }
    });
    child.on('error', fail);
    child.on('close', (code, sig) => done({ code, signal: sig, stderr, killed }));
  });
}

if (!built) {
  const message = 'packages/pipelines is not compiled (run npm run build at the root); the interrupted-run tests are skipped';
  if (process.env.CI === 'true') it('has the compiled package', () => expect.fail(message));
  else console.warn(message);
}

describe.runIf(built)('an interrupted run', () => {
  it('SIGINT: exit 130, no --out, no temporary folder', async () => {
    const out = tmp.path('sigint');
    const r = await runAndKill(out, 'SIGINT', LONG);
    expect(r.killed, r.stderr).toBe(true);
    expect(r.code).toBe(130);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp.root).filter((f) => f.startsWith('.sigint'))).toEqual([]);
  });

  it('SIGTERM: exit 143, and an old run given with --force stays whole', async () => {
    const out = tmp.path('sigterm');
    const first = await runAndKill(out, null, ['--masks', '2']);
    expect(first.code, first.stderr).toBe(0);
    const manifest = readFileSync(join(out, 'manifest.json'), 'utf8');
    const files = readdirSync(out).sort();
    const r = await runAndKill(out, 'SIGTERM', [...LONG, '--force']);
    expect(r.killed, r.stderr).toBe(true);
    expect(r.code).toBe(143);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe(manifest);
    expect(readdirSync(out).sort()).toEqual(files);
    expect(readdirSync(tmp.root).filter((f) => f.startsWith('.sigterm'))).toEqual([]);
  });

  it('SIGKILL: no --out (only a hidden temporary), and the next run removes the temporary and completes', async () => {
    const out = tmp.path('sigkill');
    const r = await runAndKill(out, 'SIGKILL', LONG);
    expect(r.killed, r.stderr).toBe(true);
    expect(r.signal).toBe('SIGKILL');
    expect(existsSync(out)).toBe(false);
    const left = readdirSync(tmp.root).filter((f) => f.startsWith('.sigkill.relevance-tmp-'));
    expect(left.length).toBe(1);
    expect(readdirSync(join(tmp.root, left[0]!))).toContain('model.relevance');
    const again = await runAndKill(out, null, ['--masks', '2']);
    expect(again.code, again.stderr).toBe(0);
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
    expect(readdirSync(tmp.root).filter((f) => f.startsWith('.sigkill'))).toEqual([]);
  });
});
