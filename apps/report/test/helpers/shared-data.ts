/** The shared data folder beside the repository (or RELEVANCE_SHARED_DIR), as the pipelines tests find it. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
const candidates = process.env.RELEVANCE_SHARED_DIR ? [resolve(process.env.RELEVANCE_SHARED_DIR)] : [join(repoRoot, '..', 'shared'), join(repoRoot, 'shared')];

/** A path inside the shared folder, or undefined when it (or the file) is missing. */
export function sharedDataPath(...parts: string[]): string | undefined {
  for (const dir of candidates) {
    const p = join(dir, ...parts);
    if (existsSync(p)) return p;
  }
  return undefined;
}
