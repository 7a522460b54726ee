/**
 * Parity with the Captum 0.7.0 reference fixtures (../shared/fixtures) for the
 * gradient, path and DeepLIFT methods on both fixture models: <= 1e-4 of the
 * largest |value| in each file, with the parameters its metadata records and
 * the targets of targets.json. Runs on the reference backend, and a subset on
 * wasm when that backend can be created.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '@relevance/core-wasm';
import { wasmBackendOrNull } from '../../helpers/backends.js';
import {
  deconvolution, deepLift, guidedBackprop, inputXGradient, integratedGradients, saliency, saliencySquared, type Attribution, type Model,
} from '../../../src/index.js';
import { fixtureInputTensor, fixtureModel, fixtureTargets, fixturesAvailable, readFixture, relativeToMax, type ArrayJson } from '../../helpers/fixtures.js';

const TOLERANCE = 1e-4;

interface FixtureFile {
  params: Record<string, unknown>;
  attribution: ArrayJson;
}

type Runner = (model: Model, x: import('@relevance/core-wasm').Tensor, targets: number[], meta: FixtureFile) => Promise<Attribution>;

const steps = (meta: FixtureFile): number => Number(meta.params.n_steps);

const CASES: ReadonlyArray<[string, Runner]> = [
  ['saliency', (m, x, target, meta) => saliency(m, x, { target, abs: Boolean(meta.params.abs) })],
  ['saliency_squared', (m, x, target) => saliencySquared(m, x, { target })],
  ['input_x_gradient', (m, x, target) => inputXGradient(m, x, { target })],
  ['integrated_gradients_riemann_trapezoid', (m, x, target, meta) => integratedGradients(m, x, { target, steps: steps(meta), integration: 'riemann-trapezoid', baseline: 'zero' })],
  ['integrated_gradients_gausslegendre', (m, x, target, meta) => integratedGradients(m, x, { target, steps: steps(meta), integration: 'gausslegendre', baseline: 'zero' })],
  ['integrated_gradients_trapezoid_textbook', (m, x, target, meta) => integratedGradients(m, x, { target, steps: steps(meta), integration: 'trapezoid', baseline: 'zero' })],
  ['guided_backprop', (m, x, target) => guidedBackprop(m, x, { target })],
  ['deconvolution', (m, x, target) => deconvolution(m, x, { target })],
  ['deeplift', (m, x, target, meta) => deepLift(m, x, { target, baseline: 'zero', eps: Number(meta.params.eps ?? 1e-10) })],
];

/** Measured errors, printed once at the end (the report quotes them). */
const measured: string[] = [];
afterAll(() => {
  if (measured.length) console.log(`fixture parity (max |diff| / max |ref|):\n  ${measured.join('\n  ')}`);
});

async function check(be: Backend, model: 'mlp' | 'cnn', file: string, run: Runner, label: string): Promise<number> {
  const m = fixtureModel(be, model);
  const x = fixtureInputTensor(be, model);
  const targets = fixtureTargets(model);
  const meta = readFixture<FixtureFile>(model, `${file}.json`);
  try {
    const a = await run(m, x, targets, meta);
    expect(a.shape).toEqual(meta.attribution.shape);
    expect(Array.from(a.targets)).toEqual(targets);
    const err = relativeToMax(a.values, meta.attribution.data);
    measured.push(`${label} ${model}/${file}: ${err.toExponential(2)}`);
    expect(err).toBeLessThanOrEqual(TOLERANCE);
    if (file.startsWith('integrated_gradients') || file === 'deeplift') expect(a.completeness).toBeDefined();
    if (file === 'deeplift') {
      // summation to delta holds to float32 precision
      const c = a.completeness!;
      expect(c.maxRelError).toBeLessThan(1e-5);
    }
    return err;
  } finally {
    x.dispose();
    m.dispose();
  }
}

describe.skipIf(!fixturesAvailable)('gradient methods match the Captum fixtures (reference backend)', async () => {
  const be = await createBackend('reference');
  for (const model of ['mlp', 'cnn'] as const) {
    for (const [file, run] of CASES) {
      it(`${model}/${file}`, async () => {
        await check(be, model, file, run, 'reference');
      });
    }
  }
});

const wasm = await wasmBackendOrNull();

describe.skipIf(!fixturesAvailable || !wasm)('gradient methods match the Captum fixtures (wasm backend subset)', () => {
  const subset = new Set(['saliency', 'integrated_gradients_gausslegendre', 'guided_backprop', 'deeplift']);
  for (const model of ['mlp', 'cnn'] as const) {
    for (const [file, run] of CASES.filter(([f]) => subset.has(f))) {
      it(`${model}/${file}`, async () => {
        await check(wasm!, model, file, run, 'wasm');
      });
    }
  }
});
