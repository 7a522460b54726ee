/**
 * The one place every package's tests locate the shared data folder (`../shared` next to the repository, or
 * RELEVANCE_SHARED_DIR when set: scripts/check-without-shared.mjs points it
 * at a folder that does not exist). Tests that need it skip with a one-line
 * reason when it is absent (a skipped test named after what is missing, so
 * no file is left without a test), except under CI=true, where a missing
 * folder is a failure (a silent skip would hide a broken setup).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { it } from 'vitest';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

const candidates = process.env.RELEVANCE_SHARED_DIR ? [resolve(process.env.RELEVANCE_SHARED_DIR)] : [join(repoRoot, '..', 'shared'), join(repoRoot, 'shared')];

export const SHARED_DIR: string | undefined = candidates.find((d) => existsSync(join(d, 'fixtures')) || existsSync(join(d, 'data')));

/** Path inside the shared folder, or undefined when the folder (or that file) is missing. */
export function sharedPath(...parts: string[]): string | undefined {
  if (!SHARED_DIR) return undefined;
  const p = join(SHARED_DIR, ...parts);
  return existsSync(p) ? p : undefined;
}

/** Registers a test that fails under CI=true and otherwise explains the skip. */
export function requireShared(what: string, path: string | undefined): boolean {
  if (path) return true;
  const message = `shared data missing: ${what} (expected under ${candidates[0]}); tests that need it are skipped`;
  if (process.env.CI === 'true') {
    it(`has ${what}`, () => {
      throw new Error(`${message}, which is not allowed under CI=true`);
    });
  } else {
    console.warn(message);
    it.skip(`needs ${what} from the shared data folder (${candidates[0]}), which is missing`, () => {});
  }
  return false;
}
