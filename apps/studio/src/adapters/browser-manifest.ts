/**
 * manifest.json for a run made in the page: the CLI's fields, with the
 * environment named by the browser (user agent, cross-origin isolation)
 * instead of Node's versions. Output hashes come from crypto.subtle.
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export interface BrowserManifestInput {
  study: string;
  inputs: Record<string, unknown>[];
  seed: number;
  backend: string;
  threads: number;
  timings: Record<string, unknown>;
  used: Record<string, unknown>;
  files: Record<string, Uint8Array>;
}

export async function browserManifest(o: BrowserManifestInput): Promise<Record<string, unknown>> {
  const outputs = [];
  for (const [file, bytes] of Object.entries(o.files)) outputs.push({ file, sha256: await sha256Hex(bytes) });
  return {
    study: o.study,
    relevance_version: typeof RELEVANCE_VERSION === 'string' ? RELEVANCE_VERSION : null,
    versions: { browser: typeof navigator === 'object' ? navigator.userAgent : null, cross_origin_isolated: Boolean(globalThis.crossOriginIsolated) },
    platform: 'browser',
    inputs: o.inputs,
    seed: o.seed,
    backend: o.backend,
    threads: o.threads,
    used: o.used,
    timings_s: o.timings,
    outputs,
  };
}

declare const RELEVANCE_VERSION: string;
