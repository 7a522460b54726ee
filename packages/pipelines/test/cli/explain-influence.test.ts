/**
 * `relevance explain --method influence`: each TruLens-Explain fixture of
 * ../shared/fixtures/influence is one command (<= 1e-6 of the largest |value|),
 * the Gaussian distribution agrees with TruLens's Monte-Carlo mean, and
 * influence flags that do not fit are usage errors (exit 2) naming the flag.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../io/helpers/temp-dir.js';
import { requireShared, sharedPath } from '../io/helpers/shared-data.js';
import { relativeToMax } from './helpers/compare.js';
import { runCaptured } from './helpers/run-cli.js';

const fixtures = sharedPath('fixtures', 'influence');
const mlp = sharedPath('fixtures', 'mlp');
const OWN = fileURLToPath(new URL('../../../methods/test/fixtures/influence/', import.meta.url));
const tmp = useTempDir('relevance-explain-influence-');
const TOLERANCE = 1e-6;

/** The command per fixture, flag for flag. */
const CASES: ReadonlyArray<[string, string]> = [
  ['input_point_class1', '--slice input --qoi class:1 --doi point'],
  ['input_linear10_class0_mult', '--slice input --qoi class:0 --doi linear --steps 10 --integration uniform-endpoints --baseline zero --multiply-activation'],
  ['relu1_linear8_comparative_0_2_mult', '--slice relu1 --qoi comparative:0,2 --doi linear --steps 8 --integration uniform-endpoints --activation-baseline zero --multiply-activation'],
  ['fc2_point_maxclass', '--slice fc2 --qoi predicted --doi point'],
  ['relu2_point_class2_mult', '--slice relu2 --qoi class:2 --doi point --activation-baseline zero --multiply-activation'],
];

const base = (out: string, backend = 'reference'): string[] =>
  ['explain', '--model', `${mlp}/model.onnx`, '--input', `${mlp}/inputs.json`, '--method', 'influence', '--backend', backend, '--out', out, '--quiet'];

describe.runIf(requireShared('TruLens influence fixtures', fixtures && mlp))('relevance explain --method influence reproduces TruLens', () => {
  for (const [file, flags] of CASES) {
    for (const backend of ['reference', 'wasm']) {
      it(`${file} (${backend})`, async () => {
        const out = tmp.path(`${file}-${backend}.json`);
        const r = await runCaptured([...base(out, backend), ...flags.split(' ')]);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        const got = JSON.parse(readFileSync(out, 'utf8'));
        const ref = JSON.parse(readFileSync(`${fixtures}/${file}.json`, 'utf8')).attribution;
        expect(got.method).toBe('influence');
        expect(got.shape).toEqual(ref.shape);
        const err = relativeToMax(got.data, ref.data);
        console.log(`cli ${backend} ${file}: ${err.toExponential(2)}`);
        expect(err).toBeLessThanOrEqual(TOLERANCE);
        if (!flags.includes('--slice input')) expect(got.layer).toMatch(new RegExp(flags.split(' ')[1]!));
      });
    }
  }
});

describe.runIf(requireShared('the fixture MLP', mlp))('relevance explain --method influence --qoi max-class', () => {
  it("is TruLens's MaxClassQoI on a linear path (the project's own fixture)", async () => {
    const out = tmp.path('maxclass.json');
    const r = await runCaptured([...base(out), ...'--qoi max-class --doi linear --steps 10 --integration uniform-endpoints --multiply-activation'.split(' ')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const ref = JSON.parse(readFileSync(`${OWN}input_linear10_maxclass_mult.json`, 'utf8')).attribution;
    const err = relativeToMax(JSON.parse(readFileSync(out, 'utf8')).data, ref.data);
    console.log(`cli reference input_linear10_maxclass_mult: ${err.toExponential(2)}`);
    expect(err).toBeLessThanOrEqual(TOLERANCE);
  });
});

describe.runIf(requireShared('the fixture MLP', mlp))('relevance explain --method influence --doi gaussian', () => {
  it("agrees with TruLens's Monte-Carlo mean within 5.5 standard deviations per element", async () => {
    // the test and its tolerance are explained in packages/methods/test/influence/trulens-parity.test.ts
    const f = JSON.parse(readFileSync(`${OWN}input_gaussian_class1.json`, 'utf8'));
    const samples = 4096;
    const out = tmp.path('gaussian.json');
    const r = await runCaptured([...base(out, 'wasm'), '--qoi', 'class:1', '--doi', 'gaussian', '--stdev', String(f.stdev), '--samples', String(samples), '--seed', '3', '--batch-size', '16384']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const got = JSON.parse(readFileSync(out, 'utf8')).data as number[];
    const k = Math.sqrt(1 + f.samples / samples);
    let maxZ = 0;
    f.attribution.data.forEach((ref: number, i: number) => {
      maxZ = Math.max(maxZ, Math.abs(got[i]! - ref) / (k * f.standard_error.data[i]));
    });
    console.log(`cli gaussian input_gaussian_class1: max |z| ${maxZ.toFixed(2)}`);
    expect(maxZ).toBeLessThan(5.5);
  }, 60_000);
});

describe.runIf(requireShared('the fixture MLP', mlp))('relevance explain --method influence: usage errors', () => {
  const run = (flags: string) => runCaptured([...base(tmp.path('x.json')), ...flags.split(' ')]);
  const cases: ReadonlyArray<[string, RegExp]> = [
    ['--slice nope', /--slice nope: the model has no layer of that name; use 'input' or one of: .*relu1/],
    ['--qoi class:7', /--qoi class: class 7 is out of range: the model has 3 outputs \(0 to 2\)/],
    ['--qoi comparative:1,1', /two different classes/],
    ['--qoi banana', /--qoi 'banana' is not a quantity; use class:<c>, comparative:<a>,<b>, predicted or max-class/],
    ['--qoi class:0 --target 1', /--target does not apply to influence; choose the quantity with --qoi/],
    ['--steps 8', /--steps applies only to --doi linear/],
    ['--doi linear --stdev 0.5', /--stdev applies only to --doi gaussian/],
    ['--seed 3', /--seed applies only to --doi gaussian/],
    ['--doi gaussian', /--doi gaussian needs --stdev/],
    ['--slice relu1 --activation-baseline zero', /--activation-baseline applies only with --multiply-activation/],
    ['--baseline zero', /--baseline applies only to --doi linear or with --multiply-activation/],
    ['--doi curved', /curved/],
    ['--window 2', /--window does not apply to influence; it takes .*--qoi/],
  ];
  for (const [flags, message] of cases) {
    it(`${flags}: exit 2`, async () => {
      const r = await run(flags);
      expect(r.stderr).toMatch(message);
      expect(r.code).toBe(2);
    });
  }
});
