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
