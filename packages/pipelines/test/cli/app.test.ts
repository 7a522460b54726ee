/**
 * `relevance app`'s server: the app's files with the cross-origin isolation
 * headers (or without, with --no-isolate), nothing outside the folder, GET
 * and HEAD only; the command's help names the port and the isolation switch.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../../src/serve/app-server.js';
import { runCaptured } from './helpers/run-cli.js';

describe('the app server', () => {
  let dir: string;
  let isolated: AppServer;
  let plain: AppServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relevance-app-'));
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(dir, 'dist', 'app.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.txt'), 'not served');
    isolated = await startAppServer({ dir: join(dir, 'dist'), port: 0 });
    plain = await startAppServer({ dir: join(dir, 'dist'), port: 0, isolate: false });
  });
  afterAll(async () => {
    await isolated?.close();
    await plain?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html for / with COOP/COEP, and scripts as JavaScript', async () => {
    const r = await fetch(isolated.url);
    expect(r.status).toBe(200);
    expect(r.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(r.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(await r.text()).toContain('<title>app</title>');
    const js = await fetch(new URL('app.js', isolated.url));
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it('leaves the isolation headers out with isolate: false', async () => {
    const r = await fetch(plain.url);
    expect(r.status).toBe(200);
    expect(r.headers.get('cross-origin-opener-policy')).toBeNull();
    expect(r.headers.get('cross-origin-embedder-policy')).toBeNull();
  });

  it('serves nothing outside its folder, 404 for missing files, 405 for other methods', async () => {
    // a raw request line, so no client normalises the '..' away
    const [status, body] = await new Promise<[number, string]>((resolve, reject) => {
      const req = request(isolated.url, { path: '/../secret.txt' }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve([res.statusCode ?? 0, text]));
      });
      req.on('error', reject);
      req.end();
    });
    expect(body).not.toContain('not served');
    expect([403, 404]).toContain(status);
    expect((await fetch(new URL('/missing.js', isolated.url))).status).toBe(404);
    expect((await fetch(isolated.url, { method: 'POST', body: 'x' })).status).toBe(405);
  });
});

describe('relevance app --help', () => {
  it('documents --port and --no-isolate', async () => {
    const r = await runCaptured(['app', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--port');
    expect(r.stdout).toContain('isolate');
    expect(r.stdout).toContain('?demo=synthetic');
  });
});
