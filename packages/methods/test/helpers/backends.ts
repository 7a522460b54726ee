import { afterAll } from 'vitest';
import { createBackend, type Backend } from '@relevance/core-wasm';

/** The wasm backend, or null where it cannot be created here (the tests that need it then skip). */
export async function wasmBackendOrNull(): Promise<Backend | null> {
  try {
    return await createBackend('wasm');
  } catch {
    return null;
  }
}

/** The reference backend for one test file, destroyed after the file's tests (call at the top level of the file). */
export async function referenceBackendForFile(): Promise<Backend> {
  const be = await createBackend('reference');
  afterAll(() => be.destroy());
  return be;
}
