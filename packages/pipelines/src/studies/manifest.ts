/**
 * manifest.json: what a run used and produced, so it can be reproduced and
 * checked: input hashes, seed, versions, backend, timings, and the SHA-256 of
 * every output file. Timings live here (not in the tables), which is why the
 * tables are byte-identical across reruns and the manifest is not.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256File } from '../io/atomic-write.js';
import { DataError } from '../io/data-error.js';

export interface ManifestInput {
  path: string;
  sha256?: string;
  query?: string;
  rows?: number;
  columns?: number;
}

export interface ManifestOptions {
  study: string;
  outDir: string;
  inputs: ManifestInput[];
  seed: number;
  backend: string;
  /** The kernels' build (Backend.build: 'wasm-relaxed', 'wasm-simd128', 'webgpu', ...): results differ in the last bits between builds. */
  backendBuild?: string;
  threads: number;
  timings: Record<string, unknown>;
  used: Record<string, unknown>;
  /** Output files (relative to outDir) to hash. */
  files: string[];
}

const require = createRequire(import.meta.url);

async function packageVersion(name: string): Promise<string | null> {
  try {
    const main = require.resolve(name);
    let dir = dirname(main);
    for (let i = 0; i < 6; i++) {
      try {
        const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
        if (pkg.name === name) return pkg.version ?? null;
      } catch {
        // keep walking up
      }
      dir = dirname(dir);
    }
  } catch {
    // not installed
  }
  return null;
}

/** This package's own version (walk up from this file to @relevance/pipelines' package.json). */
async function relevanceVersion(): Promise<string | null> {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@relevance/pipelines') return pkg.version ?? null;
    } catch {
      // keep walking up
    }
    dir = dirname(dir);
  }
  return null;
}

export async function runManifest(o: ManifestOptions): Promise<Record<string, unknown>> {
  const outputs = [];
  for (const f of o.files) outputs.push({ file: f, sha256: await sha256File(join(o.outDir, f)) });
  const versions = {
    node: process.version,
    duckdb_node_api: await packageVersion('@duckdb/node-api'),
    apache_arrow: await packageVersion('apache-arrow'),
    protobufjs: await packageVersion('protobufjs'),
  };
  return manifestRecord(o, { relevance_version: await relevanceVersion(), versions, platform: `${process.platform}-${process.arch}` }, outputs);
}

/** What manifest.json holds besides the environment fields (the browser app names its environment itself). */
export function manifestRecord(o: Omit<ManifestOptions, 'outDir' | 'files'>, environment: { relevance_version: string | null; versions: Record<string, unknown>; platform: string }, outputs: { file: string; sha256: string }[]): Record<string, unknown> {
  return { study: o.study, ...environment, inputs: o.inputs, seed: o.seed, backend: o.backend, ...(o.backendBuild ? { backend_build: o.backendBuild } : {}), threads: o.threads, used: o.used, timings_s: o.timings, outputs };
}

/**
 * Check a run folder against its manifest.json: every output it lists must be
 * there with the recorded SHA-256. Refuses (naming the file) a folder that is
 * incomplete, mixes files of two runs, or was edited after the run.
 */
export async function verifyRunOutputs(dir: string): Promise<void> {
  const manifestPath = join(dir, 'manifest.json');
  let outputs: unknown;
  try {
    outputs = (JSON.parse(await readFile(manifestPath, 'utf8')) as { outputs?: unknown }).outputs;
  } catch {
    throw new DataError(`${manifestPath}: missing or unreadable, so ${dir} is not a complete run; rerun the study into it with --force`);
  }
  const valid = (o: unknown): o is { file: string; sha256: string } =>
    typeof (o as { file?: unknown })?.file === 'string' && typeof (o as { sha256?: unknown })?.sha256 === 'string';
  if (!Array.isArray(outputs) || !outputs.every(valid)) throw new DataError(`${manifestPath}: has no valid 'outputs' list of {file, sha256}; rerun the study into ${dir} with --force`);
  for (const o of outputs) {
    const path = join(dir, o.file);
    let hash: string;
    try {
      hash = await sha256File(path);
    } catch {
      throw new DataError(`${path}: listed in manifest.json but missing, so the run is incomplete; rerun the study into ${dir} with --force`);
    }
    if (hash !== o.sha256) {
      throw new DataError(`${path}: its SHA-256 differs from the one manifest.json records: the folder mixes files of different runs or was edited; rerun the study into ${dir} with --force`);
    }
  }
}
