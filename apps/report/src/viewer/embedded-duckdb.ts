/**
 * Start duckdb-wasm from files a file:// page may use. The worker is a Blob
 * URL made from the worker's source text. The worker cannot fetch a Blob URL
 * of the page's (file:// pages have an opaque origin), so a small shim put
 * in front of the worker source answers duckdb's fetch of the wasm module
 * with bytes the page posts to the worker first. Nothing touches the network.
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import { base64Bytes } from './base64.js';
import { duckdbAssets } from './duckdb-globals.js';
import { gunzip } from './gunzip.js';

/** A URL that is never fetched: the shim answers it. */
const WASM_URL = 'relevance-embedded:duckdb-eh.wasm';

const WORKER_SHIM = `(() => {
  let deliver;
  const wasm = new Promise((resolve) => { deliver = resolve; });
  // registered before duckdb's own handler, so the bytes never reach it
  self.addEventListener('message', function takeWasm(event) {
    if (event.data && event.data.relevanceWasm) {
      self.removeEventListener('message', takeWasm);
      event.stopImmediatePropagation();
      deliver(event.data.relevanceWasm);
    }
  });
  const realFetch = self.fetch.bind(self);
  self.fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url !== ${JSON.stringify(WASM_URL)}) return realFetch(input, init);
    const bytes = await wasm;
    return new Response(bytes, { headers: { 'content-type': 'application/wasm', 'content-length': String(bytes.byteLength) } });
  };
})();
`;

export interface EmbeddedDuckdb {
  db: duckdb.AsyncDuckDB;
  connection: duckdb.AsyncDuckDBConnection;
}

export async function openEmbeddedDuckdb(): Promise<EmbeddedDuckdb> {
  const assets = duckdbAssets();
  const wasm = (await gunzip(base64Bytes(assets.wasmGzipBase64))).buffer as ArrayBuffer;
  const workerUrl = URL.createObjectURL(new Blob([WORKER_SHIM, assets.workerSource], { type: 'text/javascript' }));
  const worker = new Worker(workerUrl);
  worker.postMessage({ relevanceWasm: wasm }, [wasm]);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(WASM_URL, null);
  URL.revokeObjectURL(workerUrl);
  const connection = await db.connect();
  return { db, connection };
}
