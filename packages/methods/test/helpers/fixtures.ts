/**
 * Access to ../shared/fixtures (Captum 0.7.0 / Zennit 0.5.1 references).
 * When the folder is absent (a user's clone) tests skip with a one-line message;
 * under CI=true they must run, so a missing folder fails instead.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'vitest';
import type { Backend, Tensor } from '@relevance/core-wasm';
import { modelFromTorchJson, type Model, type TorchJson } from '../../src/index.js';

/** RELEVANCE_SHARED_DIR overrides ../shared (scripts/check-without-shared.mjs points it at a missing folder). */
export const FIXTURES = process.env.RELEVANCE_SHARED_DIR
  ? `${resolve(process.env.RELEVANCE_SHARED_DIR, 'fixtures')}/`
  : fileURLToPath(new URL('../../../../../shared/fixtures/', import.meta.url));
export const fixturesAvailable = existsSync(`${FIXTURES}MANIFEST.md`);
if (!fixturesAvailable) {
  if (process.env.CI === 'true') throw new Error(`CI=true but the reference fixtures are missing at ${FIXTURES}`);
  console.log(`reference fixtures not found at ${FIXTURES}: fixture tests skip`);
}

/**
 * Inside a describe.skipIf(!fixturesAvailable) whose tests are generated from
 * the fixtures: without them no test would be registered and the file would
 * report nothing; this registers one (skipped) test that says why.
 */
export function whyFixtureTestsSkip(what: string): void {
  if (!fixturesAvailable) it(`needs ${what} in ${FIXTURES}, which is missing`, () => {});
}

export interface ArrayJson {
  shape: number[];
  dtype?: string;
  data: number[];
}

export function readFixture<T = Record<string, unknown>>(model: 'mlp' | 'cnn', file: string): T {
  return JSON.parse(readFileSync(`${FIXTURES}${model}/${file}`, 'utf8')) as T;
}

export function fixtureModel(be: Backend, model: 'mlp' | 'cnn'): Model {
  return modelFromTorchJson(be, readFixture<TorchJson>(model, 'weights.json'), `${model}/weights.json`);
}

export function fixtureInputs(model: 'mlp' | 'cnn'): ArrayJson {
  return readFixture<{ input: ArrayJson }>(model, 'inputs.json').input;
}

/** The fixture's inputs as a float32 tensor on `be`. */
export function fixtureInputTensor(be: Backend, model: 'mlp' | 'cnn'): Tensor {
  const inp = fixtureInputs(model);
  return be.tensor(Float32Array.from(inp.data), inp.shape);
}

export function fixtureTargets(model: 'mlp' | 'cnn'): number[] {
  return readFixture<{ target: ArrayJson }>(model, 'targets.json').target.data;
}

/** max |a - b| / max |b|: the "relative to the largest value" measure of the issues. */
export function relativeToMax(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let maxRef = 0;
  let maxDiff = 0;
  for (let i = 0; i < expected.length; i++) {
    maxRef = Math.max(maxRef, Math.abs(expected[i]!));
    maxDiff = Math.max(maxDiff, Math.abs(actual[i]! - expected[i]!));
  }
  return maxRef === 0 ? maxDiff : maxDiff / maxRef;
}
