/**
 * core-wasm's parity cases in a page (bundled by parity.test.ts): runs the
 * suite (or the first cases of every kernel, as the test asks) on the
 * backend the page asks for and checks each output against the reference
 * backend with the suite's own tolerances (test/parity/compare.ts).
 */
import { createBackend, type Backend, type BackendName } from '@relevance/core-wasm';
import { parityCases, type ParityCase } from '../../../../packages/core-wasm/test/parity/cases.js';
import { firstMismatch, runCase } from '../../../../packages/core-wasm/test/parity/compare.js';

export interface ParityReport {
  backend: string;
  threads: number;
  sharedMemory: boolean;
  kernels: number;
  cases: number;
  failures: string[];
}

/** At most `perKernel` cases of every kernel, in the suite's order. */
function representative(perKernel: number): ParityCase[] {
  const seen = new Map<string, number>();
  return parityCases.filter((c) => {
    const n = seen.get(c.kernel) ?? 0;
    seen.set(c.kernel, n + 1);
    return n < perKernel;
  });
}

async function checkCase(reference: Backend, be: Backend, c: ParityCase): Promise<string | null> {
  const ref = await runCase(reference, c, false);
  const mag = c.tolerance.kind === 'reduction' ? await runCase(reference, c, true) : null;
  const got = await runCase(be, c, false);
  if (got.length !== ref.length) return `${c.kernel} ${c.label}: ${got.length} outputs, expected ${ref.length}`;
  for (let o = 0; o < ref.length; o++) {
    if (got[o]!.shape.join('x') !== ref[o]!.shape.join('x') || got[o]!.dtype !== ref[o]!.dtype) return `${c.kernel} ${c.label} output ${o}: shape or dtype differs`;
    const bad = firstMismatch(c, ref[o]!.values, got[o]!.values, mag ? mag[o]!.values : null);
    if (bad) return `${c.kernel} ${c.label} output ${o}: ${bad}`;
  }
  return null;
}

async function runParity(name: BackendName, threads: number, perKernel: number): Promise<ParityReport> {
  const reference = await createBackend('reference');
  const be = await createBackend(name, name === 'wasm' ? { threads } : {});
  const cases = representative(perKernel);
  const failures: string[] = [];
  try {
    for (const c of cases) {
      const bad = await checkCase(reference, be, c).catch((e: Error) => `${c.kernel} ${c.label}: ${e.message}`);
      if (bad) failures.push(bad);
    }
    return { backend: be.name, threads: be.threads, sharedMemory: typeof SharedArrayBuffer !== 'undefined', kernels: new Set(cases.map((c) => c.kernel)).size, cases: cases.length, failures };
  } finally {
    be.destroy();
    reference.destroy();
  }
}

(globalThis as unknown as { runParity: typeof runParity }).runParity = runParity;
document.documentElement.dataset.ready = 'true';
