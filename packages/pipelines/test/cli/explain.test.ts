/**
 * `relevance explain` gives the fixture numbers through the command line (the
 * same parameters as each fixture's metadata), and rejects what it should.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../io/helpers/temp-dir.js';
import { requireShared, sharedPath } from '../io/helpers/shared-data.js';
import { relativeToMax } from './helpers/compare.js';
import { runCaptured } from './helpers/run-cli.js';

const fixtures = sharedPath('fixtures');
const tmp = useTempDir('relevance-explain-');

interface Case {
  model: 'mlp' | 'cnn';
  fixture: string;
  args: string[];
}

const cases: Case[] = [
  { model: 'mlp', fixture: 'saliency', args: ['--method', 'saliency'] },
  { model: 'cnn', fixture: 'integrated_gradients_riemann_trapezoid', args: ['--method', 'integrated-gradients', '--steps', '64', '--integration', 'riemann-trapezoid'] },
  { model: 'mlp', fixture: 'deeplift', args: ['--method', 'deeplift', '--baseline', 'zero'] },
  { model: 'cnn', fixture: 'layer_gradcam_conv2_upsampled_bilinear', args: ['--method', 'grad-cam', '--layer', 'conv2', '--upsample', 'bilinear'] },
  { model: 'cnn', fixture: 'occlusion', args: ['--method', 'occlusion', '--window', '1x4x4', '--stride', '1x4x4', '--baseline', '0'] },
  { model: 'cnn', fixture: 'lrp_epsilon_plus_flat', args: ['--method', 'lrp', '--composite', 'epsilon-plus-flat'] },
  { model: 'mlp', fixture: 'lrp_zbox_gamma_epsilon', args: ['--method', 'lrp', '--layer-rules', 'fc1=zbox,fc2=gamma,fc3=epsilon', '--low=-3', '--high', '3', '--gamma', '0.25'] },
  { model: 'mlp', fixture: 'shapley_values_exact', args: ['--method', 'shapley-exact', '--baseline', '0'] },
];

describe.runIf(requireShared('reference fixtures', fixtures))('relevance explain reproduces the fixtures', () => {
  for (const c of cases) {
    it(`${c.model}/${c.fixture}`, async () => {
      const out = tmp.path(`${c.model}-${c.fixture}.json`);
      const targets = tmp.path(`${c.model}-targets.json`);
      const t = JSON.parse(readFileSync(`${fixtures}/${c.model}/targets.json`, 'utf8')).target;
      await import('node:fs').then((fs) => fs.writeFileSync(targets, JSON.stringify({ shape: [t.data.length], data: t.data })));
      const r = await runCaptured(['explain', '--model', `${fixtures}/${c.model}/model.onnx`, '--input', `${fixtures}/${c.model}/inputs.json`, '--target', targets, '--backend', 'reference', '--out', out, '--quiet', ...c.args]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const got = JSON.parse(readFileSync(out, 'utf8'));
      const ref = JSON.parse(readFileSync(`${fixtures}/${c.model}/${c.fixture}.json`, 'utf8')).attribution;
      expect(got.shape).toEqual(ref.shape);
      expect(got.targets).toEqual(t.data);
      expect(relativeToMax(got.data, ref.data)).toBeLessThan(1e-4);
    });
  }
});

describe.runIf(requireShared('reference fixtures', fixtures))('relevance explain errors', () => {
  const base = (): string[] => ['explain', '--model', `${fixtures}/cnn/model.onnx`, '--input', `${fixtures}/cnn/inputs.json`, '--out', tmp.path('x.json'), '--backend', 'reference', '--quiet'];

  it('an unknown method lists the methods and suggests the closest', async () => {
    const r = await runCaptured([...base(), '--method', 'integrated-gradient']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/unknown method 'integrated-gradient' \(did you mean 'integrated-gradients'\?\)/);
  });

  it("LIME's K has its own flag (--lime-features); --features is the column selection as in every command", async () => {
    const r = await runCaptured(['explain', '--model', `${fixtures}/mlp/model.onnx`, '--input', `${fixtures}/mlp/inputs.json`, '--out', tmp.path('lime.json'), '--backend', 'reference', '--quiet', '--method', 'lime', '--lime-features', '2', '--samples', '64', '--seed', '1']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const got = JSON.parse(readFileSync(tmp.path('lime.json'), 'utf8'));
    expect(got.params.features).toBe(2);
    const help = await runCaptured(['explain', '--help']);
    expect(help.stdout).toMatch(/--lime-features <integer>/);
    expect(help.stdout).toMatch(/--features /);
  });

  it('an option that does not apply names the method and its options', async () => {
    const r = await runCaptured([...base(), '--method', 'saliency', '--steps', '32']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--steps does not apply to saliency; it takes --abs/);
  });

  it('a layer that does not exist lists the layers that do', async () => {
    const r = await runCaptured([...base(), '--method', 'grad-cam', '--layer', 'conv9']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no layer named 'conv9'; layers: .*conv2/);
  });

  it('a target out of range names the valid range', async () => {
    const r = await runCaptured([...base(), '--method', 'saliency', '--target', '10']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/target 10 \(row 0\) is out of range: the model has 10 outputs \(0 to 9\)/);
  });
});
