/**
 * A static file server for the browser app (apps/studio's dist/): GET and
 * HEAD only, files under the folder only, and the headers that make the page
 * cross-origin isolated (COOP/COEP, so SharedArrayBuffer and the wasm threads
 * work). Without isolation the app runs on one thread.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml' };

export interface AppServerOptions {
  dir: string;
  port: number;
  host?: string;
  /** Send COOP/COEP (default true). */
  isolate?: boolean;
}

export interface AppServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

function isolationHeaders(isolate: boolean): Record<string, string> {
  return isolate ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin' } : {};
}

export async function startAppServer(o: AppServerOptions): Promise<AppServer> {
  const root = resolve(o.dir);
  const headers = { ...isolationHeaders(o.isolate !== false), 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' };
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !(file === root || file.startsWith(root + sep))) {
      res.writeHead(req.method === 'GET' || req.method === 'HEAD' ? 403 : 405, headers).end();
      return;
    }
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end(`not found: ${path}\n`);
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': info.size });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  return { server, url: `http://${o.host ?? '127.0.0.1'}:${port}/`, close: () => new Promise((done) => server.close(() => done())) };
}
