import { createBackend, type Backend } from '@relevance/core-wasm';

/** The wasm backend, or null where it cannot be created here (the tests that need it then skip). */
export async function wasmBackendOrNull(): Promise<Backend | null> {
  try {
    return await createBackend('wasm');
  } catch {
    return null;
  }
}
