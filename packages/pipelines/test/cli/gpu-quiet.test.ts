/**
 * --backend auto on a machine without a usable GPU runs silently on wasm: no
 * Dawn/Vulkan lines (a missing libvulkan, an invalid XDG_RUNTIME_DIR, a source
 * path of Dawn's build machine) reach stderr, from the CLI or from a user
 * program calling createBackend('auto'). Separate processes, since Dawn writes
 * to file descriptor 2 directly. Needs the build (npm run build).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createBackend } from '@relevance/core-wasm';
import { mlp, saveOnnxFile } from '@relevance/methods';
import { useTempDir } from '../io/helpers/temp-dir.js';

const pkg = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const bin = join(pkg, 'bin', 'relevance.js');
const built = ['core-wasm', 'methods', 'pipelines'].every((p) => existsSync(join(pkg, '..', p, 'dist', 'src', 'index.js')));
const tmp = useTempDir('relevance-gpu-quiet-');
const DAWN_NOISE = /Vulkan|XDG_RUNTIME_DIR|BackendVk|node-webgpu|dawn/i;

/** The environment of a container or CI job: no XDG_RUNTIME_DIR, no driver chosen. */
function bareEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, RELEVANCE_DEBUG: '', ...extra };
  delete env.XDG_RUNTIME_DIR;
  delete env.VK_ICD_FILENAMES;
  delete env.RELEVANCE_VERBOSE;
  return env;
}

describe.runIf(built)('no GPU driver noise on --backend auto', () => {
  it('relevance predict --backend auto prints no Dawn/Vulkan lines', async () => {
    const be = await createBackend('reference');
    const model = mlp(be, { inputs: 3, hidden: [4], outputs: 2, seed: 1 });
    const modelPath = tmp.path('m.onnx');
    await saveOnnxFile(model, modelPath);
    model.dispose();
    const input = tmp.write('x.json', JSON.stringify({ shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }));
    const r = spawnSync(process.execPath, [bin, 'predict', '--model', modelPath, '--input', input, '--out', tmp.path('y.json'), '--backend', 'auto', '-q'], { cwd: pkg, encoding: 'utf8', env: bareEnv() });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(DAWN_NOISE);
  });

  it("a user program calling createBackend('auto') prints nothing either", () => {
    const script = "const { createBackend } = await import('@relevance/core-wasm'); const be = await createBackend('auto'); process.stdout.write(be.name); be.destroy();";
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: pkg, encoding: 'utf8', env: bareEnv() });
    expect(r.status, r.stderr).toBe(0);
    expect(['wasm', 'webgpu']).toContain(r.stdout);
    expect(r.stderr).not.toMatch(DAWN_NOISE);
  });

  it('--verbose is accepted by every command, study included', () => {
    const r = spawnSync(process.execPath, [bin, 'study', 'proteomics', '--verbose', '--masks', '0', '-q'], { cwd: pkg, encoding: 'utf8', env: bareEnv() });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--masks: must be a positive whole number');
  });
});
