/// <reference types="@webgpu/types" />
/**
 * Finding a WebGPU adapter in a browser (`navigator.gpu`) or in Node (the
 * `webgpu` package, Dawn). "No GPU" is an ordinary answer (null), never an
 * exception, so `createBackend('auto')` can fall back to wasm.
 *
 * Node without a GPU (CI, servers): Dawn needs a Vulkan driver. Google's
 * SwiftShader (a CPU Vulkan implementation shipped with Chromium) works; enable
 * it for a process with
 *
 *     VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json node ...
 *
 * (Debian: `apt-get install chromium libvulkan1`). We never set that variable
 * ourselves: whether to run WebGPU on a software rasteriser is the user's call.
 */
import type { BackendOptions } from '../../create-backend.js';

/** Where SwiftShader's Vulkan driver manifest lives on Debian/Ubuntu with the chromium package. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

interface DawnModule {
  create(flags: string[]): GPU;
}

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/** Linux: whether libvulkan.so.1 can be loaded (ld.so.cache, LD_LIBRARY_PATH, the usual folders). Other systems: assumed. */
export async function vulkanLoaderPresent(): Promise<boolean> {
  if (process.platform !== 'linux') return true;
  const { existsSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const name = 'libvulkan.so.1';
  const dirs = [...(process.env['LD_LIBRARY_PATH'] ?? '').split(':').filter(Boolean), '/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/lib64', '/usr/local/lib'];
  if (dirs.some((d) => existsSync(join(d, name)))) return true;
  try {
    return readFileSync('/etc/ld.so.cache', 'latin1').includes(name);
  } catch {
    return false;
  }
}

/**
 * Linux: whether any Vulkan driver is installed: VK_ICD_FILENAMES or
 * VK_DRIVER_FILES set, or a driver manifest (*.json) in the loader's search
 * folders. Without one the loader prints "Found no drivers!" on fd 2.
 */
export async function vulkanDriversPresent(): Promise<boolean> {
  if (process.platform !== 'linux') return true;
  if (process.env['VK_ICD_FILENAMES'] || process.env['VK_DRIVER_FILES'] || process.env['VK_ADD_DRIVER_FILES']) return true;
  const { readdirSync } = await import('node:fs');
  const { join } = await import('node:path');
  const data = (process.env['XDG_DATA_DIRS'] ?? '/usr/local/share:/usr/share').split(':').filter(Boolean);
  const config = (process.env['XDG_CONFIG_DIRS'] ?? '/etc/xdg').split(':').filter(Boolean);
  const home = process.env['HOME'] ? [join(process.env['HOME'], '.local/share')] : [];
  const dirs = [...config, '/etc', ...home, ...data, '/usr/share', '/usr/local/share'].map((d) => join(d, 'vulkan', 'icd.d'));
  return dirs.some((d) => {
    try {
      return readdirSync(d).some((f) => f.endsWith('.json'));
    } catch {
      return false;
    }
  });
}

/**
 * Dawn's Vulkan loader prints "error: XDG_RUNTIME_DIR is invalid or not set"
 * when the variable is unset or not a private folder (containers, CI, cron).
 * Give this process a private one (mode 0700 in the temp folder) in that case.
 */
export async function ensurePrivateRuntimeDir(): Promise<void> {
  const { chmodSync, mkdtempSync, rmSync, statSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const current = process.env['XDG_RUNTIME_DIR'];
  try {
    const st = current ? statSync(current) : undefined;
    if (st && st.isDirectory() && (st.mode & 0o077) === 0 && st.uid === process.getuid?.()) return;
  } catch {
    // missing: make one below
  }
  const dir = mkdtempSync(join(tmpdir(), 'relevance-xdg-'));
  chmodSync(dir, 0o700);
  process.env['XDG_RUNTIME_DIR'] = dir;
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
}

/** One Dawn instance per process: creating instances is slow and each holds driver state. */
let nodeGpu: Promise<GPU | null> | null = null;

async function loadNodeGpu(): Promise<GPU | null> {
  try {
    // A computed specifier keeps bundlers from pulling the Node-only native package into browser builds.
    const specifier = 'webgpu';
    const dawn = (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as DawnModule;
    return dawn.create([]);
  } catch {
    return null;
  }
}

/** The GPU entry point of this environment, or null when there is none. */
export async function getGpu(): Promise<GPU | null> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  if (!isNode()) return null;
  nodeGpu ??= loadNodeGpu();
  return nodeGpu;
}

/**
 * A fresh adapter (an adapter can create one device only), or null when this
 * environment has no usable WebGPU implementation.
 */
export async function findWebGpuAdapter(options: BackendOptions = {}): Promise<GPUAdapter | null> {
  if (isNode() && !(options.diagnostics ?? true)) {
    // Dawn writes its Vulkan loader complaints straight to stderr (fd 2), where no JS code can catch them:
    // without a Vulkan loader or any Vulkan driver there is no adapter to find, so do not start Dawn at all
    if (!(await vulkanLoaderPresent()) || !(await vulkanDriversPresent())) return null;
    await ensurePrivateRuntimeDir();
  }
  const gpu = await getGpu();
  if (!gpu) return null;
  try {
    const request: GPURequestAdapterOptions = options.powerPreference ? { powerPreference: options.powerPreference } : {};
    return (await gpu.requestAdapter(request)) ?? null;
  } catch {
    return null;
  }
}

/**
 * Whether the adapter is a software implementation (SwiftShader reports
 * `isFallbackAdapter`): correct but far slower than the wasm backend, so worth
 * skipping when choosing a backend automatically.
 */
export function isSoftwareAdapter(adapter: GPUAdapter): boolean {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  return info?.isFallbackAdapter === true || /swiftshader/i.test(`${info?.architecture ?? ''} ${info?.description ?? ''}`);
}

/** A one-line hint for error and skip messages: how to get an adapter here. */
export function noAdapterHint(): string {
  if (!isNode()) return 'this browser exposes no WebGPU adapter (navigator.gpu is missing or returned none)';
  const icd = process.env['VK_ICD_FILENAMES'];
  if (icd) return `no WebGPU adapter found with VK_ICD_FILENAMES=${icd}; check the driver manifest and that libvulkan1 is installed`;
  return `no WebGPU adapter found; without a GPU, run with VK_ICD_FILENAMES=${SWIFTSHADER_ICD} to use SwiftShader (needs the chromium and libvulkan1 packages)`;
}
