/** A fresh temporary folder per test file, removed afterwards. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export function useTempDir(prefix = 'relevance-io-'): { path(name: string): string; write(name: string, text: string): string; root: string } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  return {
    root,
    path: (name) => join(root, name),
    write: (name, text) => {
      const p = join(root, name);
      writeFileSync(p, text);
      return p;
    },
  };
}
