/**
 * manifest.json for a run made in the page: the CLI's fields, with the
 * environment named by the browser (user agent, cross-origin isolation)
 * instead of Node's versions. Output hashes come from crypto.subtle.
 */
import { manifestRecord, type ManifestOptions } from '@relevance/pipelines/src/studies/manifest.js';

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export interface BrowserManifestInput extends Omit<ManifestOptions, 'outDir' | 'files'> {
  /** The run folder's files by name, hashed into `outputs`. */
  files: Record<string, Uint8Array>;
}

export async function browserManifest(o: BrowserManifestInput): Promise<Record<string, unknown>> {
  const outputs = [];
  for (const [file, bytes] of Object.entries(o.files)) outputs.push({ file, sha256: await sha256Hex(bytes) });
  const { files: _files, ...fields } = o;
  const versions = { browser: typeof navigator === 'object' ? navigator.userAgent : null, cross_origin_isolated: Boolean(globalThis.crossOriginIsolated) };
  return manifestRecord(fields, { relevance_version: typeof RELEVANCE_VERSION === 'string' ? RELEVANCE_VERSION : null, versions, platform: 'browser' }, outputs);
}

declare const RELEVANCE_VERSION: string;
