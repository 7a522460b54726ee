/** The method x metric runner and the method-spec registry. */
import { describe, expect, it } from 'vitest';
import { Generator } from '@relevance/core-wasm';
import { referenceBackendForFile } from '../helpers/backends.js';
import { cnn, mlp } from '../../src/index.js';
import { compareExplanations, METRICS, parseMethodSpec, type ComparisonProgress } from '../../src/metrics/index.js';

const be = await referenceBackendForFile();

describe('parseMethodSpec', () => {
  it('reads name, variant and key=value options', () => {
    expect(parseMethodSpec('saliency').options).toEqual({});
    expect(parseMethodSpec('lrp:epsilon-plus-flat').options).toEqual({ composite: 'epsilon-plus-flat' });
    expect(parseMethodSpec('lrp:epsilon:epsilon=0.01').options).toEqual({ rule: 'epsilon', epsilon: 0.01 });
    expect(parseMethodSpec('integrated-gradients:gausslegendre:steps=16').options).toEqual({ integration: 'gausslegendre', steps: 16 });
    expect(parseMethodSpec('occlusion:window=1x4x4').options).toEqual({ window: [1, 4, 4] });
    expect(parseMethodSpec('smoothgrad:noise-level=0.2').options).toEqual({ noiseLevel: 0.2 });
    expect(parseMethodSpec('smoothgrad').random).toBe(true);
  });

  it('names the valid choices on a mistake', () => {
    expect(() => parseMethodSpec('salency')).toThrow(/unknown method 'salency' \(did you mean 'saliency'\?\); methods: .*saliency/);
    expect(() => parseMethodSpec('saliency:steps=3')).toThrow(/method 'saliency' has no option 'steps'; it takes abs, batchSize/);
    expect(() => parseMethodSpec('lrp:nope')).toThrow(/composites: .*epsilon-plus-flat/);
    expect(() => parseMethodSpec('input-x-gradient:fast')).toThrow(/has no variants/);
  });
});

describe('compareExplanations', () => {
  it('gives one long table: a summary row per method and metric, then per-row values', async () => {
    const model = mlp(be, { inputs: 6, hidden: [8], outputs: 2, seed: 1 });
    const g = new Generator(2);
    const x = be.tensor(Float32Array.from({ length: 5 * 6 }, () => g.normal()), [5, 6]);
    const progress: ComparisonProgress[] = [];
    const r = await compareExplanations(model, x, {
      methods: ['saliency', 'lrp:epsilon-plus-flat'],
      metrics: ['aopc', 'sparseness'],
      seed: 3,
      onProgress: (p) => progress.push(p),
    });
    const summary = r.rows.filter((row) => row.row === null);
    expect(summary.map((s) => `${s.method}/${s.metric}`)).toEqual(['saliency/aopc', 'saliency/sparseness', 'lrp:epsilon-plus-flat/aopc', 'lrp:epsilon-plus-flat/sparseness']);
    expect(r.rows.length).toBe(4 * (1 + 5));
    for (const s of summary) expect(Number.isFinite(s.value)).toBe(true);
    expect(progress.at(-1)).toEqual({ done: 6, total: 6, method: 'lrp:epsilon-plus-flat', stage: 'sparseness' });
    // every method explains the same (argmax) targets
    expect(Array.from(r.attributions.get('saliency')!.targets)).toEqual(Array.from(r.targets));
    expect(Array.from(r.attributions.get('lrp:epsilon-plus-flat')!.targets)).toEqual(Array.from(r.targets));
  });

  it('runs every registered metric; randomisation gives one row per layer', async () => {
    const model = mlp(be, { inputs: 4, hidden: [6], outputs: 2, seed: 4 });
    const g = new Generator(5);
    const x = be.tensor(Float32Array.from({ length: 3 * 4 }, () => g.normal()), [3, 4]);
    const r = await compareExplanations(model, x, {
      methods: ['integrated-gradients:steps=8'],
      metrics: [...METRICS.keys()],
      perRow: false,
      metricOptions: { infidelity: { samples: 5 }, 'max-sensitivity': { samples: 3 }, faithfulness: { subsets: 10 } },
    });
    expect(r.rows.every((row) => row.row === null)).toBe(true);
    const randomisation = r.rows.filter((row) => row.metric === 'randomisation');
    expect(randomisation.map((row) => row.layer)).toEqual(['fc2', 'fc1']);
    expect(r.rows.filter((row) => row.metric !== 'randomisation').map((row) => row.metric)).toEqual([...METRICS.keys()].filter((m) => m !== 'randomisation'));
  });

  it('works on images: patches for AOPC, 2-D total variation, a CAM method from the registry', async () => {
    const model = cnn(be, { input: [1, 8, 8], conv: [4], outputs: 3, seed: 6 });
    const g = new Generator(7);
    const x = be.tensor(Float32Array.from({ length: 4 * 64 }, () => g.uniform()), [4, 1, 8, 8]);
    const r = await compareExplanations(model, x, {
      methods: ['saliency:abs', 'grad-cam:layer=relu1:upsample=bilinear'],
      metrics: ['aopc', 'total-variation'],
      perRow: false,
      metricOptions: { aopc: { regionSize: 2, perturbation: 'blur' } },
    });
    expect(r.rows.map((row) => `${row.method}/${row.metric}`)).toEqual([
      'saliency:abs/aopc', 'saliency:abs/total-variation', 'grad-cam:layer=relu1:upsample=bilinear/aopc', 'grad-cam:layer=relu1:upsample=bilinear/total-variation',
    ]);
    for (const row of r.rows) expect(Number.isFinite(row.value)).toBe(true);
    // an upsampled CAM is smoother than a raw gradient
    expect(r.rows[3]!.value).toBeLessThan(r.rows[1]!.value);
  });
});

