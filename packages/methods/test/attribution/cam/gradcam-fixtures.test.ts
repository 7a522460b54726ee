/**
 * Grad-CAM parity with Captum 0.7.0's LayerGradCam fixtures on the CNN
 * (conv2, conv2 with relu_attributions, relu2, and conv2 interpolated to
 * 16x16 nearest/bilinear): <= 1e-4 of the largest |value| in each file.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '@relevance/core-wasm';
import { wasmBackendOrNull } from '../../helpers/backends.js';
import { readFileSync } from 'node:fs';
import { gradCam, importOnnx, type GradCamOptions } from '../../../src/index.js';
import { FIXTURES, fixtureInputTensor, fixtureModel, fixtureTargets, fixturesAvailable, readFixture, relativeToMax, type ArrayJson } from '../../helpers/fixtures.js';

const TOLERANCE = 1e-4;

const CASES: ReadonlyArray<[string, GradCamOptions]> = [
  ['layer_gradcam_conv2', { layer: 'conv2' }],
  ['layer_gradcam_conv2_relu', { layer: 'conv2', relu: true }],
  ['layer_gradcam_relu2', { layer: 'relu2' }],
  ['layer_gradcam_conv2_upsampled_nearest', { layer: 'conv2', upsample: 'nearest' }],
  ['layer_gradcam_conv2_upsampled_bilinear', { layer: 'conv2', upsample: 'bilinear' }],
];

const measured: string[] = [];
afterAll(() => {
  if (measured.length) console.log(`grad-cam fixture parity (max |diff| / max |ref|):\n  ${measured.join('\n  ')}`);
});

async function check(be: Backend, file: string, options: GradCamOptions, label: string): Promise<void> {
  const model = fixtureModel(be, 'cnn');
  const x = fixtureInputTensor(be, 'cnn');
  const target = fixtureTargets('cnn');
  const ref = readFixture<{ params: Record<string, unknown>; attribution: ArrayJson }>('cnn', `${file}.json`);
  try {
    // the relu flag comes from the metadata where it is recorded
    const relu = ref.params.relu_attributions === undefined ? options.relu : Boolean(ref.params.relu_attributions);
    const a = await gradCam(model, x, { ...options, relu, target });
    expect(a.shape).toEqual(ref.attribution.shape);
    expect(a.layer).toBe(options.layer);
    const err = relativeToMax(a.values, ref.attribution.data);
    measured.push(`${label} cnn/${file}: ${err.toExponential(2)}`);
    expect(err).toBeLessThanOrEqual(TOLERANCE);
  } finally {
    x.dispose();
    model.dispose();
  }
}

describe.skipIf(!fixturesAvailable)('grad-cam matches Captum LayerGradCam (reference backend)', async () => {
  const be = await createBackend('reference');
  for (const [file, options] of CASES) it(file, () => check(be, file, options, 'reference'));
});

describe.skipIf(!fixturesAvailable)('grad-cam on the ONNX import resolves module aliases', () => {
  it("layer 'conv2' and '/conv2/Conv' give the conv2 fixture", async () => {
    const be = await createBackend('reference');
    const model = importOnnx(be, new Uint8Array(readFileSync(`${FIXTURES}cnn/model.onnx`)), { source: 'cnn/model.onnx' });
    const x = fixtureInputTensor(be, 'cnn');
    const ref = readFixture<{ attribution: ArrayJson }>('cnn', 'layer_gradcam_conv2.json').attribution.data;
    for (const layer of ['conv2', '/conv2/Conv']) {
      const a = await gradCam(model, x, { layer, target: fixtureTargets('cnn') });
      expect(a.layer).toBe('/conv2/Conv');
      expect(relativeToMax(a.values, ref)).toBeLessThanOrEqual(TOLERANCE);
    }
    await expect(gradCam(model, x, { layer: 'conv9' })).rejects.toThrow(/no layer named 'conv9'; layers: .*\/conv2\/Conv \(conv2\)/);
    x.dispose();
    model.dispose();
  });
});

const wasm = await wasmBackendOrNull();

describe.skipIf(!fixturesAvailable || !wasm)('grad-cam matches Captum LayerGradCam (wasm backend)', () => {
  for (const [file, options] of CASES) it(file, () => check(wasm!, file, options, 'wasm'));
});
