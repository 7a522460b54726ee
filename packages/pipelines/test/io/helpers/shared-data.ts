/**
 * Locate the shared data folder (`../shared` next to the repository). Tests
 * that need it skip with a message when it is absent, except under CI=true,
 * where a missing folder is a failure (a silent skip would hide a broken setup).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { it } from 'vitest';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../..');

export const SHARED_DIR: string | undefined = [join(repoRoot, '..', 'shared'), join(repoRoot, 'shared')].find((d) => existsSync(join(d, 'fixtures')) || existsSync(join(d, 'data')));

/** Path inside the shared folder, or undefined when the folder (or that file) is missing. */
export function sharedPath(...parts: string[]): string | undefined {
  if (!SHARED_DIR) return undefined;
  const p = join(SHARED_DIR, ...parts);
  return existsSync(p) ? p : undefined;
}

/** Registers a test that fails under CI=true and otherwise explains the skip. */
export function requireShared(what: string, path: string | undefined): boolean {
  if (path) return true;
  const message = `shared data missing: ${what} (expected under ${join(repoRoot, '..', 'shared')}); tests that need it are skipped`;
  if (process.env.CI === 'true') {
    it(`has ${what}`, () => {
      throw new Error(`${message}, which is not allowed under CI=true`);
    });
  } else {
    console.warn(message);
  }
  return false;
}
