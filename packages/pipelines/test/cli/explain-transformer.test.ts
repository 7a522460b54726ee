/**
 * `relevance explain --method lrp --composite attnlrp|cp-lrp` and `relevance
 * evaluate` on the ONNX transformer fixture of packages/methods (an
 * FT-Transformer exported by torch 1.13): relevances equal the torch
 * reference of make_transformer.py, with conservation reported per row.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../io/helpers/temp-dir.js';
import { runCaptured } from './helpers/run-cli.js';

const FIX = fileURLToPath(new URL('../../../methods/test/fixtures/transformer/', import.meta.url));
const tmp = useTempDir('relevance-transformer-');

interface Case { input: { shape: number[]; data: number[] }; attnlrp: { data: number[] }; cplrp: { data: number[] } }

function inputsCsv(c: Case): string {
  const [rows, cols] = c.input.shape as [number, number];
  const lines = [Array.from({ length: cols }, (_, i) => `x${i}`).join(',')];
  for (let r = 0; r < rows; r++) lines.push(c.input.data.slice(r * cols, (r + 1) * cols).map(String).join(','));
  const file = tmp.path('inputs.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

describe('relevance explain / evaluate on an ONNX transformer', () => {
  for (const [composite, key] of [['attnlrp', 'attnlrp'], ['cp-lrp', 'cplrp']] as const) {
    it(`explain --method lrp --composite ${composite}: the torch reference relevances, conservation per row`, async () => {
      const c = JSON.parse(readFileSync(`${FIX}ft.json`, 'utf8')) as Case;
      const out = tmp.path(`${composite}.json`);
      const r = await runCaptured(['explain', '--model', `${FIX}ft.onnx`, '--input', inputsCsv(c), '--method', 'lrp', '--composite', composite, '--backend', 'reference', '--out', out, '--quiet']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const got = JSON.parse(readFileSync(out, 'utf8'));
      expect(got.shape).toEqual(c.input.shape);
      const want = c[key].data;
      const scale = Math.max(...want.map(Math.abs));
      for (let i = 0; i < want.length; i++) expect(Math.abs(got.data.flat()[i] - want[i]!) / scale).toBeLessThan(1e-4);
      expect(got.completeness.sums).toHaveLength(c.input.shape[0]);
      expect(got.params.composite).toBe(composite);
    });
  }

  it('evaluate compares AttnLRP with gradient x input by AOPC', async () => {
    const c = JSON.parse(readFileSync(`${FIX}ft.json`, 'utf8')) as Case;
    const out = tmp.path('aopc.csv');
    const r = await runCaptured(['evaluate', '--model', `${FIX}ft.onnx`, '--input', inputsCsv(c), '--methods', 'input-x-gradient,lrp:attnlrp', '--metrics', 'aopc', '--no-per-row', '--out', out, '--quiet']);
    expect(r.code).toBe(0);
    const rows = readFileSync(out, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    expect(rows.map((x) => x[0])).toEqual(['input-x-gradient', 'lrp:attnlrp']);
    for (const row of rows) expect(Number.isFinite(Number(row[4]))).toBe(true);
  });
});
