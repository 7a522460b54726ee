/**
 * Locate the shared data folder (`../shared` next to the repository root, or
 * `shared/` inside it), as packages/pipelines/test/io/helpers/shared-data.ts
 * does. Tests that need it skip with a one-line reason when it is absent,
 * except under CI=true, where a missing folder is a failure.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { it } from 'vitest';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');

export const SHARED_DIR: string | undefined = [join(repoRoot, '..', 'shared'), join(repoRoot, 'shared')].find((d) => existsSync(join(d, 'data')));

/** Path inside the shared folder, or undefined when the folder (or that file) is missing. */
export function sharedPath(...parts: string[]): string | undefined {
  if (!SHARED_DIR) return undefined;
  const p = join(SHARED_DIR, ...parts);
  return existsSync(p) ? p : undefined;
}

/** True when `path` exists; otherwise registers a failing test under CI=true, or warns and returns false. */
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
