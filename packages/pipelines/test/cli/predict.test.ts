/** `relevance predict` reproduces the reference logits for the fixture models, for every input/output format. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readArray, readTable, writeArray } from '../../src/index.js';
import { requireShared, sharedPath } from '../io/helpers/shared-data.js';
import { useTempDir } from '../io/helpers/temp-dir.js';
import { runCaptured } from './helpers/run-cli.js';

const tmp = useTempDir('relevance-predict-');

interface Fixture {
  shape: number[];
  data: number[];
}

function logitsOf(model: string): Fixture {
  return (JSON.parse(readFileSync(sharedPath('fixtures', model, 'logits.json')!, 'utf8')) as { logits_float32: Fixture }).logits_float32;
}

/**
 * numpy.allclose(actual, expected, rtol=1e-5, atol=1e-6). The absolute term is
 * needed for logits near zero: torch's own float32 logits differ from its
 * float64 ones by up to 5.4e-7 (cnn), so a purely element-wise 1e-5 relative
 * test of a logit of 0.004 would demand more than float32 summation can give.
 */
function expectClose(actual: ArrayLike<number>, expected: readonly number[], rtol = 1e-5, atol = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  const bad: string[] = [];
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i]! - expected[i]!);
    if (!(diff <= atol + rtol * Math.abs(expected[i]!))) bad.push(`[${i}] ${actual[i]} vs ${expected[i]}`);
  }
  expect(bad.slice(0, 5)).toEqual([]);
}

const fixtures = sharedPath('fixtures', 'mlp', 'weights.json') && sharedPath('fixtures', 'cnn', 'weights.json');

describe.runIf(requireShared('reference fixtures (mlp, cnn)', fixtures))('predict on the fixtures', () => {
  for (const [model, backend] of [['mlp', 'reference'], ['cnn', 'reference'], ['mlp', 'wasm'], ['cnn', 'wasm']] as const) {
    it(`${model} on ${backend}: weights.json + inputs.json reproduce logits_float32 (rtol 1e-5)`, async () => {
      const out = tmp.path(`${model}-${backend}-logits.json`);
      // batch size 5 does not divide 64 or 8: the last, partial batch is exercised
      const r = await runCaptured(['predict', '--model', sharedPath('fixtures', model, 'weights.json')!, '--input', sharedPath('fixtures', model, 'inputs.json')!, '--out', out, '--backend', backend, '--batch-size', '5']);
      expect(r.stderr).toContain('predict: done');
      expect(r.code).toBe(0);
      const expected = logitsOf(model);
      const written = JSON.parse(readFileSync(out, 'utf8')) as Fixture;
      expect(written.shape).toEqual(expected.shape);
      expectClose(written.data, expected.data);
    });
  }

  it('mlp from a CSV table with ids: output rows keep the ids, columns output_0..', async () => {
    const inputs = await readArray(sharedPath('fixtures', 'mlp', 'inputs.json')!);
    const csv = tmp.path('mlp-inputs.csv');
    await writeArray(csv, { shape: inputs.shape, data: inputs.data, columnNames: inputs.shape[1] ? Array.from({ length: inputs.shape[1] }, (_, j) => `f${j}`) : [], ids: Array.from({ length: inputs.shape[0]! }, (_, i) => `row-${i}`), idName: 'sample' });
    for (const ext of ['csv', 'parquet', 'arrow']) {
      const out = tmp.path(`mlp-out.${ext}`);
      const r = await runCaptured(['predict', '--model', sharedPath('fixtures', 'mlp', 'weights.json')!, '--input', csv, '--out', out, '--backend=reference', '--quiet']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const table = await readTable(out);
      expect(table.columns.map((c) => c.name)).toEqual(['sample', 'output_0', 'output_1', 'output_2']);
      const back = await readArray(out);
      expect(back.ids![5]).toBe('row-5');
      expectClose(back.data, logitsOf('mlp').data);
    }
  });

  it('cnn from a flat CSV row of 256 values is reshaped to [1, 16, 16]', async () => {
    const inputs = await readArray(sharedPath('fixtures', 'cnn', 'inputs.json')!);
    const csv = tmp.path('cnn-flat.csv');
    await writeArray(csv, { shape: [8, 256], data: inputs.data });
    const out = tmp.path('cnn-out.json');
    const r = await runCaptured(['predict', '--model', sharedPath('fixtures', 'cnn', 'weights.json')!, '--input', csv, '--out', out, '--backend', 'reference', '-q']);
    expect(r.code).toBe(0);
    expectClose((JSON.parse(readFileSync(out, 'utf8')) as Fixture).data, logitsOf('cnn').data);
  });

  it('--columns picks features from a wider table; a width mismatch names both shapes and the fix', async () => {
    const inputs = await readArray(sharedPath('fixtures', 'mlp', 'inputs.json')!);
    const names = Array.from({ length: 11 }, (_, j) => `f${j}`);
    const wide = tmp.path('wide.csv');
    // an extra column 'extra' in front; --columns picks the 11 real ones
    const data = new Float32Array(64 * 12);
    for (let r = 0; r < 64; r++) {
      data[r * 12] = 99;
      data.set(inputs.data.subarray(r * 11, r * 11 + 11), r * 12 + 1);
    }
    await writeArray(wide, { shape: [64, 12], data, columnNames: ['extra', ...names] });
    const out = tmp.path('wide-out.json');
    const ok = await runCaptured(['predict', '--model', sharedPath('fixtures', 'mlp', 'weights.json')!, '--input', wide, '--features', '/^f\\d+$/', '--out', out, '--backend', 'reference', '-q']);
    expect(ok.stderr).toBe('');
    // the old spelling still works, with a warning naming the new one
    const old = await runCaptured(['predict', '--model', sharedPath('fixtures', 'mlp', 'weights.json')!, '--input', wide, '--columns', '/^f\\d+$/', '--out', out, '--backend', 'reference', '-q']);
    expect(old.code).toBe(0);
    expect(old.stderr).toMatch(/warning: --columns is the old spelling of --features; it still works, but write --features/);
    expectClose((JSON.parse(readFileSync(out, 'utf8')) as Fixture).data, logitsOf('mlp').data);
    const bad = await runCaptured(['predict', '--model', sharedPath('fixtures', 'mlp', 'weights.json')!, '--input', wide, '--out', tmp.path('never.json'), '--backend', 'reference', '-q']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('wide.csv');
    expect(bad.stderr).toContain('12 values');
    expect(bad.stderr).toContain('expects 11');
    expect(bad.stderr).toContain('--features');
  });

  it('reads the input through --sql', async () => {
    const inputs = await readArray(sharedPath('fixtures', 'mlp', 'inputs.json')!);
    const parquet = tmp.path('mlp.parquet');
    await writeArray(parquet, { shape: inputs.shape, data: inputs.data });
    const out = tmp.path('sql-out.json');
    const r = await runCaptured(['predict', '--model', sharedPath('fixtures', 'mlp', 'weights.json')!, '--sql', `select * from '${parquet}' limit 10`, '--out', out, '--backend', 'reference', '-q']);
    expect(r.stderr).toBe('');
    const written = JSON.parse(readFileSync(out, 'utf8')) as Fixture;
    expect(written.shape).toEqual([10, 3]);
    expectClose(written.data, logitsOf('mlp').data.slice(0, 30));
  });

  for (const model of ['mlp', 'cnn']) {
    it(`${model}: model.onnx reproduces logits_float32 (rtol 1e-5)`, async () => {
      const out = tmp.path(`${model}-onnx-logits.json`);
      const r = await runCaptured(['predict', '--model', sharedPath('fixtures', model, 'model.onnx')!, '--input', sharedPath('fixtures', model, 'inputs.json')!, '--out', out, '--backend', 'reference', '-q']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expectClose((JSON.parse(readFileSync(out, 'utf8')) as Fixture).data, logitsOf(model).data);
    });
  }

  it('a .relevance model saved from the weights gives the same outputs', async () => {
    const { createBackend } = await import('@relevance/core-wasm');
    const { modelFromTorchJson, saveModelFile } = await import('@relevance/methods');
    const be = await createBackend('reference');
    const saved = tmp.path('mlp.relevance');
    try {
      const model = modelFromTorchJson(be, JSON.parse(readFileSync(sharedPath('fixtures', 'mlp', 'weights.json')!, 'utf8')));
      await saveModelFile(model, saved);
    } finally {
      be.destroy();
    }
    const out = tmp.path('relevance-logits.json');
    const r = await runCaptured(['predict', '--model', saved, '--input', sharedPath('fixtures', 'mlp', 'inputs.json')!, '--out', out, '--backend', 'reference', '-q']);
    expect(r.stderr).toBe('');
    expectClose((JSON.parse(readFileSync(out, 'utf8')) as Fixture).data, logitsOf('mlp').data);
  });
});

describe('predict usage and errors', () => {
  it('needs exactly one of --input and --sql', async () => {
    const r = await runCaptured(['predict', '--model', 'm.json', '--out', 'o.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('give exactly one of --input <file> or --sql <query>');
  });

  it('names a missing model file', async () => {
    const input = tmp.write('in.json', JSON.stringify({ shape: [1, 2], data: [1, 2] }));
    const r = await runCaptured(['predict', '--model', tmp.path('missing-model.json'), '--input', input, '--out', tmp.path('o.json'), '--backend', 'reference']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('missing-model.json: file not found');
    expect(r.stderr).not.toContain('    at ');
  });

  it('rejects an unknown model extension', async () => {
    const input = tmp.write('in2.json', JSON.stringify({ shape: [1, 2], data: [1, 2] }));
    const model = tmp.write('model.pt', 'x');
    const r = await runCaptured(['predict', '--model', model, '--input', input, '--out', tmp.path('o2.json'), '--backend', 'reference']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('model.pt: unknown model format');
  });
});
