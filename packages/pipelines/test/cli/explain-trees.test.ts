/**
 * `relevance explain --method tree-shap` and `relevance predict` on the ONNX-ML
 * tree fixtures of packages/methods (scikit-learn models): values equal the
 * library's, completeness holds, and wrong combinations exit 2 naming the flag.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importTreeEnsemble, treeShap } from '@relevance/methods';
import { useTempDir } from '../io/helpers/temp-dir.js';
import { runCaptured } from './helpers/run-cli.js';

const FIX = fileURLToPath(new URL('../../../methods/test/fixtures/trees/', import.meta.url));
const tmp = useTempDir('relevance-trees-');

function arrays(name: string): { x: string; bg: string; xData: number[][]; bgData: number[][]; probabilities?: number[][] } {
  const j = JSON.parse(readFileSync(`${FIX}${name}.json`, 'utf8'));
  const x = tmp.path(`${name}-x.csv`);
  const bg = tmp.path(`${name}-bg.csv`);
  const csv = (rows: number[][]): string => ['f0,f1,f2,f3,f4,f5', ...rows.map((r) => r.map((v) => String(v)).join(','))].join('\n') + '\n';
  writeFileSync(x, csv(j.x));
  writeFileSync(bg, csv(j.background));
  return { x, bg, xData: j.x, bgData: j.background, probabilities: j.probabilities };
}

describe('relevance explain --method tree-shap', () => {
  it('gbm_multi: interventional values equal treeShap and add up to f(x) - E[f]', async () => {
    const a = arrays('gbm_multi');
    const out = tmp.path('shap.json');
    const r = await runCaptured(['explain', '--model', `${FIX}gbm_multi.onnx`, '--input', a.x, '--method', 'tree-shap', '--background', a.bg, '--interactions', '--out', out, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const got = JSON.parse(readFileSync(out, 'utf8'));
    const e = importTreeEnsemble(readFileSync(`${FIX}gbm_multi.onnx`));
    const want = treeShap(e, Float32Array.from(a.xData.flat()), a.xData.length, { background: Float32Array.from(a.bgData.flat()), interactions: true });
    expect(got.shape).toEqual([12, 6]);
    expect(got.targets).toEqual(Array.from(want.targets));
    for (let i = 0; i < want.values64.length; i++) expect(got.data[i]).toBeCloseTo(want.values64[i]!, 10);
    expect(got.completeness.max_abs_error).toBeLessThan(1e-9);
    expect(got.interactions.shape).toEqual([12, 6, 6]);
  });

  it('path-dependent with covers from the file, table output with one row per input row', async () => {
    const a = arrays('rf_clf');
    const out = tmp.path('shap.csv');
    const r = await runCaptured(['explain', '--model', `${FIX}rf_clf.onnx`, '--input', a.x, '--method', 'tree-shap', '--algorithm', 'path-dependent', '--target', '2', '--out', out, '--quiet']);
    expect(r.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines.length).toBe(13);
    expect(lines[0]).toContain('a_5');
  });

  it('predict writes the post-transformed scores (probabilities) of sklearn', async () => {
    const a = arrays('gbm_bin');
    const out = tmp.path('p.json');
    const r = await runCaptured(['predict', '--model', `${FIX}gbm_bin.onnx`, '--input', a.x, '--out', out, '--quiet']);
    expect(r.code).toBe(0);
    const got = JSON.parse(readFileSync(out, 'utf8'));
    const want = a.probabilities!.flat();
    for (let i = 0; i < want.length; i++) expect(Math.abs(got.data[i] - want[i]!)).toBeLessThan(1e-6);
  });

  it('model-agnostic methods run on tree files: shapley-exact with one baseline row equals tree-shap with that background row', async () => {
    const a = arrays('gbm_reg');
    const one = tmp.path('one.csv');
    writeFileSync(one, ['f0,f1,f2,f3,f4,f5', a.bgData[0]!.join(',')].join('\n') + '\n');
    const se = tmp.path('se.json');
    const ts = tmp.path('ts.json');
    const base = ['explain', '--model', `${FIX}gbm_reg.onnx`, '--input', a.x, '--quiet', '--target', '0'];
    expect((await runCaptured([...base, '--method', 'shapley-exact', '--baseline', one, '--backend', 'wasm', '--out', se])).code).toBe(0);
    expect((await runCaptured([...base, '--method', 'tree-shap', '--background', one, '--out', ts])).code).toBe(0);
    const x = JSON.parse(readFileSync(se, 'utf8')).data as number[];
    const y = JSON.parse(readFileSync(ts, 'utf8')).data as number[];
    for (let i = 0; i < y.length; i++) expect(Math.abs(x[i]! - y[i]!)).toBeLessThan(1e-4);
  });

  it('evaluate scores tree-shap and kernel-shap on a tree file with --background', async () => {
    const a = arrays('rf_clf');
    const out = tmp.path('eval.csv');
    const r = await runCaptured(['evaluate', '--model', `${FIX}rf_clf.onnx`, '--input', a.x, '--methods', 'tree-shap,kernel-shap:samples=64', '--background', a.bg, '--metrics', 'sparseness,aopc', '--backend', 'wasm', '--out', out, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/tree-shap/);
    expect(r.stdout).toMatch(/kernel-shap/);
    const bad = await runCaptured(['evaluate', '--model', `${FIX}rf_clf.onnx`, '--input', a.x, '--methods', 'saliency', '--metrics', 'sparseness', '--out', out, '--quiet']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/tree ensemble, which has no gradient/);
  });

  it('usage errors exit 2 and name the fix', async () => {
    const a = arrays('gbm_reg');
    const base = ['explain', '--model', `${FIX}gbm_reg.onnx`, '--input', a.x, '--out', tmp.path('o.json'), '--quiet'];
    const noBg = await runCaptured([...base, '--method', 'tree-shap']);
    expect(noBg.code).toBe(2);
    expect(noBg.stderr).toMatch(/--background/);
    const wrong = await runCaptured([...base, '--method', 'saliency']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--method saliency needs a differentiable graph model.*tree ensemble; use tree-shap, or a model-agnostic method/);
    const foreign = await runCaptured([...base, '--method', 'tree-shap', '--background', a.bg, '--steps', '3']);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toMatch(/--steps does not apply to tree-shap/);
    const noCovers = await runCaptured([...base, '--method', 'tree-shap', '--algorithm', 'path-dependent']);
    expect(noCovers.code).toBe(2);
    expect(noCovers.stderr).toMatch(/--algorithm path-dependent needs node covers .*--covers <training rows>/);
  });
});
