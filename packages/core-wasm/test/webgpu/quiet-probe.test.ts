/**
 * The quiet GPU probe of createBackend('auto'): a private XDG_RUNTIME_DIR when
 * the variable is unset or not private (Dawn's Vulkan loader complains
 * otherwise), left alone when it is fine; no adapter and no Dawn start
 * without a Vulkan loader.
 */
import { mkdtempSync, statSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensurePrivateRuntimeDir, findWebGpuAdapter, vulkanLoaderPresent } from '../../src/backends/webgpu/adapter.js';

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
});
