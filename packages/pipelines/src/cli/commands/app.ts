/**
 * `relevance app`: serve the browser app (apps/studio) on this machine. The
 * page reads the table and runs the study in the browser tab; the server only
 * hands out the app's own files, with the headers for cross-origin isolation.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DataError } from '../../io/data-error.js';
import { startAppServer } from '../../serve/app-server.js';
import type { Command } from '../command.js';

/** The built app's folder: @relevance/studio's dist/ (installed beside pipelines in the workspace). */
export function studioDist(): string {
  let dir: string;
  try {
    dir = join(dirname(createRequire(import.meta.url).resolve('@relevance/studio/package.json')), 'dist');
  } catch {
    throw new DataError("the browser app (@relevance/studio) is not installed; in the repository run 'npm ci && npm run build'");
  }
  if (!existsSync(join(dir, 'index.html'))) throw new DataError(`${dir}: the browser app is not built; run 'npm run build' in the repository root`);
  return dir;
}

export const appCommand: Command = {
  name: 'app',
  summary: 'serve the browser app: load a table and run the proteomics or influence study in the browser tab, nothing uploaded',
  usage: 'app [--port N] [--no-isolate]',
  description:
    'Opens nothing by itself: visit the printed URL. The page reads the data in the browser and runs the study in a Web Worker on the backend --backend names (auto: WebGPU when the browser offers a hardware adapter, else wasm; the page shows which); the server only sends the app\'s files.\n' +
    'With cross-origin isolation (the default: COOP/COEP headers) the wasm backend uses worker threads; --no-isolate serves without those headers, and the app then runs on one thread.\n' +
    'Add ?demo=synthetic&seed=1 to the URL to run the built-in synthetic cohort; any study option can go in the URL (?epochs=50&masks=20; ?study=influence for the influence study).\n' +
    'Nothing is stored in the browser unless you click "Keep this run in the browser" (IndexedDB); kept runs are reopened or deleted from the page.',
  options: [
    { name: 'port', type: 'integer', default: 8080, help: 'TCP port on 127.0.0.1 (0: any free port)' },
    { name: 'isolate', type: 'boolean', default: true, help: 'send the cross-origin isolation headers (COOP/COEP) so the wasm backend can use threads (--no-isolate: one thread)' },
  ],
  examples: ['relevance app', 'relevance app --port 9000', 'relevance app --no-isolate'],
  async run(args, io) {
    const port = args.number('port');
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new DataError(`--port ${port}: give a port between 0 and 65535`);
    const app = await startAppServer({ dir: studioDist(), port, isolate: args.flag('isolate') });
    io.stdout.write(`relevance app: ${app.url} (${args.flag('isolate') ? 'cross-origin isolated: wasm threads' : 'not isolated: one thread'}); Ctrl-C stops it\n`);
    await new Promise<void>((resolve) => {
      const stop = (): void => void app.close().then(resolve);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
};
