/**
 * The quiet GPU probe of createBackend('auto'): a private XDG_RUNTIME_DIR when
 * the variable is unset or not private (Dawn's Vulkan loader complains
 * otherwise), left alone when it is fine; no adapter and no Dawn start
 * without a Vulkan loader.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensurePrivateRuntimeDir, findWebGpuAdapter, vulkanDriversPresent, vulkanLoaderPresent } from '../../src/backends/webgpu/adapter.js';

const saved = process.env['XDG_RUNTIME_DIR'];
afterEach(() => {
  if (saved === undefined) delete process.env['XDG_RUNTIME_DIR'];
  else process.env['XDG_RUNTIME_DIR'] = saved;
});

describe('quiet GPU probe', () => {
  it('unset or world-readable XDG_RUNTIME_DIR: a private folder (mode 0700) replaces it', async () => {
    delete process.env['XDG_RUNTIME_DIR'];
    await ensurePrivateRuntimeDir();
    const made = process.env['XDG_RUNTIME_DIR']!;
    expect(statSync(made).isDirectory()).toBe(true);
    expect(statSync(made).mode & 0o777).toBe(0o700);
    const open = mkdtempSync(join(tmpdir(), 'xdg-open-'));
    chmodSync(open, 0o755);
    process.env['XDG_RUNTIME_DIR'] = open;
    await ensurePrivateRuntimeDir();
    expect(process.env['XDG_RUNTIME_DIR']).not.toBe(open);
  });

  it('a valid private XDG_RUNTIME_DIR is kept', async () => {
    const mine = mkdtempSync(join(tmpdir(), 'xdg-mine-'));
    chmodSync(mine, 0o700);
    process.env['XDG_RUNTIME_DIR'] = mine;
    await ensurePrivateRuntimeDir();
    expect(process.env['XDG_RUNTIME_DIR']).toBe(mine);
  });

  it.runIf(process.platform === 'linux')('without a Vulkan loader the quiet probe finds no adapter (and starts no Dawn)', async () => {
    if (await vulkanLoaderPresent()) return; // this machine has one: nothing to check here
    expect(await findWebGpuAdapter({ diagnostics: false })).toBeNull();
  });

  it.runIf(process.platform === 'linux')('finds Vulkan drivers only where a manifest or VK_ICD_FILENAMES names one', async () => {
    const saved = { ...process.env };
    const empty = mkdtempSync(join(tmpdir(), 'vk-empty-'));
    try {
      for (const k of ['VK_ICD_FILENAMES', 'VK_DRIVER_FILES', 'VK_ADD_DRIVER_FILES']) delete process.env[k];
      process.env['XDG_DATA_DIRS'] = empty;
      process.env['XDG_CONFIG_DIRS'] = empty;
      process.env['HOME'] = empty;
      const systemWide = ['/etc', '/usr/share', '/usr/local/share'].some((d) => existsSync(join(d, 'vulkan', 'icd.d')) && readdirSync(join(d, 'vulkan', 'icd.d')).some((f) => f.endsWith('.json')));
      expect(await vulkanDriversPresent()).toBe(systemWide);
      mkdirSync(join(empty, 'vulkan', 'icd.d'), { recursive: true });
      writeFileSync(join(empty, 'vulkan', 'icd.d', 'mine.json'), '{}');
      expect(await vulkanDriversPresent()).toBe(true);
      rmSync(join(empty, 'vulkan'), { recursive: true });
      process.env['VK_ICD_FILENAMES'] = '/usr/lib/chromium/vk_swiftshader_icd.json';
      expect(await vulkanDriversPresent()).toBe(true);
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
