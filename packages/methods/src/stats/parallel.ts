/**
 * Threads for the network baselines (GENIE3, GRNBoost2, the discretisation
 * under PIDC and CLR), Barnes-Hut t-SNE's repulsions and KernelSHAP's regressions: work that splits
 * into independent rows (a target gene, a column, a chunk of points), each a
 * pure function of (data, options, index).
 *
 * `parallelRows` hands the row indices out from an atomic counter to the
 * calling thread and `threads - 1` Node worker_threads; each row is written
 * to its own slot of a shared result, so the bytes do not depend on the
 * thread count or on which thread computed a row. The call is synchronous:
 * the caller computes rows too, then sleeps in Atomics.wait until every
 * worker has reported the job done.
 *
 * Workers are started once per process (inline source, `eval: true`, unref'd
 * so they never keep the process alive) and load the built module
 * `dist/src/stats/row-jobs.js` of @relevance/methods, which holds the same
 * row functions as the caller (from the sources under vitest: keep dist
 * built, `npm run build`). In a browser, or with threads = 1, everything runs
 * on the calling thread.
 */
import type { DataMatrix } from './networks.js';

/** A job's row function: index -> row of `rowLength` numbers. */
export type RowFunction = (index: number) => ArrayLike<number>;

/** Names of the row jobs a worker knows (row-jobs.ts). */
export type RowJob = 'genie3' | 'grnboost2' | 'discretize' | 'tsne-repulsion' | 'kernel-shap-regression' | 'tree-shap';

/** Control words: [0] next index to claim, [1] workers done, [2] failed flag, [3] error length; error text from byte 64. */
const CLAIM = 0, DONE = 1, FAILED = 2, ERROR_LENGTH = 3;
const ERROR_OFFSET = 64, ERROR_CHARS = 1024;
const CONTROL_BYTES = ERROR_OFFSET + ERROR_CHARS * 2;

/** What a worker receives for one job (structured-clonable). */
export interface RowJobMessage {
  job: RowJob;
  options: Record<string, unknown>;
  values: Float64Array; // over a SharedArrayBuffer
  rows: number;
  cols: number;
  indices: Int32Array;
  rowLength: number;
  out: Float64Array; // over a SharedArrayBuffer, indices.length x rowLength
  control: SharedArrayBuffer;
}

const isNode = typeof process === 'object' && typeof process.versions === 'object' && typeof process.versions.node === 'string';

interface NodeWorker {
  postMessage(message: unknown): void;
  unref(): void;
}

const workers: NodeWorker[] = [];
let workerModule: string | undefined;

/** URL of the built worker module: dist/src/stats/row-jobs.js, from either the sources or dist. */
function rowJobsUrl(): string {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('../../dist/src/stats/row-jobs.js', here).href : new URL('./row-jobs.js', here).href;
}

const WORKER_SOURCE = `'use strict';
const { workerData, parentPort } = require('node:worker_threads');
const pending = [];
let run = null, loadError = null;
const fail = (msg, message) => {
  const ctl = new Int32Array(msg.control, 0, 4);
  if (Atomics.compareExchange(ctl, ${FAILED}, 0, 1) === 0) {
    const text = String(message).slice(0, ${ERROR_CHARS});
    const chars = new Uint16Array(msg.control, ${ERROR_OFFSET}, ${ERROR_CHARS});
    for (let i = 0; i < text.length; i++) chars[i] = text.charCodeAt(i);
    Atomics.store(ctl, ${ERROR_LENGTH}, text.length);
  }
  Atomics.add(ctl, ${DONE}, 1);
  Atomics.notify(ctl, ${DONE});
};
const handle = (msg) => {
  if (loadError) return fail(msg, 'stats worker could not load ' + workerData.url + ': ' + loadError + ' (build @relevance/methods: npm run build, or pass threads: 1)');
  try { run(msg); } catch (e) { return fail(msg, e && e.stack ? e.stack : e); }
};
parentPort.on('message', (msg) => (run || loadError ? handle(msg) : pending.push(msg)));
import(workerData.url).then((m) => { run = m.runRowJob; }, (e) => { loadError = e && e.message ? e.message : String(e); })
  .then(() => { for (const msg of pending.splice(0)) handle(msg); });
`;

/** Start workers (once per process) until `count` exist; none outside Node. */
function ensureWorkers(count: number, Worker: new (src: string, o: object) => NodeWorker): void {
  workerModule ??= rowJobsUrl();
  while (workers.length < count) {
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { url: workerModule } });
    w.unref();
    workers.push(w);
  }
}

let nodeWorkerClass: (new (src: string, o: object) => NodeWorker) | null | undefined;

/** worker_threads' Worker in Node (process.getBuiltinModule: Node 20.16+), null elsewhere. */
function workerClass(): (new (src: string, o: object) => NodeWorker) | null {
  if (nodeWorkerClass !== undefined) return nodeWorkerClass;
  nodeWorkerClass = null;
  const p = isNode ? (process as unknown as { getBuiltinModule?: (id: string) => { Worker: new (src: string, o: object) => NodeWorker } }) : undefined;
  if (p?.getBuiltinModule) nodeWorkerClass = p.getBuiltinModule('node:worker_threads').Worker;
  return nodeWorkerClass;
}

/** Claim and compute rows until none are left (caller and workers alike). */
export function claimRows(m: RowJobMessage, row: RowFunction): void {
  const ctl = new Int32Array(m.control, 0, 4);
  for (;;) {
    const k = Atomics.add(ctl, CLAIM, 1);
    if (k >= m.indices.length || Atomics.load(ctl, FAILED) !== 0) return;
    const r = row(m.indices[k]!);
    if (r.length !== m.rowLength) throw new Error(`stats row job ${m.job}: row ${m.indices[k]} has ${r.length} values, expected ${m.rowLength}`);
    m.out.set(r, k * m.rowLength);
  }
}

/** Report a worker's part of a job as done (worker side). */
export function finishRows(m: RowJobMessage): void {
  const ctl = new Int32Array(m.control, 0, 4);
  Atomics.add(ctl, DONE, 1);
  Atomics.notify(ctl, DONE);
}

function errorText(control: SharedArrayBuffer): string {
  const ctl = new Int32Array(control, 0, 4);
  const chars = new Uint16Array(control, ERROR_OFFSET, Atomics.load(ctl, ERROR_LENGTH));
  return String.fromCharCode(...chars);
}

function shared(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(Math.max(8, n * 8)));
}

/**
 * Rows `indices[k]` of a job, row k at out[k * rowLength ...], on `threads`
 * threads (the caller and threads - 1 workers). `makeRow` builds the
 * caller's row function (the workers build theirs from `job` and
 * `options`). Same bytes for any thread count.
 */
export function parallelRows(job: RowJob, d: DataMatrix, options: Record<string, unknown>, indices: readonly number[], rowLength: number, threads: number, makeRow: () => RowFunction): Float64Array {
  const Worker = threads > 1 && indices.length > 1 ? workerClass() : null;
  if (!Worker) {
    const row = makeRow();
    const out = new Float64Array(indices.length * rowLength);
    indices.forEach((t, k) => out.set(row(t), k * rowLength));
    return out;
  }
  const helpers = Math.min(threads, indices.length) - 1;
  ensureWorkers(helpers, Worker);
  const values = shared(d.values.length);
  values.set(d.values);
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const m: RowJobMessage = { job, options: { ...options, threads: 1 }, values, rows: d.rows, cols: d.cols, indices: Int32Array.from(indices), rowLength, out: shared(indices.length * rowLength), control };
  for (let w = 0; w < helpers; w++) workers[w]!.postMessage(m);
  const ctl = new Int32Array(control, 0, 4);
  try {
    claimRows(m, makeRow());
  } catch (e) {
    Atomics.store(ctl, FAILED, 2); // stop the workers claiming; they finish their current row
    waitDone(ctl, helpers);
    throw e;
  }
  waitDone(ctl, helpers);
  if (Atomics.load(ctl, FAILED) === 1) throw new Error(`stats ${job}: a worker failed: ${errorText(control)}`);
  return Float64Array.from(m.out);
}

function waitDone(ctl: Int32Array, helpers: number): void {
  for (let done = Atomics.load(ctl, DONE); done < helpers; done = Atomics.load(ctl, DONE)) Atomics.wait(ctl, DONE, done, 1000);
}

/** The threads option of a baseline: a positive integer (default 1). */
export function resolveThreads(threads: number | undefined, who: string): number {
  const t = threads ?? 1;
  if (!Number.isInteger(t) || t < 1) throw new Error(`${who}: option threads must be a positive integer, got ${t}`);
  return t;
}
