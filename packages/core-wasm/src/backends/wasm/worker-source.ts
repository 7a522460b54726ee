/**
 * Source of the kernel worker, evaluated inline (Node: `new Worker(code,
 * { eval: true })`; browser: a Blob URL), so no built file path is needed.
 *
 * A worker instantiates the core module over the shared memory, reports
 * 'ready', then loops: wait for its slot's sequence number to change
 * (spin briefly, then Atomics.wait), run the requested export with the
 * arguments in the slot, publish the sequence number as done and notify.
 * Function index -1 asks it to exit.
 *
 * Slot layout (one per worker, SLOT_BYTES apart in the control buffer):
 * Int32 words [sequence, done, function index, argument count, failed],
 * Float64 arguments from byte ARGS_OFFSET, and from ERROR_OFFSET the message
 * of a failed task as UTF-16 code units (length in word SLOT_ERROR_LENGTH).
 * Errors travel through shared memory, not postMessage: a 'message' listener
 * would keep the Node process alive.
 */

export const SLOT_BYTES = 512;
export const SLOT_SEQUENCE = 0;
export const SLOT_DONE = 1;
export const SLOT_FUNCTION = 2;
export const SLOT_ARGC = 3;
export const SLOT_FAILED = 4;
export const SLOT_ERROR_LENGTH = 5;
export const ARGS_OFFSET = 64;
export const MAX_ARGS = 24;
export const ERROR_OFFSET = ARGS_OFFSET + MAX_ARGS * 8;
export const MAX_ERROR_CHARS = (SLOT_BYTES - ERROR_OFFSET) / 2;
/**
 * How long a worker keeps polling for its next task before it sleeps in
 * Atomics.wait (microseconds). Waking a sleeping thread costs tens of
 * microseconds (more on a busy machine), so the next kernel of a tight loop
 * should find the worker still polling; an idle pool sleeps soon after.
 */
export const WORKER_SPIN_MICROSECONDS = 300;
/** How long the calling thread polls for workers to finish before it sleeps (microseconds). */
export const CALLER_SPIN_MICROSECONDS = 2000;
/** Polls between two clock reads while spinning. */
export const POLLS_PER_CLOCK_READ = 64;

export const WORKER_SOURCE = `'use strict';
const SLOT_BYTES = ${SLOT_BYTES}, ARGS_OFFSET = ${ARGS_OFFSET}, MAX_ARGS = ${MAX_ARGS};
const SPIN_MS = ${WORKER_SPIN_MICROSECONDS / 1000}, POLLS_PER_CLOCK_READ = ${POLLS_PER_CLOCK_READ};
const ERROR_OFFSET = ${ERROR_OFFSET}, MAX_ERROR_CHARS = ${MAX_ERROR_CHARS};
function run(data, post) {
  const instance = new WebAssembly.Instance(data.module, { env: { memory: data.memory } });
  const fns = data.functionNames.map((name) => instance.exports[name]);
  const base = data.slot * SLOT_BYTES;
  const ctl = new Int32Array(data.control, base, ARGS_OFFSET / 4);
  const args = new Float64Array(data.control, base + ARGS_OFFSET, MAX_ARGS);
  const errorText = new Uint16Array(data.control, base + ERROR_OFFSET, MAX_ERROR_CHARS);
  // Read the sequence before announcing readiness: a task posted right after 'ready' must look new.
  let last = Atomics.load(ctl, ${SLOT_SEQUENCE});
  post('ready');
  for (;;) {
    let seq = Atomics.load(ctl, ${SLOT_SEQUENCE});
    let spinUntil = -1;
    for (let polls = 1; seq === last; polls++) {
      if (polls % POLLS_PER_CLOCK_READ === 0) {
        const t = performance.now();
        if (spinUntil < 0) spinUntil = t + SPIN_MS;
        else if (t > spinUntil) Atomics.wait(ctl, ${SLOT_SEQUENCE}, last);
      }
      seq = Atomics.load(ctl, ${SLOT_SEQUENCE});
    }
    last = seq;
    const fn = Atomics.load(ctl, ${SLOT_FUNCTION});
    if (fn < 0) return;
    const argc = ctl[${SLOT_ARGC}];
    try {
      fns[fn].apply(null, Array.prototype.slice.call(args, 0, argc));
    } catch (error) {
      const text = String((error && error.message) || error).slice(0, MAX_ERROR_CHARS);
      for (let i = 0; i < text.length; i++) errorText[i] = text.charCodeAt(i);
      ctl[${SLOT_ERROR_LENGTH}] = text.length;
      Atomics.store(ctl, ${SLOT_FAILED}, 1);
    }
    Atomics.store(ctl, ${SLOT_DONE}, seq);
    Atomics.notify(ctl, ${SLOT_DONE});
  }
}
if (typeof process === 'object' && process.versions && process.versions.node) {
  // import() works whether Node evaluates this as a script or as a module (require does not)
  import('node:worker_threads').then(({ parentPort, workerData }) => run(workerData, (message) => parentPort.postMessage(message)));
} else {
  self.onmessage = (event) => run(event.data, (message) => self.postMessage(message));
}
`;
